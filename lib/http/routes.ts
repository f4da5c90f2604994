import type { z } from 'zod';
import { buildOpenApiDocument } from '../contracts/openapi.ts';
import { CreateProfileSchema } from '../contracts/profile.ts';
import { createTaskRequestSchema } from '../contracts/request.ts';
import {
  DEFAULT_PAGE_SIZE,
  ListRunsQuerySchema,
  RetryWebhookSchema,
} from '../contracts/run-queries.ts';
import { CreateSessionSchema } from '../contracts/session.ts';
import { TotpPushSchema } from '../contracts/totp.ts';
import { BadRequestError, InvalidCursorError, RequestValidationError } from '../errors.ts';
import { retryWebhook } from '../notify/retry-webhook.ts';
import { extractCode } from '../otp/extract-code.ts';
import { createProfile, deleteProfile, getOwnedProfile } from '../profiles/profile-operations.ts';
import { ProfileStore } from '../profiles/profile-store.ts';
import { cancelRun } from '../runs/cancel-run.ts';
import { createRun } from '../runs/create-run.ts';
import { getOwnedRun } from '../runs/get-run.ts';
import type { RunRecord } from '../runs/run-record.ts';
import { toRunView } from '../runs/run-view.ts';
import {
  closeSession,
  createSession,
  getOwnedSession,
  listSessions,
} from '../sessions/session-operations.ts';
import type { ApiDeps } from './api-deps.ts';
import { readJsonBody, readRequiredJsonBody } from './body.ts';
import { problemsOf } from './problems.ts';
import type { Route } from './router.ts';
import type { ApiRequest } from './types.ts';

/** What an operation gets: the request and the owner of its key (empty on public routes). */
export interface RouteContext {
  request: ApiRequest;
  owner: string;
}

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  root: 'body' | 'query',
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new RequestValidationError(problemsOf(result.error.issues, [root], value));
  }

  return result.data;
}

async function listRuns(deps: ApiDeps, context: RouteContext) {
  const query = parse(ListRunsQuerySchema, context.request.query, 'query');
  try {
    const page = await deps.runs.list({
      owner: context.owner,
      status: query.status,
      pageSize: query.page_size ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    const runs = await Promise.all(page.runs.map((record) => viewOf(deps, record)));

    return { runs, next_cursor: page.nextCursor };
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    throw new RequestValidationError([
      { loc: ['query', 'cursor'], msg: `Value error, ${error.message}`, type: 'value_error' },
    ]);
  }
}

async function pushCode(deps: ApiDeps, context: RouteContext) {
  const body = parse(TotpPushSchema, readRequiredJsonBody(context.request), 'body');
  const code = extractCode(body.content);
  if (!code) {
    throw new BadRequestError(
      'No one-time code found in content: send the code or a message with a 4-8 digit code',
    );
  }

  return deps.codes.push(context.owner, body.totp_identifier, code);
}

function viewOf(deps: ApiDeps, record: RunRecord) {
  return toRunView(record, {
    artifacts: deps.artifacts,
    downloadUrlTtlS: deps.settings.downloadUrlTtlS,
    appUrlBase: deps.settings.appUrlBase,
  });
}

/** The operations of the API (section 1 of the contract). */
export function createRoutes(deps: ApiDeps): Route<RouteContext>[] {
  const taskSchema = createTaskRequestSchema(deps.settings.maxStepsLimit);
  const openApi = buildOpenApiDocument(deps.settings.maxStepsLimit);
  const profiles = new ProfileStore(deps.artifacts);
  const createDeps = {
    ...deps,
    store: deps.runs,
    profiles,
    proxyLocations: deps.settings.proxyLocations,
    aiFallback: deps.settings.aiFallback,
  };

  return [
    { method: 'GET', path: '/healthz', public: true, handle: async () => ({ status: 'ok' }) },
    { method: 'GET', path: '/openapi.json', public: true, handle: async () => openApi },
    {
      method: 'POST',
      path: '/v1/run/tasks/download_files',
      handle: async ({ request, owner }) => {
        const body = parse(taskSchema, readRequiredJsonBody(request), 'body');
        return viewOf(deps, await createRun(owner, body, createDeps));
      },
    },
    { method: 'GET', path: '/v1/runs', handle: (context) => listRuns(deps, context) },
    {
      method: 'GET',
      path: '/v1/runs/{run_id}',
      handle: async ({ owner }, { run_id }) =>
        viewOf(deps, await getOwnedRun(deps.runs, owner, run_id)),
    },
    {
      method: 'POST',
      path: '/v1/runs/{run_id}/cancel',
      handle: async ({ owner }, { run_id }) =>
        viewOf(deps, await cancelRun(owner, run_id, { ...deps, store: deps.runs })),
    },
    {
      method: 'POST',
      path: '/v1/runs/{run_id}/retry_webhook',
      handle: async ({ request, owner }, { run_id }) => {
        const body = parse(RetryWebhookSchema, readJsonBody(request) ?? {}, 'body');
        const record = await retryWebhook(owner, run_id, body.webhook_url ?? null, {
          store: deps.runs,
          sender: deps.webhooks,
          view: (run) => viewOf(deps, run),
          checkTargets: deps.checkTargets,
        });
        return viewOf(deps, record);
      },
    },
    { method: 'POST', path: '/v1/credentials/totp', handle: (context) => pushCode(deps, context) },
    ...profileRoutes(deps, profiles),
    ...sessionRoutes(deps),
  ];
}

/** Browser sessions (section 7 of the contract). */
function sessionRoutes(deps: ApiDeps): Route<RouteContext>[] {
  return [
    {
      method: 'POST',
      path: '/v1/browser_sessions',
      handle: async ({ request, owner }) => {
        const body = parse(CreateSessionSchema, readJsonBody(request) ?? {}, 'body');
        return createSession(owner, body, deps);
      },
    },
    {
      method: 'GET',
      path: '/v1/browser_sessions',
      handle: ({ owner }) => listSessions(deps, owner),
    },
    {
      method: 'GET',
      path: '/v1/browser_sessions/{session_id}',
      handle: ({ owner }, { session_id }) => getOwnedSession(deps, owner, session_id),
    },
    {
      method: 'POST',
      path: '/v1/browser_sessions/{session_id}/close',
      handle: ({ owner }, { session_id }) => closeSession(deps, owner, session_id),
    },
  ];
}

/** Saved browser profiles (section 7 of the contract). */
function profileRoutes(deps: ApiDeps, profiles: ProfileStore): Route<RouteContext>[] {
  return [
    {
      method: 'POST',
      path: '/v1/browser_profiles',
      handle: async ({ request, owner }) => {
        const body = parse(CreateProfileSchema, readRequiredJsonBody(request), 'body');
        return createProfile(owner, body, { ...deps, profiles });
      },
    },
    {
      method: 'GET',
      path: '/v1/browser_profiles',
      handle: async ({ owner }) => ({ browser_profiles: await profiles.list(owner) }),
    },
    {
      method: 'GET',
      path: '/v1/browser_profiles/{profile_id}',
      handle: ({ owner }, { profile_id }) => getOwnedProfile(profiles, owner, profile_id),
    },
    {
      method: 'DELETE',
      path: '/v1/browser_profiles/{profile_id}',
      handle: ({ owner }, { profile_id }) => deleteProfile(profiles, owner, profile_id),
    },
  ];
}
