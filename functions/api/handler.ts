import { randomUUID } from 'node:crypto';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createAwsClients } from '../../lib/aws.ts';
import { type Config, loadConfig } from '../../lib/config.ts';
import { S3ArtifactStore } from '../../lib/files/s3-artifact-store.ts';
import { createApi } from '../../lib/http/api.ts';
import { type ApiDeps, apiSettingsOf } from '../../lib/http/api-deps.ts';
import type { ApiRequest } from '../../lib/http/types.ts';
import { createLogger } from '../../lib/log.ts';
import { createAddressPolicyFromConfig } from '../../lib/net/address-policy.ts';
import { checkCallbackTargets } from '../../lib/net/request-targets.ts';
import { createSafePost } from '../../lib/notify/post.ts';
import { StandardWebhookSender } from '../../lib/notify/webhook.ts';
import type { WebhookSender } from '../../lib/notify/webhook-sender.ts';
import { DynamoCodeStore } from '../../lib/otp/code-store.ts';
import { DynamoKeyStore } from '../../lib/runs/key-store.ts';
import type { RunStarter } from '../../lib/runs/run-starter.ts';
import { DynamoRunStore } from '../../lib/runs/run-store.ts';
import { DynamoSessionStore } from '../../lib/sessions/session-store.ts';
import { SfnRunStarter } from '../../lib/workflow/sfn-starter.ts';

/**
 * Without a prototype, so that names a caller chooses (`__proto__`, `constructor`) are plain keys
 * and never read or replace members of Object.prototype.
 */
function emptyRecord(): Record<string, string> {
  return Object.create(null);
}

function lowerCaseHeaders(event: APIGatewayProxyEvent): Record<string, string> {
  const headers = emptyRecord();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }

  return headers;
}

/** The API's view of an API Gateway (REST, proxy integration) event. */
export function toApiRequest(
  event: APIGatewayProxyEvent,
  context?: Pick<Context, 'awsRequestId'>,
): ApiRequest {
  const query = emptyRecord();
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  const body =
    event.body && event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;

  return {
    method: event.httpMethod,
    path: event.path,
    headers: lowerCaseHeaders(event),
    query,
    body,
    requestId: event.requestContext?.requestId || context?.awsRequestId || randomUUID(),
  };
}

/** The api Lambda for a set of dependencies. */
export function createHandler(deps: ApiDeps) {
  const api = createApi(deps);

  return async (event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> => {
    const response = await api(toApiRequest(event, context));

    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
}

/** The parts of the deployment the api Lambda needs that other parts of the service provide. */
export interface DeploymentParts {
  starter: RunStarter;
  webhooks: WebhookSender;
  checkTargets?: ApiDeps['checkTargets'];
}

/** The dependencies of the api Lambda built from the deployment's configuration. */
export function createDeployedDeps(config: Config, parts: DeploymentParts): ApiDeps {
  const clients = createAwsClients(config);

  return {
    runs: new DynamoRunStore(clients.dynamodb, config.RUNS_TABLE),
    keys: new DynamoKeyStore(clients.dynamodb, config.KEYS_TABLE),
    codes: new DynamoCodeStore(clients.dynamodb, config.CODES_TABLE),
    sessions: new DynamoSessionStore(clients.dynamodb, config.SESSIONS_TABLE),
    artifacts: new S3ArtifactStore(clients.s3, config.ARTIFACTS_BUCKET),
    logger: createLogger('retriever-api', config.LOG_LEVEL),
    clock: () => new Date(),
    settings: apiSettingsOf(config),
    ...parts,
  };
}

/** The api Lambda of a deployment: runs start as Step Functions executions. */
function createDeployedHandler() {
  const config = loadConfig();
  const logger = createLogger('retriever-api', config.LOG_LEVEL);
  const clients = createAwsClients(config);
  const runs = new DynamoRunStore(clients.dynamodb, config.RUNS_TABLE);
  const policy = createAddressPolicyFromConfig(config, logger);
  let sender: WebhookSender | undefined;

  return createHandler(
    createDeployedDeps(config, {
      starter: new SfnRunStarter({
        sfn: new SFNClient({ region: config.AWS_REGION }),
        stateMachineArn: config.STATE_MACHINE_ARN,
        store: runs,
        logger,
      }),
      // Built at the first retry, so a deployment without a webhook secret still serves runs.
      webhooks: {
        send: (run, url) => {
          sender ??= new StandardWebhookSender({
            secret: config.WEBHOOK_SECRET,
            post: createSafePost(policy, config.INSECURE_TLS_HOSTS),
          });
          return sender.send(run, url);
        },
      },
      checkTargets: (targets) => checkCallbackTargets(targets, policy),
    }),
  );
}

let deployed: ReturnType<typeof createHandler> | undefined;

/** The entry point API Gateway invokes; clients are built once per Lambda instance. */
export const handler = (event: APIGatewayProxyEvent, context?: Context) => {
  deployed ??= createDeployedHandler();

  return deployed(event, context);
};
