import type { Observation, PageElement } from '../browser/types.ts';
import { type Candidate, findCandidates } from './candidates.ts';
import { type Progress, progressOf } from './completion.ts';
import { describeWanted } from './describe.ts';
import { findDismissButton } from './forms.ts';
import type { Goal } from './goal.ts';
import { type Memory, outcomeOf, remember } from './history.ts';
import { elementLabel } from './page.ts';
import type { PlannerInput } from './planner.ts';
import { fitsTarget } from './relevance.ts';
import { canonicalText } from './synonyms.ts';
import { hrefWords, normalize } from './text.ts';

/** Everything one decision reads, gathered once per step. */
export interface Context {
  input: PlannerInput;
  /** The goal as this page reads it (words naming the page itself set aside). */
  goal: Goal;
  /** The goal as written, for reasons that name what was looked for. */
  asked: Goal;
  observation: Observation;
  memory: Memory;
  progress: Progress;
  candidates: Candidate[];
  /** A banner or modal to close before acting, unless closing it was already tried. */
  dismiss: PageElement | null;
  /** "the invoice for March 2025": how reasons name the goal. */
  wanted: string;
}

/**
 * The goal without the words that name the page the run is on ("on the library page", "der
 * Bibliothek"): they say where to look, not which document to take.
 */
function placedGoal(goal: Goal, observation: Observation): Goal {
  const placeText = normalize(`${observation.title} ${hrefWords(observation.url)}`);
  const place = new Set(canonicalText(placeText));
  const unplaced = goal.keywords.filter((k) => !place.has(k));
  // when every word of the goal names the page ("the archive" on /archive), they name the
  // document too: nothing else would be left to tell it by
  const keywords = unplaced.length > 0 || goal.concepts.length > 0 ? unplaced : goal.keywords;
  // The one item the goal names is this page ("/v/1.0.0"): the page's download needs no id.
  const here = goal.targets.length === 1 && fitsTarget(placeText, goal.targets[0]);
  if (keywords.length === goal.keywords.length && !here) return goal;

  return { ...goal, keywords, targets: here ? [] : goal.targets };
}

export function contextOf(input: PlannerInput, parsed: Goal): Context {
  const observation = input.observation;
  const goal = placedGoal(parsed, observation);
  const memory = remember(input.history, input.files, observation.url);
  const banner = findDismissButton(observation);
  const tried = banner && outcomeOf(memory, [elementLabel(banner), banner.text, banner.name], null);

  return {
    input,
    goal,
    asked: parsed,
    observation,
    memory,
    progress: progressOf(goal, input.files, input.history),
    candidates: findCandidates(observation, goal, memory),
    dismiss: tried ? null : banner,
    wanted: describeWanted(parsed),
  };
}

/** "Stored 2 files for ...: a.pdf, b.pdf." with what is still missing, if anything. */
export function summarize(ctx: Context): string {
  const files = ctx.input.files;
  const names = files.slice(0, 10).map((f) => f.filename);
  const more = files.length > 10 ? ` and ${files.length - 10} more` : '';
  const missing = ctx.progress.missingTargets.map((i) => ctx.goal.targets[i].label);
  const gap =
    ctx.goal.targets.length >= 2 && missing.length > 0
      ? ` Nothing was found for ${missing.join(', ')}.`
      : '';
  const plural = files.length === 1 ? '' : 's';
  const remaining = ctx.progress.remaining ?? 0;
  const count =
    remaining > 0 ? `${files.length} of ${files.length + remaining}` : `${files.length}`;
  const short = remaining > 0 ? ' No other fitting file was left to try.' : '';

  return `Stored ${count} file${plural} for ${ctx.wanted}: ${names.join(', ')}${more}.${gap}${short}`;
}
