import type { Action } from '../browser/types.ts';
import { act, downloadAction, explain, orderActions, quote } from './actions.ts';
import { type Candidate, INSECURE_REASON } from './candidates.ts';
import { chooseDownloads } from './choose.ts';
import { type Context, contextOf, summarize } from './context.ts';
import { findCodeField, findLoginForm } from './forms.ts';
import { enterCode, justRefused, logIn } from './gates.ts';
import { type Goal, parseGoal } from './goal.ts';
import { listGoesOn, nextPage } from './listing.ts';
import { explore } from './moves.ts';
import type { Decision, Planner } from './planner.ts';
import { pageRefusal } from './refusals.ts';

/** Options of the deterministic planner. */
export interface CodePlannerOptions {
  /** The clock for relative dates ("last month"); defaults to the system clock. */
  now?: () => Date;
}

/** Longest wait for a download already in flight, per step. */
const PENDING_WAIT_MS = 5_000;
/** Waits for downloads in flight before the planner stops waiting for them. */
const MAX_PENDING_WAITS = 6;

/**
 * The deterministic planner (`run_with: "code"`): reads the goal once, then at each step scores
 * what the page offers and picks the actions that lead to the files, with a reason for each.
 *
 * @example
 * const planner = createCodePlanner();
 * const decision = await planner.decide({ goal, observation, history, files });
 */
export function createCodePlanner(options: CodePlannerOptions = {}): Planner {
  const now = options.now ?? (() => new Date());
  const goals = new Map<string, Goal>();
  const goalOf = (text: string) => {
    if (!goals.has(text)) goals.set(text, parseGoal(text, now()));

    return goals.get(text)!;
  };

  return {
    name: 'code',
    decide: async (input) => decide(contextOf(input, goalOf(input.goal))),
  };
}

async function decide(ctx: Context): Promise<Decision> {
  const { goal, memory, progress, observation } = ctx;
  if (progress.done) return { kind: 'done', summary: summarize(ctx) };
  if (memory.pendingDownloads > 0 && memory.waits < MAX_PENDING_WAITS) {
    const reason = 'A download is still in flight: waiting for it instead of clicking again';

    return act([{ kind: 'wait', ms: PENDING_WAIT_MS }], reason, null);
  }
  const dialog = observation.dialogs.map((d) => pageRefusal(d, ctx.asked)).find(Boolean);
  if (dialog) return { kind: 'impossible', reason: dialog };
  if (memory.abandoned.length > 0) return openAbandoned(ctx);
  const picks = chooseDownloads(ctx.candidates, goal, memory, progress);
  const login = findLoginForm(observation);
  if (login && picks.length === 0) return logIn(ctx, login);
  const refused = justRefused(ctx);
  if (refused && picks.length === 0) return { kind: 'impossible', reason: refused };
  const code = findCodeField(observation);
  if (code && picks.length === 0) return enterCode(ctx, code.field, code.submit);

  return picks.length > 0 ? download(ctx, picks) : explore(ctx);
}

/**
 * The page fired several downloads at once and the browser let only some through: open each
 * cancelled link by itself (navigations use no element ids, so one step can hold them all).
 */
function openAbandoned(ctx: Context): Decision {
  const urls = ctx.memory.abandoned;
  const actions: Action[] = urls.map((url) => ({ kind: 'navigate', url, expectDownload: true }));
  const reason = `The page started ${urls.length} more download(s) that the browser cancelled; opening each one: ${urls.join(', ')}`;

  return act(actions, reason, null);
}

/** Acts on the chosen downloads; for "all" goals, turns the page after them when the list goes on. */
function download(ctx: Context, picks: Candidate[]): Decision {
  const actions: Action[] = picks.map(downloadAction);
  const reasons = picks.map(explain);
  const next = ctx.goal.count.kind === 'all' ? nextPage(ctx.candidates, ctx.memory) : null;
  if (next && listGoesOn(ctx.candidates, ctx.goal)) {
    actions.push({ kind: 'click', element: next.element.id });
    reasons.push(`then the next page ${quote(next.label)}: the list may go on`);
  }
  const skipped = ctx.candidates.filter(
    (c) => !picks.includes(c) && c.fit.points > 0 && c.reasons.includes(INSECURE_REASON),
  );
  for (const c of skipped) reasons.push(`not ${quote(c.label)}: ${INSECURE_REASON}`);
  const what = picks.length === 1 ? 'the download' : `${picks.length} downloads`;

  return act(
    orderActions(actions),
    `For ${ctx.wanted}, ${what}: ${reasons.join('; ')}`,
    ctx.dismiss,
  );
}
