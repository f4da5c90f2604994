import { createHandler as browserStepHandler } from '../../functions/browser-step/handler.ts';
import { createHandler as finalizeHandler } from '../../functions/finalize/handler.ts';
import { createHandler as prepareHandler } from '../../functions/prepare/handler.ts';
import { createHandler as webhookHandler } from '../../functions/webhook/handler.ts';
import type { Planner } from '../agent/planner.ts';
import type { Config } from '../config.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import type { Logger } from '../log.ts';
import { LocalEventBus } from '../notify/events.ts';
import type { WebhookSender } from '../notify/webhook-sender.ts';
import type { RunRecord } from '../runs/run-record.ts';
import type { RunStore } from '../runs/run-store.ts';
import type { RunViewDeps } from '../runs/run-view.ts';
import type { SessionStore } from '../sessions/session-store.ts';
import type { BrowserStepDeps } from './browser-step.ts';
import { buildDefinition } from './definition.ts';
import { LocalRunner } from './local-runner.ts';
import type { RunJournal } from './run-journal.ts';

type TaskHandler = (event: unknown) => Promise<unknown>;

export interface LocalWorkflowOptions {
  config: Pick<Config, 'RUN_TIMEOUT_S' | 'PROXY_URLS' | 'BROWSER_STEP_BUDGET_S' | 'EVENT_BUS_NAME'>;
  store: RunStore;
  artifacts: ArtifactStore;
  /** Browser sessions, for runs in one. */
  sessions?: SessionStore;
  logger: Logger;
  view: Omit<RunViewDeps, 'artifacts'>;
  sender: WebhookSender;
  openSession: BrowserStepDeps['openSession'];
  createPlanner: (run: RunRecord) => Planner;
  /** @default the definition the stack deploys, with local function names */
  definition?: Record<string, unknown>;
  clock?: () => number;
  maxStepsPerInvocation?: number;
  /** Milliseconds each Retry waits, per state name. @default the definition's backoff */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** The one-time code source of a run. */
  oneTimeCodes?: BrowserStepDeps['oneTimeCodes'];
  /** Keeps the runs under way across restarts. */
  journal?: RunJournal;
  /** Wraps the browser-step handler (tests inject faults into one invocation with it). */
  wrapBrowserStep?: (handler: TaskHandler) => TaskHandler;
}

export interface LocalWorkflow {
  runner: LocalRunner;
  events: LocalEventBus;
}

const localArn = (name: string) =>
  `arn:aws:lambda:us-east-1:000000000000:function:retriever-${name}`;

/** The definition the stack deploys, with the local mode's function names. */
export function localDefinition(config: LocalWorkflowOptions['config']) {
  return buildDefinition({
    prepareArn: localArn('prepare'),
    browserStepArn: localArn('browser-step'),
    finalizeArn: localArn('finalize'),
    webhookArn: localArn('webhook'),
    eventBusName: config.EVENT_BUS_NAME,
    timeoutSeconds: config.RUN_TIMEOUT_S,
  });
}

/**
 * The local mode's Step Functions: the state machine run in this process, each Task state bound
 * to the same handler code the Lambda functions run, and events kept by a local event bus.
 */
export function createLocalWorkflow(options: LocalWorkflowOptions): LocalWorkflow {
  const { store, artifacts, sessions, logger, view, config } = options;
  const clock = options.clock ?? Date.now;
  const events = new LocalEventBus(logger);
  const runTimeoutS = config.RUN_TIMEOUT_S;
  const browserStep = browserStepHandler({
    store,
    artifacts,
    openSession: options.openSession,
    createPlanner: options.createPlanner,
    clock,
    logger,
    config,
    maxStepsPerInvocation: options.maxStepsPerInvocation,
    oneTimeCodes: options.oneTimeCodes,
  });
  const runner: LocalRunner = new LocalRunner({
    definition: options.definition ?? localDefinition(config),
    store,
    logger,
    runTimeoutS,
    retryIntervalOverrides: options.retryIntervalOverrides,
    journal: options.journal,
    handlers: {
      prepare: prepareHandler({ store, artifacts, sessions, clock, runTimeoutS }),
      browserStep: options.wrapBrowserStep?.(browserStep) ?? browserStep,
      finalize: (event) =>
        finalizeHandler({ store, artifacts, sessions, view, logger, runTimeoutS, starter: runner })(
          event,
        ),
      webhook: webhookHandler({ store, artifacts, view, sender: options.sender, logger }),
      publishEvent: events.putEvents,
    },
  });

  return { runner, events };
}
