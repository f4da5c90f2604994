import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCodePlanner } from '../../lib/agent/code-planner.ts';
import type { Planner } from '../../lib/agent/planner.ts';
import type { TaskRequestInput } from '../../lib/contracts/request.ts';
import { loadCheckpoint } from '../../lib/workflow/checkpoint.ts';
import { INVOICE, startBillingPortal } from '../fixtures/billing-portal.ts';
import { sha256 } from '../fixtures/bytes.ts';
import type { Site } from '../fixtures/site.ts';
import { synthesizedDefinition } from '../support/synthesized-definition.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { type Harness, type HarnessOptions, startHarness } from '../support/workflow-harness.ts';

let portal: Site;
let deployed: Record<string, unknown>;
beforeAll(async () => {
  portal = await startBillingPortal();
  deployed = synthesizedDefinition(1800);
});
afterAll(() => portal.close());

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function harness(options: Partial<HarnessOptions> = {}) {
  const started = await startHarness({
    createPlanner: () => createCodePlanner(),
    definition: deployed,
    ...options,
  });
  closers.push(started.close);
  return started;
}

async function receiver(h: Harness, statuses?: number[]): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(h.secret, statuses);
  closers.push(started.close);
  return started;
}

async function storedDownloads(h: Harness, runId: string) {
  const listed = await h.env.clients.s3.send(
    new ListObjectsV2Command({
      Bucket: h.env.config.ARTIFACTS_BUCKET,
      Prefix: `runs/${runId}/downloads/`,
    }),
  );
  const keys = (listed.Contents ?? []).map((object) => object.Key!);
  return Promise.all(
    keys.map(async (key) => ({ key, sha256: sha256((await h.artifacts.getBytes(key))!) })),
  );
}

/** Wraps the stand-in planner, running `before` ahead of each decision. */
function plannerWith(
  before: (historyLength: number) => Promise<void> | void,
  base = createCodePlanner(),
) {
  return (): Planner => ({
    name: base.name,
    async decide(input) {
      await before(input.history.length);
      return base.decide(input);
    },
  });
}

const goal = (extra: Partial<TaskRequestInput> = {}): TaskRequestInput => ({
  navigation_goal: 'Download the May 2024 invoice as PDF',
  url: `${portal.origin}/`,
  ...extra,
});

describe('the run state machine, run locally with Chromium', () => {
  it('completes a run with its file, output, terminal webhook and event', async () => {
    const h = await harness();
    const endpoint = await receiver(h);

    const record = await h.start(goal({ webhook_url: endpoint.url }));
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('completed');
    expect(run?.files.map((file) => [file.filename, file.checksum])).toEqual([
      [INVOICE.filename, INVOICE.sha256],
    ]);
    expect(await storedDownloads(h, record.run_id)).toEqual([
      { key: `runs/${record.run_id}/downloads/${INVOICE.filename}`, sha256: INVOICE.sha256 },
    ]);
    expect(run?.step_count).toBe(6);
    // the sixth step only concluded, right after a step with a screenshot: it takes none
    expect(run?.screenshot_keys).toHaveLength(5);
    expect(run?.recording_key).toMatch(/trace-1\.zip$/);
    expect(run?.output).toMatchObject({
      downloaded_file_count: 1,
      final_title: 'Invoices, page 3',
    });
    expect(run?.output?.summary).toContain(INVOICE.filename);
    expect(endpoint.accepted()).toHaveLength(1);
    expect(endpoint.deliveries[0].verified).toBe(true);
    const delivered = JSON.parse(endpoint.deliveries[0].body);
    expect(delivered).toMatchObject({ run_id: record.run_id, status: 'completed', step_count: 6 });
    expect(delivered.downloaded_files[0].checksum).toBe(INVOICE.sha256);
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['completed']);
  }, 90_000);

  it('fails a run that reaches max_steps_per_run, saying so and what it saw last', async () => {
    const h = await harness();
    const endpoint = await receiver(h);

    const record = await h.start(goal({ max_steps_per_run: 3, webhook_url: endpoint.url }));
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('failed');
    expect(run?.step_count).toBe(3);
    expect(run?.failure_reason).toContain('max_steps_per_run (3)');
    expect(run?.failure_reason).toContain(`the last page was "Invoices, page`);
    expect(run?.failure_reason).toContain(`(${portal.origin}/invoices?page=2)`);
    expect(JSON.parse(endpoint.accepted()[0].body).status).toBe('failed');
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['failed']);
  }, 90_000);

  it('stops a cancelled run within one step and still sends the terminal webhook', async () => {
    let h!: Harness;
    let runId = '';
    h = await harness({
      createPlanner: plannerWith(async (taken) => {
        if (taken !== 2) return;
        // The API's cancel: the terminal status first, then stop.
        const canceled = await h.store.finish(runId, 'canceled');
        await h.runner.stop(canceled!, 'cancelled by the caller');
      }),
    });
    const endpoint = await receiver(h);

    const record = await h.start(goal({ webhook_url: endpoint.url }));
    runId = record.run_id;
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('canceled');
    expect(run?.step_count).toBe(3);
    expect(run?.files).toEqual([]);
    expect(run?.output?.summary).toContain('Cancelled');
    expect(endpoint.accepted()).toHaveLength(1);
    expect(JSON.parse(endpoint.accepted()[0].body).status).toBe('canceled');
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['canceled']);
  }, 90_000);

  it('ends a run timed_out when it passes RUN_TIMEOUT_S', async () => {
    let offsetMs = 0;
    const h = await harness({
      clock: () => Date.now() + offsetMs,
      createPlanner: plannerWith((taken) => {
        if (taken === 2) offsetMs = 1801 * 1000;
      }),
    });

    const record = await h.start(goal());
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('timed_out');
    expect(run?.step_count).toBe(3);
    expect(run?.failure_reason).toContain('time limit of 1800 s after 3 steps');
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['timed_out']);
  }, 90_000);

  it('resumes after its second invocation dies, storing no file twice and counting steps on', async () => {
    let invocation = 0;
    let forceDownload = false;
    const h = await harness({
      maxStepsPerInvocation: 4,
      wrapBrowserStep: (handler) => async (event) => {
        invocation += 1;
        forceDownload = invocation === 3;
        return handler(event);
      },
      openSession: (real) => async (options, recordFile) => {
        const session = await real(options, recordFile);
        return {
          open: (url) => session.open(url),
          observe: () => session.observe(),
          settle: (timeoutMs) => session.settle(timeoutMs),
          screenshot: (maxScrolls) => session.screenshot(maxScrolls),
          storageState: () => session.storageState(),
          abort: () => session.abort(),
          close: () => session.close(),
          async act(action, timeoutMs) {
            const result = await session.act(action, timeoutMs);
            if (invocation === 2 && result.files.length > 0) {
              throw new Error('Target page, context or browser has been closed');
            }
            return result;
          },
        };
      },
      // The resumed invocation downloads the same invoice again before it is done.
      createPlanner: () => {
        const base = createCodePlanner();
        return {
          name: base.name,
          decide: (input) =>
            base.decide(forceDownload ? { ...input, files: [] } : input).finally(() => {
              forceDownload = false;
            }),
        };
      },
    });

    const record = await h.start(goal());
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(invocation).toBe(3);
    expect(run?.status).toBe('completed');
    expect(run?.files.map((file) => file.checksum)).toEqual([INVOICE.sha256]);
    expect(await storedDownloads(h, record.run_id)).toHaveLength(1);
    const checkpoint = await loadCheckpoint(h.artifacts, record.run_id);
    expect(checkpoint?.history.map((step) => step.step)).toEqual([1, 2, 3, 4, 5]);
    expect(run?.step_count).toBe(6);
    expect(run?.screenshot_keys.map((key) => key.slice(-8))).toEqual([
      '0001.png',
      '0002.png',
      '0003.png',
      '0004.png',
      '0005.png',
    ]);
  }, 120_000);

  it('fails a run whose start URL the network rules refuse, naming the host', async () => {
    const h = await harness();

    const record = await h.start(goal({ url: 'http://169.254.169.254/latest/meta-data/' }));
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('failed');
    expect(run?.failure_reason).toContain('Blocked by the network rules: 169.254.169.254');
    expect(run?.step_count).toBe(0);
  }, 60_000);

  it('marks the run timed_out when the execution itself times out (the backstop)', async () => {
    let release!: () => void;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const h = await harness({
      // The deployed definition with its backstop brought down to 2 s.
      definition: { ...deployed, TimeoutSeconds: 2 },
      wrapBrowserStep: () => async () => {
        await hung;
        return { done: false, step_count: 0 };
      },
    });
    closers.push(async () => release());
    const endpoint = await receiver(h);

    const record = await h.start(goal({ webhook_url: endpoint.url }));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await h.runner.loopEnded(record.run_id);
    release();
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('timed_out');
    expect(run?.failure_reason).toContain('time limit');
    expect(JSON.parse(endpoint.accepted()[0].body).status).toBe('timed_out');
  }, 60_000);
});

describe('webhook delivery', () => {
  const short = () => goal({ url: `${portal.origin}/invoices?page=3` });

  it('delivers exactly once to a receiver that fails 3 times and then succeeds', async () => {
    const h = await harness();
    const endpoint = await receiver(h, [500, 502, 503, 200]);

    const record = await h.start({ ...short(), webhook_url: endpoint.url });
    await h.runner.idle();

    expect(endpoint.deliveries).toHaveLength(4);
    expect(endpoint.accepted()).toHaveLength(1);
    expect(new Set(endpoint.deliveries.map((delivery) => delivery.id)).size).toBe(1);
    expect(endpoint.deliveries.every((delivery) => delivery.verified)).toBe(true);
    const run = await h.store.get(record.run_id);
    expect(run?.webhook_failure_reason).toBeNull();
    expect(run?.status).toBe('completed');
  }, 90_000);

  it('keeps the failure on the run, status unchanged, when the receiver never succeeds', async () => {
    const h = await harness();
    const endpoint = await receiver(h, [500]);

    const record = await h.start({ ...short(), webhook_url: endpoint.url });
    await h.runner.idle();

    expect(endpoint.deliveries).toHaveLength(6);
    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('completed');
    expect(run?.webhook_failure_reason).toBe('The webhook endpoint answered HTTP 500');
    expect(run?.errors).toContainEqual({
      code: 'webhook_failed',
      message: run?.webhook_failure_reason,
      step: null,
    });
    expect(h.events.events.map((event) => event.detail.status)).toEqual(['completed']);
  }, 90_000);

  it('refuses a webhook URL the network rules block, without sending anything', async () => {
    const h = await harness({ webhookPolicy: { allowLoopback: false, allowedHosts: [] } });
    const endpoint = await receiver(h);

    const record = await h.start({ ...short(), webhook_url: endpoint.url });
    await h.runner.idle();

    expect(endpoint.deliveries).toHaveLength(0);
    const run = await h.store.get(record.run_id);
    expect(run?.status).toBe('completed');
    expect(run?.webhook_failure_reason).toContain('The webhook URL is refused');
    expect(run?.webhook_failure_reason).toContain('127.0.0.1');
  }, 90_000);

  it('delivers again through the webhook state, to a new URL, and clears the kept failure', async () => {
    const h = await harness();
    const broken = await receiver(h, [500]);
    const fixed = await receiver(h);
    const record = await h.start({ ...short(), webhook_url: broken.url });
    await h.runner.idle();

    const run = await h.store.get(record.run_id);
    await h.runner.notify(run!, fixed.url);
    await h.runner.idle();

    expect(fixed.accepted()).toHaveLength(1);
    expect(JSON.parse(fixed.accepted()[0].body).status).toBe('completed');
    expect((await h.store.get(record.run_id))?.webhook_failure_reason).toBeNull();
    expect(h.events.events).toHaveLength(1);
  }, 90_000);
});
