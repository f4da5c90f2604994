import type { StoredFile } from '../contracts/run.ts';
import type { Goal } from './goal.ts';
import type { StepRecord } from './planner.ts';
import { fitsTarget } from './relevance.ts';
import { hrefWords, normalize } from './text.ts';

/** How far the run is toward the goal, from the files stored and the steps that stored them. */
export interface Progress {
  done: boolean;
  stored: number;
  /** Indexes of the goal's targets that no stored file answers yet. */
  missingTargets: number[];
  /** Files still wanted when the goal names a number; null for "all". */
  remaining: number | null;
}

/** The words that tie a stored file to what was asked: its name, its link, the element clicked. */
function evidenceOf(files: StoredFile[], history: StepRecord[]): string[] {
  const fromFiles = files.map((f) => normalize(`${f.filename} ${hrefWords(f.source_url)}`));
  const fromSteps = history
    .filter((r) => r.files.length > 0)
    .map((r) => {
      const target = r.action.kind === 'navigate' ? r.action.url : r.elementHref;

      return normalize(`${r.elementText ?? ''} ${r.files.join(' ')} ${hrefWords(target)}`);
    });

  return [...fromFiles, ...fromSteps];
}

/** Whether the goal is met: one file, N files, every named target, or (for "all") not yet known. */
export function progressOf(goal: Goal, files: StoredFile[], history: StepRecord[]): Progress {
  const stored = files.length;
  const evidence = evidenceOf(files, history);
  const missingTargets = goal.targets.flatMap((target, index) =>
    evidence.some((text) => fitsTarget(text, target)) ? [] : [index],
  );
  if (goal.count.kind === 'all') {
    return { done: false, stored, missingTargets, remaining: null };
  }
  const wanted = goal.count.kind === 'n' ? goal.count.n : 1;
  const remaining = Math.max(0, wanted - stored);
  const targetsMet = goal.targets.length >= 2 ? missingTargets.length === 0 : false;
  const done = stored > 0 && (remaining === 0 || targetsMet);

  return { done, stored, missingTargets, remaining };
}
