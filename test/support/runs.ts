import { type TaskRequestInput, withDefaults } from '../../lib/contracts/request.ts';
import type { Run } from '../../lib/contracts/run.ts';
import { newRunId } from '../../lib/runs/ids.ts';
import { newRunRecord, type RunRecord } from '../../lib/runs/run-record.ts';
import { toRunView } from '../../lib/runs/run-view.ts';

/** A new run record (status `created`) for a request. */
export function runRecordFor(body: TaskRequestInput, owner = 'owner-1'): RunRecord {
  return newRunRecord({
    runId: newRunId(),
    owner,
    request: withDefaults(body),
    now: new Date(),
    aiFallback: false,
  });
}

/** The public view of a record, with placeholder signed URLs. */
export function viewOf(record: RunRecord): Promise<Run> {
  return toRunView(record, {
    artifacts: { signedUrl: async (key) => `http://127.0.0.1:9/${key}` },
    downloadUrlTtlS: 60,
    appUrlBase: '',
  });
}
