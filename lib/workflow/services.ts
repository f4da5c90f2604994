import { createAwsClients } from '../aws.ts';
import type { Config } from '../config.ts';
import { S3ArtifactStore } from '../files/s3-artifact-store.ts';
import { createLogger, type Logger } from '../log.ts';
import { DynamoRunStore } from '../runs/run-store.ts';
import type { RunViewDeps } from '../runs/run-view.ts';
import { DynamoSessionStore } from '../sessions/session-store.ts';

/** What the workflow's handlers share: stores, logger and the settings of the run view. */
export interface WorkflowServices {
  config: Config;
  store: DynamoRunStore;
  artifacts: S3ArtifactStore;
  sessions: DynamoSessionStore;
  logger: Logger;
  view: Omit<RunViewDeps, 'artifacts'>;
}

/** The real stores for a config (AWS, or the embedded stand-ins when endpoints are set). */
export function createWorkflowServices(
  config: Config,
  serviceName = 'retriever',
): WorkflowServices {
  const clients = createAwsClients(config);

  return {
    config,
    store: new DynamoRunStore(clients.dynamodb, config.RUNS_TABLE),
    artifacts: new S3ArtifactStore(clients.s3, config.ARTIFACTS_BUCKET),
    sessions: new DynamoSessionStore(clients.dynamodb, config.SESSIONS_TABLE),
    logger: createLogger(serviceName, config.LOG_LEVEL),
    view: { downloadUrlTtlS: config.DOWNLOAD_URL_TTL_S, appUrlBase: config.APP_URL_BASE },
  };
}
