import { afterEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/finalize/handler.ts';
import { createCodePlanner } from '../../lib/agent/code-planner.ts';
import { createLogger } from '../../lib/log.ts';
import { executionInput } from '../../lib/workflow/payloads.ts';
import { runRecordFor } from '../support/runs.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import { type Harness, startHarness } from '../support/workflow-harness.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function statusChange(status: string, input: unknown) {
  return {
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: { status, input: JSON.stringify(input) },
  };
}

async function setUp() {
  const h: Harness = await startHarness({ createPlanner: () => createCodePlanner() });
  closers.push(h.close);
  const endpoint = await startWebhookReceiver(h.secret);
  closers.push(endpoint.close);
  const record = runRecordFor({
    navigation_goal: 'get it',
    url: 'https://x.test',
    webhook_url: endpoint.url,
  });
  await h.store.create(record);
  await h.store.transition(record.run_id, ['created'], 'running');
  const finalize = createHandler({
    store: h.store,
    artifacts: h.artifacts,
    view: { downloadUrlTtlS: 60, appUrlBase: '' },
    logger: createLogger('test', 'SILENT'),
    runTimeoutS: 1800,
    starter: h.runner,
  });
  return { h, endpoint, record, finalize };
}

describe('ending runs whose execution ended without Finalize', () => {
  it('marks the run timed_out when its execution timed out, and announces it', async () => {
    const { h, endpoint, record, finalize } = await setUp();

    const result = await finalize(statusChange('TIMED_OUT', executionInput(record.run_id, 'run')));
    await h.runner.idle();

    expect(result).toEqual({ swept: true });
    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('timed_out');
    expect(run?.failure_reason).toContain('time limit of 1800 s');
    expect(JSON.parse(endpoint.accepted()[0].body).status).toBe('timed_out');
  }, 30_000);

  it('leaves a run that already ended as it was', async () => {
    const { h, record, finalize } = await setUp();
    await h.store.finish(record.run_id, 'completed');

    const result = await finalize(statusChange('FAILED', executionInput(record.run_id, 'run')));

    expect(result).toEqual({ swept: false });
    expect((await h.store.get(record.run_id))?.status).toBe('completed');
  }, 30_000);

  it('ignores executions that succeeded and notification-only executions', async () => {
    const { h, record, finalize } = await setUp();

    await finalize(statusChange('SUCCEEDED', executionInput(record.run_id, 'run')));
    await finalize(statusChange('FAILED', executionInput(record.run_id, 'webhook')));

    expect((await h.store.get(record.run_id))?.status).toBe('running');
  }, 30_000);
});
