import { z } from 'zod';
import { CreateProfileSchema, ProfileListSchema, ProfileSchema } from './profile.ts';
import { createTaskRequestSchema } from './request.ts';
import { RUN_STATUSES, RunListSchema, RunSchema } from './run.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, RetryWebhookSchema } from './run-queries.ts';
import { CreateSessionSchema, SessionListSchema, SessionSchema } from './session.ts';
import { PushedCodeSchema, TotpPushSchema } from './totp.ts';

type JsonObject = Record<string, unknown>;

/** A component schema in the document's dialect (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
function component(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
  }) as JsonObject;

  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const json = (schema: JsonObject, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const DETAIL = {
  type: 'object',
  required: ['detail'],
  properties: { detail: { type: 'string' } },
};

const VALIDATION_ERROR = {
  type: 'object',
  required: ['detail'],
  properties: {
    detail: {
      type: 'array',
      items: {
        type: 'object',
        required: ['loc', 'msg', 'type'],
        properties: {
          loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
          msg: { type: 'string' },
          type: { type: 'string' },
        },
      },
    },
  },
};

const INTERNAL_ERROR = {
  type: 'object',
  required: ['detail', 'request_id'],
  properties: { detail: { const: 'Internal error' }, request_id: { type: 'string' } },
};

/** The error answers every authenticated operation can give. */
const COMMON_ERRORS = {
  '403': json(ref('Detail'), 'Missing, unknown or revoked API key'),
  '422': json(ref('ValidationError'), 'Schema errors, one entry each'),
  '429': json(ref('Detail'), 'Throttled'),
  '500': json(ref('InternalError'), 'Unexpected error; details are in the logs only'),
};

const RUN_ID_PARAMETER = {
  name: 'run_id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^tsk_[0-9A-HJKMNP-TV-Z]{26}$' },
};

const RUN_ANSWER = json(ref('Run'), 'The run');
const NOT_FOUND = json(ref('Detail'), 'Unknown run, or a run of another owner');
const CONFLICT = json(ref('Detail'), 'The run is not in a state that allows this');
const NOT_JSON = json(ref('Detail'), 'Body is not JSON');

const body = (name: string, required = true) => ({
  required,
  content: { 'application/json': { schema: ref(name) } },
});

/** Creating and listing runs. */
function runCollectionPaths(): JsonObject {
  return {
    '/v1/run/tasks/download_files': {
      post: {
        operationId: 'createDownloadRun',
        summary: 'Create a download run',
        requestBody: body('TaskRequest'),
        responses: {
          '200': json(ref('Run'), 'The run, status created or queued'),
          '400': json(ref('Detail'), 'A value this deployment cannot use'),
          '409': json(ref('Detail'), 'The browser session is busy with another run'),
          '413': json(ref('Detail'), 'Body larger than 256 KiB'),
          '415': NOT_JSON,
          ...COMMON_ERRORS,
        },
      },
    },
    '/v1/runs': {
      get: {
        operationId: 'listRuns',
        summary: "The caller's runs, newest first",
        parameters: [
          { name: 'status', in: 'query', schema: { type: 'string', enum: [...RUN_STATUSES] } },
          {
            name: 'page_size',
            in: 'query',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_PAGE_SIZE,
              default: DEFAULT_PAGE_SIZE,
            },
          },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ],
        responses: { '200': json(ref('RunList'), 'A page of runs'), ...COMMON_ERRORS },
      },
    },
  };
}

/** Operations on one run. */
function runPaths(): JsonObject {
  return {
    '/v1/runs/{run_id}': {
      get: {
        operationId: 'getRun',
        summary: 'The run as it is now',
        parameters: [RUN_ID_PARAMETER],
        responses: { '200': RUN_ANSWER, '404': NOT_FOUND, ...COMMON_ERRORS },
      },
    },
    '/v1/runs/{run_id}/cancel': {
      post: {
        operationId: 'cancelRun',
        summary: 'Cancel a run that has not ended',
        parameters: [RUN_ID_PARAMETER],
        responses: { '200': RUN_ANSWER, '404': NOT_FOUND, '409': CONFLICT, ...COMMON_ERRORS },
      },
    },
    '/v1/runs/{run_id}/retry_webhook': {
      post: {
        operationId: 'retryRunWebhook',
        summary: "Send an ended run's webhook again",
        parameters: [RUN_ID_PARAMETER],
        requestBody: body('RetryWebhookRequest', false),
        responses: {
          '200': RUN_ANSWER,
          '400': json(ref('Detail'), 'No webhook URL, or one the network rules refuse'),
          '404': NOT_FOUND,
          '409': CONFLICT,
          '415': NOT_JSON,
          ...COMMON_ERRORS,
        },
      },
    },
  };
}

const PROFILE_ID_PARAMETER = {
  name: 'profile_id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^bp_[0-9A-HJKMNP-TV-Z]{26}$' },
};
const PROFILE_NOT_FOUND = json(ref('Detail'), 'Unknown profile, or a profile of another owner');

/** Saved browser profiles (cookies and local storage of a finished run). */
function profilePaths(): JsonObject {
  return {
    '/v1/browser_profiles': {
      post: {
        operationId: 'createBrowserProfile',
        summary: 'Save the browser state a finished run left as a profile',
        requestBody: body('CreateBrowserProfileRequest'),
        responses: {
          '200': json(ref('BrowserProfile'), 'The profile'),
          '400': json(ref('Detail'), 'The run left no browser state'),
          '413': json(ref('Detail'), 'Body larger than 256 KiB'),
          '404': NOT_FOUND,
          '409': json(ref('Detail'), 'The run has not ended, or the owner has 100 profiles'),
          '415': NOT_JSON,
          ...COMMON_ERRORS,
        },
      },
      get: {
        operationId: 'listBrowserProfiles',
        summary: "The caller's profiles, newest first",
        responses: { '200': json(ref('BrowserProfileList'), 'The profiles'), ...COMMON_ERRORS },
      },
    },
    '/v1/browser_profiles/{profile_id}': {
      get: {
        operationId: 'getBrowserProfile',
        summary: 'One profile (never its cookies or storage)',
        parameters: [PROFILE_ID_PARAMETER],
        responses: {
          '200': json(ref('BrowserProfile'), 'The profile'),
          '404': PROFILE_NOT_FOUND,
          ...COMMON_ERRORS,
        },
      },
      delete: {
        operationId: 'deleteBrowserProfile',
        summary: 'Delete a profile and its saved state',
        parameters: [PROFILE_ID_PARAMETER],
        responses: {
          '200': json(
            {
              type: 'object',
              required: ['browser_profile_id', 'deleted'],
              properties: { browser_profile_id: { type: 'string' }, deleted: { const: true } },
            },
            'The profile was deleted',
          ),
          '404': PROFILE_NOT_FOUND,
          ...COMMON_ERRORS,
        },
      },
    },
  };
}

const SESSION_ID_PARAMETER = {
  name: 'session_id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^pbs_[0-9A-HJKMNP-TV-Z]{26}$' },
};
const SESSION_ANSWER = json(ref('BrowserSession'), 'The session');
const SESSION_NOT_FOUND = json(ref('Detail'), 'Unknown session, or a session of another owner');

/** Browser sessions: one browser state carried from run to run for a time limit. */
function sessionPaths(): JsonObject {
  return {
    '/v1/browser_sessions': {
      post: {
        operationId: 'createBrowserSession',
        summary: 'Open a session that runs can share, one at a time',
        requestBody: body('CreateBrowserSessionRequest', false),
        responses: {
          '200': SESSION_ANSWER,
          '413': json(ref('Detail'), 'Body larger than 256 KiB'),
          '415': NOT_JSON,
          ...COMMON_ERRORS,
        },
      },
      get: {
        operationId: 'listBrowserSessions',
        summary: "The caller's sessions, newest first (at most 100)",
        responses: { '200': json(ref('BrowserSessionList'), 'The sessions'), ...COMMON_ERRORS },
      },
    },
    '/v1/browser_sessions/{session_id}': {
      get: {
        operationId: 'getBrowserSession',
        summary: 'One session',
        parameters: [SESSION_ID_PARAMETER],
        responses: { '200': SESSION_ANSWER, '404': SESSION_NOT_FOUND, ...COMMON_ERRORS },
      },
    },
    '/v1/browser_sessions/{session_id}/close': {
      post: {
        operationId: 'closeBrowserSession',
        summary: 'Close a session: it takes no more runs',
        parameters: [SESSION_ID_PARAMETER],
        responses: { '200': SESSION_ANSWER, '404': SESSION_NOT_FOUND, ...COMMON_ERRORS },
      },
    },
  };
}

/** One-time codes and the public routes. */
function servicePaths(): JsonObject {
  return {
    '/v1/credentials/totp': {
      post: {
        operationId: 'pushTotpCode',
        summary: 'Push a one-time code for a totp_identifier',
        requestBody: body('TotpPushRequest'),
        responses: {
          '200': json(ref('PushedCode'), 'The code was stored'),
          '400': json(ref('Detail'), 'No code found in the content'),
          '415': NOT_JSON,
          ...COMMON_ERRORS,
        },
      },
    },
    '/healthz': {
      get: {
        operationId: 'health',
        summary: 'Liveness check',
        security: [],
        responses: { '200': json({ type: 'object' }, 'The API answers') },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        security: [],
        responses: { '200': json({ type: 'object' }, 'The OpenAPI 3.1 document') },
      },
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas that validate
 * requests. `maxStepsLimit` is the deployment's bound on `max_steps_per_run`.
 */
export function buildOpenApiDocument(maxStepsLimit: number): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Retriever',
      version: '1.0.0',
      description: 'Download files from websites with a browser agent.',
    },
    security: [{ ApiKey: [] }, { Bearer: [] }],
    paths: {
      ...runCollectionPaths(),
      ...runPaths(),
      ...profilePaths(),
      ...sessionPaths(),
      ...servicePaths(),
    },
    components: {
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        Bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        TaskRequest: component(createTaskRequestSchema(maxStepsLimit), 'input'),
        Run: component(RunSchema, 'output'),
        RunList: component(RunListSchema, 'output'),
        RetryWebhookRequest: component(RetryWebhookSchema, 'input'),
        TotpPushRequest: component(TotpPushSchema, 'input'),
        PushedCode: component(PushedCodeSchema, 'output'),
        CreateBrowserProfileRequest: component(CreateProfileSchema, 'input'),
        BrowserProfile: component(ProfileSchema, 'output'),
        BrowserProfileList: component(ProfileListSchema, 'output'),
        CreateBrowserSessionRequest: component(CreateSessionSchema, 'input'),
        BrowserSession: component(SessionSchema, 'output'),
        BrowserSessionList: component(SessionListSchema, 'output'),
        Detail: DETAIL,
        ValidationError: VALIDATION_ERROR,
        InternalError: INTERNAL_ERROR,
      },
    },
  };
}
