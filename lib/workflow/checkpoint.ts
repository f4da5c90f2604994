import { z } from 'zod';
import type { StepRecord } from '../agent/planner.ts';
import { RunStatusSchema, StoredFileSchema } from '../contracts/run.ts';
import { type ArtifactStore, runKeys } from '../files/artifact-store.ts';

/** How a run's loop ended, as the step loop saw it; Finalize turns it into the terminal status. */
export const OutcomeSchema = z.strictObject({
  status: RunStatusSchema.exclude(['created', 'queued', 'running']),
  summary: z.string(),
  failure_reason: z.string().nullable(),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

const StepRecordSchema = z.custom<StepRecord>(
  (value) => typeof value === 'object' && value !== null && 'step' in value && 'action' in value,
  'not a step record',
);

/**
 * Where a run's loop stands between browser-step invocations. Written after every step, so an
 * invocation that dies resumes at the step after the last one it finished.
 */
export const CheckpointSchema = z.strictObject({
  run_id: z.string(),
  step_count: z.number().int().min(0),
  history: z.array(StepRecordSchema),
  url: z.string().nullable(),
  title: z.string().nullable(),
  /** Cookies and local storage of the browser, so a resumed invocation is still logged in. */
  storage_state: z.unknown().nullable(),
  /** Files stored so far (the run record is the authority; this is the loop's view of it). */
  files: z.array(StoredFileSchema),
  /** Invocations that worked on the run and saved a checkpoint (one that died saved none). */
  invocations: z.number().int().min(0),
  outcome: OutcomeSchema.nullable(),
  updated_at: z.string(),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/** The checkpoint of a run that has not taken a step yet. */
export function initialCheckpoint(runId: string, url: string | null, now: Date): Checkpoint {
  return {
    run_id: runId,
    step_count: 0,
    history: [],
    url,
    title: null,
    storage_state: null,
    files: [],
    invocations: 0,
    outcome: null,
    updated_at: now.toISOString(),
  };
}

/** Reads a run's checkpoint; null when the run has none yet. */
export async function loadCheckpoint(
  artifacts: Pick<ArtifactStore, 'getBytes'>,
  runId: string,
): Promise<Checkpoint | null> {
  const bytes = await artifacts.getBytes(runKeys.checkpoint(runId));

  return bytes ? CheckpointSchema.parse(JSON.parse(bytes.toString('utf8'))) : null;
}

/** Writes a run's checkpoint, replacing the previous one. */
export async function saveCheckpoint(
  artifacts: Pick<ArtifactStore, 'putBytes'>,
  checkpoint: Checkpoint,
): Promise<void> {
  await artifacts.putBytes(
    runKeys.checkpoint(checkpoint.run_id),
    JSON.stringify(checkpoint),
    'application/json',
  );
}
