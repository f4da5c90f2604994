import { RUN_ID_PATTERN } from '../contracts/run.ts';
import { RunNotFoundError, shownId } from '../errors.ts';
import type { RunRecord } from './run-record.ts';
import type { RunStore } from './run-store.ts';

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
    throw new RunNotFoundError(shownId(runId));
  }

  return record;
}
