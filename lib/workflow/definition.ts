/**
 * The state machine of a run, in Amazon States Language (JSONPath). The CDK stack deploys this
 * object and the local runner executes it, so the loop that runs locally is the loop that deploys.
 */

/** Names of the states; the local runner binds each Task state to its handler by name. */
export const STATE = {
  route: 'Route',
  prepare: 'Prepare',
  isRunDone: 'IsRunDone',
  browserStep: 'BrowserStep',
  finalize: 'Finalize',
  finalizeFailed: 'FinalizeFailed',
  shouldNotify: 'ShouldNotify',
  webhook: 'Webhook',
  recordWebhookFailure: 'RecordWebhookFailure',
  afterWebhook: 'AfterWebhook',
  publishEvent: 'PublishEvent',
  done: 'Done',
} as const;

/** Detail type and source of the event announcing a finished run. */
export const RUN_FINISHED_EVENT = { source: 'retriever', detailType: 'Retriever Run Finished' };

/** Error names Lambda raises when the service itself, not the function, failed or throttled. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** A browser-step invocation that died (crash, Lambda timeout) resumes from its checkpoint. */
const BROWSER_STEP_RETRYABLE = [
  'TransientError',
  'BrowserLaunchError',
  'Lambda.Unknown',
  'Sandbox.Timedout',
  'States.Timeout',
];

/**
 * Webhook backoff: 6 attempts, 10 s then doubling, so the last one starts about 5 minutes after
 * the first (the contract asks for at least 5 attempts over at least 2 minutes).
 */
export const WEBHOOK_RETRY = { IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 5 };

/** Seconds a browser-step invocation may take: the Lambda's limit plus a margin for its report. */
export const BROWSER_STEP_TIMEOUT_S = 960;

/**
 * Time the execution may run past RUN_TIMEOUT_S before the backstop stops it: one browser-step
 * invocation that began just before the deadline, finalize, and the webhook's retries.
 */
export const DEFAULT_GRACE_S = 1500;

export interface DefinitionProps {
  prepareArn: string;
  browserStepArn: string;
  finalizeArn: string;
  webhookArn: string;
  eventBusName: string;
  /** RUN_TIMEOUT_S: the browser-step ends the run `timed_out` when it is reached. */
  timeoutSeconds: number;
  /**
   * Extra seconds before the execution itself times out, as a backstop for a loop that did not
   * end the run in time.
   * @default DEFAULT_GRACE_S
   */
  graceSeconds?: number;
}

type Json = Record<string, unknown>;

const lambdaServiceRetry: Json = {
  ErrorEquals: LAMBDA_SERVICE_ERRORS,
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 6,
};

const transientRetry: Json = {
  ErrorEquals: ['TransientError'],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 3,
};

const toFinalize = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.finalize }];

function stageIs(stage: string, next: string): Json {
  return {
    And: [
      { Variable: '$.stage', IsPresent: true },
      { Variable: '$.stage', StringEquals: stage },
    ],
    Next: next,
  };
}

function runStates(props: DefinitionProps): Json {
  return {
    [STATE.route]: {
      Type: 'Choice',
      Comment: 'A run starts at Prepare; a late cancel at Finalize; retry_webhook at Webhook.',
      Choices: [stageIs('finish', STATE.finalize), stageIs('webhook', STATE.webhook)],
      Default: STATE.prepare,
    },
    [STATE.prepare]: {
      Type: 'Task',
      Resource: props.prepareArn,
      Parameters: { 'run_id.$': '$.run_id' },
      ResultPath: '$.step',
      TimeoutSeconds: 60,
      Retry: [lambdaServiceRetry, transientRetry],
      Catch: toFinalize,
      Next: STATE.isRunDone,
    },
    [STATE.isRunDone]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.step.done', BooleanEquals: true, Next: STATE.finalize }],
      Default: STATE.browserStep,
    },
    [STATE.browserStep]: {
      Type: 'Task',
      Comment:
        'Runs steps until its budget is spent, checkpoints, and says whether the run is done.',
      Resource: props.browserStepArn,
      Parameters: { 'run_id.$': '$.run_id' },
      ResultPath: '$.step',
      TimeoutSeconds: BROWSER_STEP_TIMEOUT_S,
      Retry: [
        lambdaServiceRetry,
        { ErrorEquals: BROWSER_STEP_RETRYABLE, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 },
      ],
      Catch: toFinalize,
      Next: STATE.isRunDone,
    },
  };
}

function finishStates(props: DefinitionProps): Json {
  return {
    [STATE.finalize]: {
      Type: 'Task',
      Comment: 'Writes the terminal status exactly once and prepares the notification.',
      Resource: props.finalizeArn,
      Parameters: { 'run_id.$': '$.run_id', 'error.$': '$.error' },
      ResultPath: '$.finished',
      TimeoutSeconds: 60,
      Retry: [lambdaServiceRetry, { ...transientRetry, MaxAttempts: 6 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.finalizeFailed }],
      Next: STATE.shouldNotify,
    },
    [STATE.finalizeFailed]: {
      Type: 'Fail',
      Error: 'FinalizeFailed',
      Cause: 'The terminal status of the run could not be written.',
    },
    [STATE.shouldNotify]: {
      Type: 'Choice',
      // Written as IsNull true: aws-local-stepfunctions 3.0.0 never matches `IsNull: false`.
      Choices: [{ Variable: '$.finished.webhook', IsNull: true, Next: STATE.publishEvent }],
      Default: STATE.webhook,
    },
  };
}

function notifyStates(props: DefinitionProps): Json {
  return {
    [STATE.webhook]: {
      Type: 'Task',
      Comment: 'One signed delivery per attempt; failures are retried with exponential backoff.',
      Resource: props.webhookArn,
      Parameters: {
        action: 'deliver',
        'run_id.$': '$.run_id',
        'webhook.$': '$.finished.webhook',
      },
      ResultPath: '$.delivery',
      TimeoutSeconds: 30,
      Retry: [{ ErrorEquals: ['WebhookDeliveryError'], ...WEBHOOK_RETRY }, lambdaServiceRetry],
      Catch: [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.delivery', Next: STATE.recordWebhookFailure },
      ],
      Next: STATE.afterWebhook,
    },
    [STATE.recordWebhookFailure]: {
      Type: 'Task',
      Comment: 'Keeps the last failure on the run; the run status never changes here.',
      Resource: props.webhookArn,
      Parameters: { action: 'record_failure', 'run_id.$': '$.run_id', 'error.$': '$.delivery' },
      ResultPath: '$.delivery_failure',
      TimeoutSeconds: 30,
      Retry: [lambdaServiceRetry, transientRetry],
      Catch: [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.delivery_failure', Next: STATE.afterWebhook },
      ],
      Next: STATE.afterWebhook,
    },
    [STATE.afterWebhook]: {
      Type: 'Choice',
      Choices: [stageIs('webhook', STATE.done)],
      Default: STATE.publishEvent,
    },
    [STATE.publishEvent]: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: {
        Entries: [
          {
            'Detail.$': '$.finished.run',
            DetailType: RUN_FINISHED_EVENT.detailType,
            Source: RUN_FINISHED_EVENT.source,
            EventBusName: props.eventBusName,
          },
        ],
      },
      ResultPath: '$.event',
      Retry: [
        {
          ErrorEquals: ['EventBridge.EventBridgeException', 'EventBridge.InternalException'],
          IntervalSeconds: 2,
          BackoffRate: 2,
          MaxAttempts: 4,
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.event', Next: STATE.done }],
      Next: STATE.done,
    },
    [STATE.done]: { Type: 'Succeed' },
  };
}

/**
 * The run's state machine: Prepare, then BrowserStep until the run is done, then Finalize, the
 * webhook (its own state, retried with backoff) and the run-finished event.
 *
 * The input is an {@link ExecutionInput}. Every Lambda task is a plain function ARN, so the
 * function receives the state's parameters as its payload and its result is the state's result.
 */
export function buildDefinition(props: DefinitionProps): Json {
  return {
    Comment: 'A Retriever run: browser steps until done, then the terminal status and notices.',
    StartAt: STATE.route,
    TimeoutSeconds: props.timeoutSeconds + (props.graceSeconds ?? DEFAULT_GRACE_S),
    States: { ...runStates(props), ...finishStates(props), ...notifyStates(props) },
  };
}
