import { RUN_ID_PATTERN } from '../contracts/run.ts';
import { RunNotFoundError } from '../errors.ts';
import type { RunRecord } from './run-record.ts';
import type { RunStore } from './run-store.ts';

/** Longest id echoed back in a 404; anything longer cannot be a run id anyway. */
const MAX_SHOWN_ID = 64;

/**
 * The run with this id if `owner` may see it. Another owner's run is reported exactly like an
 * unknown one, so run ids reveal nothing across owners.
 */
export async function getOwnedRun(
  store: RunStore,
  owner: string,
  runId: string,
): Promise<RunRecord> {
  const record = RUN_ID_PATTERN.test(runId) ? await store.get(runId) : null;
  if (!record || record.owner !== owner) {
    const shown = runId.length > MAX_SHOWN_ID ? `${runId.slice(0, MAX_SHOWN_ID)}...` : runId;
    throw new RunNotFoundError(shown);
  }

  return record;
}
