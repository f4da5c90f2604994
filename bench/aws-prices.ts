/**
 * Published on-demand prices in us-east-1 (checked 2026-12-03 on the AWS pricing pages of each
 * service), in USD. Free tiers are left out: the figures are for an account that has used them up.
 */
export const PRICES = {
  /** Lambda duration per GB-second, x86-64 (the browser step) and arm64 (the other functions). */
  lambdaX86GbSecond: 0.000_016_666_7,
  lambdaArmGbSecond: 0.000_013_333_4,
  lambdaRequest: 0.2 / 1e6,
  /** Ephemeral storage above the free 512 MB, per GB-second. */
  lambdaStorageGbSecond: 0.000_000_030_9,
  /** Step Functions Standard, per state transition. */
  stateTransition: 0.025 / 1000,
  /** DynamoDB on-demand, per write request unit (1 KB) and read request unit (4 KB). */
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  /** S3 Standard: PUT/COPY/POST/LIST and GET requests, and storage per GB-month. */
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  s3GbMonth: 0.023,
  /** API Gateway REST API, per request (first 333 million a month). */
  apiRequest: 3.5 / 1e6,
  /** EventBridge custom event, CloudWatch Logs ingestion per GB, X-Ray trace recorded. */
  event: 1 / 1e6,
  logsGb: 0.5,
  xrayTrace: 5 / 1e6,
};

/** What one run uses; `browserSeconds` is measured, the rest is counted or assumed (see README). */
export interface RunUsage {
  browserSeconds: number;
  browserMemoryGb: number;
  browserStorageGb: number;
  /** prepare, finalize and webhook: one invocation each. */
  taskInvocations: number;
  taskSeconds: number;
  apiRequests: number;
  apiSeconds: number;
  serviceMemoryGb: number;
  stateTransitions: number;
  dynamoWriteUnits: number;
  dynamoReadUnits: number;
  s3Puts: number;
  s3Gets: number;
  storedGb: number;
  retentionMonths: number;
  logsGb: number;
  traces: number;
}

/** The deployment defaults, and a run of the demo task polled four times by its caller. */
export const TYPICAL_RUN: RunUsage = {
  browserSeconds: Number.NaN,
  browserMemoryGb: 2,
  browserStorageGb: 6,
  taskInvocations: 3,
  taskSeconds: 0.2,
  apiRequests: 5,
  apiSeconds: 0.1,
  serviceMemoryGb: 0.5,
  // Route, Prepare, IsRunDone, BrowserStep, IsRunDone, Finalize, ShouldNotify, Webhook,
  // AfterWebhook, PublishEvent, Done.
  stateTransitions: 11,
  dynamoWriteUnits: 20,
  dynamoReadUnits: 20,
  // One file, five step screenshots, a checkpoint and a trace; one GET of the file by the caller.
  s3Puts: 8,
  s3Gets: 1,
  storedGb: 0.001,
  retentionMonths: 1,
  logsGb: 0.000_05,
  traces: 6,
};

/** The cost of one run, in total and per part, in USD. */
export function costPerRun(usage: RunUsage): { total: number; parts: Record<string, number> } {
  const p = PRICES;
  const parts = {
    'browser-step Lambda':
      usage.browserSeconds * usage.browserMemoryGb * p.lambdaX86GbSecond +
      usage.browserSeconds * (usage.browserStorageGb - 0.5) * p.lambdaStorageGbSecond +
      p.lambdaRequest,
    'other Lambdas':
      (usage.taskInvocations * usage.taskSeconds + usage.apiRequests * usage.apiSeconds) *
        usage.serviceMemoryGb *
        p.lambdaArmGbSecond +
      (usage.taskInvocations + usage.apiRequests) * p.lambdaRequest,
    'Step Functions': usage.stateTransitions * p.stateTransition,
    'API Gateway': usage.apiRequests * p.apiRequest,
    DynamoDB: usage.dynamoWriteUnits * p.dynamoWrite + usage.dynamoReadUnits * p.dynamoRead,
    S3:
      usage.s3Puts * p.s3Put +
      usage.s3Gets * p.s3Get +
      usage.storedGb * usage.retentionMonths * p.s3GbMonth,
    'logs, traces, event': usage.logsGb * p.logsGb + usage.traces * p.xrayTrace + p.event,
  };

  return { total: Object.values(parts).reduce((sum, usd) => sum + usd, 0), parts };
}
