import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log.ts';
import { DynamoRunStore } from '../../lib/runs/run-store.ts';
import { SfnRunStarter } from '../../lib/workflow/sfn-starter.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/embedded.ts';
import { runRecordFor } from '../support/runs.ts';
import { startSfnEndpoint } from '../support/sfn-endpoint.ts';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:retriever-runs';
let env: TestEnvironment;
let sfn: Awaited<ReturnType<typeof startSfnEndpoint>>;
let store: DynamoRunStore;
let starter: SfnRunStarter;

beforeAll(async () => {
  env = await startTestEnvironment();
  sfn = await startSfnEndpoint();
  store = new DynamoRunStore(env.clients.dynamodb, env.config.RUNS_TABLE);
  starter = new SfnRunStarter({
    sfn: new SFNClient({
      endpoint: sfn.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
    stateMachineArn: MACHINE,
    store,
    logger: createLogger('test', 'SILENT'),
  });
});

afterAll(async () => {
  await sfn.close();
  await env.close();
});

async function createdRun() {
  const record = runRecordFor({ navigation_goal: 'get the invoice', url: 'https://x.test' });
  await store.create(record);
  return record;
}

describe('SfnRunStarter', () => {
  it('starts an execution named after the run and queues the run with its ARN', async () => {
    const record = await createdRun();

    await starter.start(record);

    const run = await store.get(record.run_id);
    expect(run?.status).toBe('queued');
    expect(run?.execution_arn).toBe(
      `arn:aws:states:us-east-1:123456789012:execution:retriever-runs:${record.run_id}`,
    );
    const call = sfn.calls.find((entry) => entry.body.name === record.run_id);
    expect(JSON.parse(String(call?.body.input))).toEqual({
      run_id: record.run_id,
      stage: 'run',
      error: null,
      finished: null,
    });
  });

  it('treats a repeated start of the same run as started', async () => {
    const record = await createdRun();

    await starter.start(record);
    await starter.start(record);

    const starts = sfn.calls.filter((entry) => entry.body.name === record.run_id);
    expect(starts).toHaveLength(2);
    expect((await store.get(record.run_id))?.status).toBe('queued');
  });

  it('leaves a running execution to notice the cancel itself', async () => {
    const record = await createdRun();
    await starter.start(record);
    const canceled = await store.finish(record.run_id, 'canceled');

    await starter.stop(canceled!, 'cancelled by the caller');

    expect(sfn.calls.some((entry) => entry.body.name === `${record.run_id}-finish`)).toBe(false);
  });

  it('starts a finish execution for a cancelled run whose execution has ended', async () => {
    const record = await createdRun();
    await starter.start(record);
    sfn.executions.get((await store.get(record.run_id))!.execution_arn!)!.status = 'FAILED';
    const canceled = await store.finish(record.run_id, 'canceled');

    await starter.stop(canceled!, 'cancelled by the caller');

    const finish = sfn.calls.find((entry) => entry.body.name === `${record.run_id}-finish`);
    expect(JSON.parse(String(finish?.body.input)).stage).toBe('finish');
  });

  it('starts a webhook-only execution to deliver the webhook again', async () => {
    const record = await createdRun();

    await starter.notify(record, 'https://hooks.test/again');

    const call = sfn.calls.find((entry) =>
      String(entry.body.name).startsWith(`${record.run_id}-webhook-`),
    );
    const input = JSON.parse(String(call?.body.input));
    expect(input.stage).toBe('webhook');
    expect(input.finished.webhook.url).toBe('https://hooks.test/again');
    expect(input.finished.webhook.delivery_id).toMatch(/^msg_/);
  });
});
