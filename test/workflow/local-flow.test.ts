import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Planner } from '../../lib/agent/planner.ts';
import { loadCheckpoint } from '../../lib/workflow/checkpoint.ts';
import { scriptedPlanner, scriptedSessionFactory } from '../support/scripted-browser.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import {
  type Harness,
  type HarnessOptions,
  startHarness,
  testDefinition,
} from '../support/workflow-harness.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function harness(options: Partial<HarnessOptions> & { planner?: () => Planner } = {}) {
  let artifactsRef: Harness['artifacts'] | undefined;
  const started = await startHarness({
    openSession: (session) => scriptedSessionFactory(artifactsRef!)(session),
    createPlanner: options.planner ?? scriptedPlanner(),
    ...options,
  });
  artifactsRef = started.artifacts;
  closers.push(started.close);
  return started;
}

async function receiver(h: Harness, statuses?: number[]): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(h.secret, statuses);
  closers.push(started.close);
  return started;
}

async function downloadKeys(h: Harness, runId: string): Promise<string[]> {
  const listed = await h.env.clients.s3.send(
    new ListObjectsV2Command({
      Bucket: h.env.config.ARTIFACTS_BUCKET,
      Prefix: `runs/${runId}/downloads/`,
    }),
  );
  return (listed.Contents ?? []).map((object) => object.Key!);
}

const goal = { navigation_goal: 'Download the May 2024 invoice', url: 'https://portal.test/' };

describe('the run state machine, run locally', () => {
  it('completes a run with its file, output, terminal webhook and event', async () => {
    const h = await harness();
    const endpoint = await receiver(h);

    const record = await h.start({ ...goal, webhook_url: endpoint.url });
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('completed');
    expect(run?.files.map((file) => file.filename)).toEqual(['invoice.pdf']);
    expect(run?.step_count).toBe(2);
    expect(run?.output).toMatchObject({ downloaded_file_count: 1, final_title: 'Invoices' });
    expect(run?.output?.summary).toContain('invoice.pdf');
    expect(run?.started_at).not.toBeNull();
    expect(endpoint.accepted()).toHaveLength(1);
    expect(endpoint.deliveries[0].verified).toBe(true);
    expect(JSON.parse(endpoint.deliveries[0].body)).toMatchObject({
      run_id: record.run_id,
      status: 'completed',
    });
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['completed']);
  }, 30_000);
});

describe('ending runs', () => {
  it('fails a run that reaches max_steps_per_run, saying so and what it saw last', async () => {
    const h = await harness({ planner: scriptedPlanner({ waitSteps: 100 }) });
    const endpoint = await receiver(h);

    const record = await h.start({ ...goal, max_steps_per_run: 3, webhook_url: endpoint.url });
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('failed');
    expect(run?.step_count).toBe(3);
    expect(run?.failure_reason).toContain('max_steps_per_run (3)');
    expect(run?.failure_reason).toContain('"Invoices" (https://portal.test/invoices)');
    expect(JSON.parse(endpoint.accepted()[0].body).status).toBe('failed');
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['failed']);
  }, 30_000);

  it('ends a run terminated when the planner finds the goal impossible', async () => {
    const h = await harness({ planner: scriptedPlanner({ impossible: true }) });

    const record = await h.start(goal);
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('terminated');
    expect(run?.failure_reason).toBe('No invoice for May 2024.');
    expect(run?.output?.downloaded_file_count).toBe(0);
  }, 30_000);

  it('stops a cancelled run within one step and still sends the terminal webhook', async () => {
    let h!: Harness;
    const base = scriptedPlanner({ waitSteps: 100 })();
    const planner: Planner = {
      name: 'code',
      async decide(input) {
        if (input.history.length === 2) {
          // The API's cancel: the terminal status first, then stop.
          const run = await h.store.finish(runId, 'canceled');
          await h.runner.stop(run!, 'cancelled by the caller');
        }
        return base.decide(input);
      },
    };
    let runId = '';
    h = await harness({ planner: () => planner });
    const endpoint = await receiver(h);

    const record = await h.start({ ...goal, max_steps_per_run: 20, webhook_url: endpoint.url });
    runId = record.run_id;
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('canceled');
    expect(run?.step_count).toBe(3);
    expect(run?.output?.summary).toContain('Cancelled');
    expect(endpoint.accepted()).toHaveLength(1);
    expect(JSON.parse(endpoint.accepted()[0].body).status).toBe('canceled');
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['canceled']);
  }, 30_000);

  it('sends the terminal webhook for a cancel of a run that has no loop running', async () => {
    const h = await harness();
    const endpoint = await receiver(h);
    const record = (await import('../support/runs.ts')).runRecordFor({
      ...goal,
      webhook_url: endpoint.url,
    });
    await h.store.create(record);
    await h.store.transition(record.run_id, ['created'], 'queued');

    const canceled = await h.store.finish(record.run_id, 'canceled');
    await h.runner.stop(canceled!, 'cancelled by the caller');
    await h.runner.idle();

    expect(JSON.parse(endpoint.accepted()[0].body).status).toBe('canceled');
    expect((await h.store.get(record.run_id))?.output?.summary).toContain('Cancelled');
  }, 30_000);

  it('ends a run timed_out when it passes RUN_TIMEOUT_S', async () => {
    let offsetMs = 0;
    const base = scriptedPlanner({ waitSteps: 100 })();
    const planner: Planner = {
      name: 'code',
      async decide(input) {
        if (input.history.length === 2) offsetMs = 1801 * 1000;
        return base.decide(input);
      },
    };
    const h = await harness({ planner: () => planner, clock: () => Date.now() + offsetMs });

    const record = await h.start({ ...goal, max_steps_per_run: 20 });
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('timed_out');
    expect(run?.step_count).toBe(3);
    expect(run?.failure_reason).toContain('time limit of 1800 s after 3 steps');
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['timed_out']);
  }, 30_000);

  it('marks the run timed_out when the execution itself times out (the backstop)', async () => {
    let release!: () => void;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const h = await harness({
      definition: testDefinition(1, 1),
      wrapBrowserStep: () => async () => {
        await hung;
        return { done: false, step_count: 0 };
      },
    });
    closers.push(async () => release());
    const endpoint = await receiver(h);

    const record = await h.start({ ...goal, webhook_url: endpoint.url });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await h.runner.loopEnded(record.run_id);
    release();
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('timed_out');
    expect(run?.failure_reason).toContain('time limit');
    expect(JSON.parse(endpoint.accepted()[0].body).status).toBe('timed_out');
  }, 30_000);
});

describe('resuming', () => {
  it('resumes after an invocation dies, storing no file twice and counting steps on', async () => {
    let crashes = 0;
    let h!: Harness;
    h = await harness({
      planner: scriptedPlanner({ waitSteps: 1 }),
      maxStepsPerInvocation: 1,
      openSession: async (options) => {
        const session = await scriptedSessionFactory(h.artifacts)(options);
        return {
          ...session,
          async act(action, timeoutMs) {
            const result = await session.act(action, timeoutMs);
            if (action.kind === 'click' && crashes === 0) {
              crashes += 1;
              throw new Error('Target page, context or browser has been closed');
            }
            return result;
          },
        };
      },
    });

    const record = await h.start(goal);
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(crashes).toBe(1);
    expect(run?.status).toBe('completed');
    expect(run?.files).toHaveLength(1);
    expect(await downloadKeys(h, record.run_id)).toEqual([
      `runs/${record.run_id}/downloads/invoice.pdf`,
    ]);
    const checkpoint = await loadCheckpoint(h.artifacts, record.run_id);
    expect(checkpoint?.history.map((step) => step.step)).toEqual([1, 2]);
    expect(run?.step_count).toBe(3);
    expect(checkpoint?.invocations).toBe(3);
  }, 30_000);
});

describe('webhook delivery', () => {
  it('delivers exactly once to a receiver that fails 3 times and then succeeds', async () => {
    const h = await harness();
    const endpoint = await receiver(h, [500, 502, 503, 200]);

    const record = await h.start({ ...goal, webhook_url: endpoint.url });
    await h.runner.idle();

    expect(endpoint.deliveries).toHaveLength(4);
    expect(endpoint.accepted()).toHaveLength(1);
    expect(new Set(endpoint.deliveries.map((delivery) => delivery.id)).size).toBe(1);
    expect(endpoint.deliveries.every((delivery) => delivery.verified)).toBe(true);
    const run = await h.store.get(record.run_id);
    expect(run?.webhook_failure_reason).toBeNull();
    expect(run?.status).toBe('completed');
  }, 30_000);

  it('keeps the failure on the run, status unchanged, when the receiver never succeeds', async () => {
    const h = await harness();
    const endpoint = await receiver(h, [500]);

    const record = await h.start({ ...goal, webhook_url: endpoint.url });
    await h.runner.idle();

    expect(endpoint.deliveries).toHaveLength(6);
    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('completed');
    expect(run?.webhook_failure_reason).toBe(
      'Webhook delivery failed: The webhook endpoint answered HTTP 500',
    );
    expect(run?.errors).toContainEqual({
      code: 'webhook_failed',
      message: run?.webhook_failure_reason,
      step: null,
    });
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['completed']);
  }, 30_000);

  it('delivers again on retry_webhook, to a new URL, and clears the kept failure', async () => {
    const h = await harness();
    const broken = await receiver(h, [500]);
    const fixed = await receiver(h);
    const record = await h.start({ ...goal, webhook_url: broken.url });
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    await h.runner.notify(run!, fixed.url);
    await h.runner.idle();

    expect(fixed.accepted()).toHaveLength(1);
    expect(JSON.parse(fixed.accepted()[0].body).status).toBe('completed');
    expect((await h.store.get(record.run_id))?.webhook_failure_reason).toBeNull();
    expect(h.events.events).toHaveLength(1);
  }, 30_000);
});
