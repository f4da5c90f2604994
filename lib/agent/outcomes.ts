import type { Action, ActionResult, Observation } from '../browser/types.ts';
import type { StoredFile } from '../contracts/run.ts';
import type { Checkpoint, Outcome } from '../workflow/checkpoint.ts';
import type { StepRecord } from './planner.ts';

/** The last page the run saw, for a failure_reason a person can act on. */
function lastSeen(checkpoint: Checkpoint): string {
  if (!checkpoint.url) return 'no page was open';

  return checkpoint.title ? `"${checkpoint.title}" (${checkpoint.url})` : checkpoint.url;
}

/** A sentence followed by what was stored, for a run's summary. */
export function withFiles(sentence: string, files: StoredFile[]): string {
  if (files.length === 0) return `${sentence} No file was stored.`;
  const names = files.map((file) => file.filename).join(', ');

  return `${sentence} Stored ${files.length} file${files.length === 1 ? '' : 's'}: ${names}.`;
}

/** A planner's summary, with the stored files named unless it names them all already. */
export function summaryWithFiles(summary: string, files: StoredFile[]): string {
  const named = files.length > 0 && files.every((file) => summary.includes(file.filename));

  return named ? summary : withFiles(summary, files);
}

/** The outcome of a run that reached its time limit (RUN_TIMEOUT_S). */
export function overdueOutcome(
  checkpoint: Checkpoint,
  files: StoredFile[],
  runTimeoutS: number,
): Outcome {
  const reason =
    `The run exceeded its time limit of ${runTimeoutS} s after ` +
    `${checkpoint.step_count} steps; the last page was ${lastSeen(checkpoint)}.`;

  return { status: 'timed_out', summary: withFiles(reason, files), failure_reason: reason };
}

/** The outcome of a run that used all of max_steps_per_run without meeting its goal. */
export function maxStepsOutcome(checkpoint: Checkpoint, files: StoredFile[]): Outcome {
  const reason =
    `Reached max_steps_per_run (${checkpoint.step_count}) before the goal was met; the last ` +
    `page was ${lastSeen(checkpoint)}. Raise max_steps_per_run or make the goal more specific.`;

  return { status: 'failed', summary: withFiles(reason, files), failure_reason: reason };
}

/** The planner's memory of one action; a secret typed into a field is kept as `***`. */
export function stepRecord(
  step: number,
  action: Action,
  observation: Observation,
  result: ActionResult,
  stored: string[],
): StepRecord {
  const elementId = 'element' in action ? action.element : undefined;
  const element = observation.elements.find((candidate) => candidate.id === elementId);

  return {
    step,
    url: observation.url,
    action: action.kind === 'fill' && action.secret ? { ...action, value: '***' } : action,
    elementText: element ? element.text || element.name : null,
    elementHref: element?.href ?? null,
    ok: result.ok,
    files: stored,
    // a refused file tells the planner what the link gave instead (a login page, an error)
    error:
      result.errors[0]?.message ?? result.files.find((file) => file.rejected)?.rejected ?? null,
    pendingDownloads: result.pendingDownloads,
    abandonedUrls: result.abandonedUrls,
  };
}
