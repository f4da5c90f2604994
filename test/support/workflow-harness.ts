import type { Planner } from '../../lib/agent/planner.ts';
import type { TaskRequestInput } from '../../lib/contracts/request.ts';
import { S3ArtifactStore } from '../../lib/files/s3-artifact-store.ts';
import { createLogger } from '../../lib/log.ts';
import {
  type AddressPolicyOptions,
  createAddressPolicy,
  createAddressPolicyFromConfig,
} from '../../lib/net/address-policy.ts';
import type { LocalEventBus } from '../../lib/notify/events.ts';
import { createSafePost } from '../../lib/notify/post.ts';
import { generateWebhookSecret, StandardWebhookSender } from '../../lib/notify/webhook.ts';
import type { RunRecord } from '../../lib/runs/run-record.ts';
import { DynamoRunStore } from '../../lib/runs/run-store.ts';
import { createSessionOpener } from '../../lib/workflow/browser-sessions.ts';
import type { BrowserStepDeps } from '../../lib/workflow/browser-step.ts';
import { buildDefinition } from '../../lib/workflow/definition.ts';
import type { LocalRunner } from '../../lib/workflow/local-runner.ts';
import { createLocalWorkflow } from '../../lib/workflow/local-workflow.ts';
import { startTestEnvironment, type TestEnvironment } from './embedded.ts';
import { runRecordFor } from './runs.ts';

const ARN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** The definition as the stack builds it, with placeholder function ARNs. */
export function testDefinition(timeoutSeconds = 1800, graceSeconds?: number) {
  return buildDefinition({
    prepareArn: ARN('prepare'),
    browserStepArn: ARN('browser-step'),
    finalizeArn: ARN('finalize'),
    webhookArn: ARN('webhook'),
    eventBusName: 'retriever-test',
    timeoutSeconds,
    graceSeconds,
  });
}

type OpenSession = BrowserStepDeps['openSession'];

export interface HarnessOptions {
  /** @default a real Chromium session on the embedded S3 */
  openSession?: (real: OpenSession) => OpenSession;
  createPlanner: (run: RunRecord) => Planner;
  definition?: Record<string, unknown>;
  clock?: () => number;
  maxStepsPerInvocation?: number;
  /** Wraps the browser-step handler, to inject a fault into one invocation. */
  wrapBrowserStep?: (
    handler: (event: unknown) => Promise<unknown>,
  ) => (event: unknown) => Promise<unknown>;
  env?: Record<string, string>;
  /** The network rules webhooks are sent under. @default loopback allowed */
  webhookPolicy?: AddressPolicyOptions;
  webhookTimeoutMs?: number;
}

export interface Harness {
  env: TestEnvironment;
  store: DynamoRunStore;
  artifacts: S3ArtifactStore;
  runner: LocalRunner;
  events: LocalEventBus;
  secret: string;
  /** Creates a run for the request and starts it. */
  start(body: TaskRequestInput): Promise<RunRecord>;
  close(): Promise<void>;
}

/** The real handlers on embedded DynamoDB and S3, run by the local runner with no backoff. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const env = await startTestEnvironment(options.env);
  const logger = createLogger('test', process.env.TEST_LOG ?? 'SILENT');
  const store = new DynamoRunStore(env.clients.dynamodb, env.config.RUNS_TABLE);
  const artifacts = new S3ArtifactStore(env.clients.s3, env.config.ARTIFACTS_BUCKET);
  const view = { downloadUrlTtlS: 3600, appUrlBase: '' };
  const clock = options.clock ?? Date.now;
  const secret = generateWebhookSecret();
  const sender = new StandardWebhookSender({
    secret,
    post: createSafePost(
      createAddressPolicy(options.webhookPolicy ?? { allowLoopback: true, allowedHosts: [] }),
    ),
    timeoutMs: options.webhookTimeoutMs,
  });
  const realSession: OpenSession = createSessionOpener({
    artifacts,
    config: env.config,
    logger,
    policy: createAddressPolicyFromConfig(env.config),
  });
  const { runner, events } = createLocalWorkflow({
    config: env.config,
    store,
    artifacts,
    logger,
    view,
    sender,
    openSession: options.openSession ? options.openSession(realSession) : realSession,
    createPlanner: options.createPlanner,
    definition: options.definition ?? testDefinition(env.config.RUN_TIMEOUT_S),
    clock,
    maxStepsPerInvocation: options.maxStepsPerInvocation,
    retryIntervalOverrides: { BrowserStep: 0, Webhook: 0, Prepare: 0, Finalize: 0 },
    wrapBrowserStep: options.wrapBrowserStep,
  });

  return {
    env,
    store,
    artifacts,
    runner,
    events,
    secret,
    async start(body) {
      const record = runRecordFor(body);
      await store.create(record);
      await runner.start(record);
      return record;
    },
    async close() {
      await runner.idle();
      await env.close();
    },
  };
}
