import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../../lib/contracts/request.ts';
import { newRunId } from '../../lib/runs/ids.ts';
import { newRunRecord } from '../../lib/runs/run-record.ts';
import { DynamoRunStore } from '../../lib/runs/run-store.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/embedded.ts';

let env: TestEnvironment;
let store: DynamoRunStore;

beforeAll(async () => {
  env = await startTestEnvironment();
  store = new DynamoRunStore(env.clients.dynamodb, env.config.RUNS_TABLE);
});
afterAll(() => env.close());

function createRun(owner = 'acme') {
  const record = newRunRecord({
    runId: newRunId(),
    owner,
    request: withDefaults({ navigation_goal: 'download it', url: 'https://example.com' }),
    now: new Date(),
    aiFallback: false,
  });
  return store.create(record).then(() => record);
}

describe('DynamoRunStore', () => {
  it('moves a run through its lifecycle and never changes a terminal status', async () => {
    const run = await createRun();

    expect((await store.transition(run.run_id, ['created'], 'queued'))?.status).toBe('queued');
    expect((await store.transition(run.run_id, ['queued'], 'running'))?.started_at).not.toBeNull();
    expect((await store.finish(run.run_id, 'canceled'))?.status).toBe('canceled');

    expect(await store.finish(run.run_id, 'completed')).toBeNull();
    expect((await store.get(run.run_id))?.status).toBe('canceled');
  });

  it('records a file once per checksum', async () => {
    const run = await createRun();
    const file = {
      key: `runs/${run.run_id}/downloads/a.pdf`,
      checksum: 'a'.repeat(64),
      filename: 'a.pdf',
      file_size: 10,
      modified_at: new Date().toISOString(),
      source_url: null,
    };

    expect(await store.addFile(run.run_id, file)).toBe(true);
    expect(await store.addFile(run.run_id, { ...file, filename: 'b.pdf' })).toBe(false);

    const stored = await store.get(run.run_id);
    expect(stored?.files.map((f) => f.filename)).toEqual(['a.pdf']);
    expect(stored?.bytes_stored).toBe(10);
  });

  it('records no file once the run has ended', async () => {
    const run = await createRun();
    await store.finish(run.run_id, 'canceled');
    const file = {
      key: `runs/${run.run_id}/downloads/late.pdf`,
      checksum: 'c'.repeat(64),
      filename: 'late.pdf',
      file_size: 10,
      modified_at: new Date().toISOString(),
      source_url: null,
    };

    expect(await store.addFile(run.run_id, file)).toBe(false);
    expect((await store.get(run.run_id))?.files).toEqual([]);
  });

  it('lists an owner runs newest first across pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createRun('paging')).run_id);

    const first = await store.list({ owner: 'paging', pageSize: 3 });
    const second = await store.list({
      owner: 'paging',
      pageSize: 3,
      cursor: first.nextCursor ?? undefined,
    });

    expect([...first.runs, ...second.runs].map((r) => r.run_id)).toEqual(ids.reverse());
    expect(second.nextCursor).toBeNull();
  });
});
