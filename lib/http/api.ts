import {
  describeError,
  httpStatusOf,
  MethodNotAllowedError,
  RequestValidationError,
} from '../errors.ts';
import type { ApiDeps } from './api-deps.ts';
import { authenticate } from './auth.ts';
import { matchRoute } from './router.ts';
import { createRoutes } from './routes.ts';
import { type ApiRequest, type ApiResponse, jsonResponse } from './types.ts';

/** The answer for an error: its own status and message, or a bare 500 with the request id. */
export function errorResponse(error: unknown, requestId: string): ApiResponse {
  const status = httpStatusOf(error);
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (error instanceof MethodNotAllowedError) headers.allow = error.allowed.join(', ');
  if (error instanceof RequestValidationError) {
    return jsonResponse(422, { detail: error.problems }, headers);
  }
  if (status === 500) {
    return jsonResponse(500, { detail: 'Internal error', request_id: requestId }, headers);
  }

  return jsonResponse(status, { detail: describeError(error) }, headers);
}

/**
 * The API as one function from request to response: routing, authentication, validation and the
 * operations, with every error mapped to its status (section 11 of the contract).
 */
export function createApi(deps: ApiDeps): (request: ApiRequest) => Promise<ApiResponse> {
  const routes = createRoutes(deps);

  return async (request) => {
    const startedAt = Date.now();
    let route = 'unmatched';
    let response: ApiResponse;
    try {
      const match = matchRoute(routes, request.method, request.path);
      route = `${match.route.method} ${match.route.path}`;
      const owner = match.route.public ? '' : await authenticate(deps.keys, request.headers);
      const result = await match.route.handle({ request, owner }, match.params);
      response = jsonResponse(200, result, { 'x-request-id': request.requestId });
    } catch (error) {
      response = errorResponse(error, request.requestId);
      if (response.statusCode === 500) {
        deps.logger.error('Request failed', { request_id: request.requestId, route, error });
      }
    }
    deps.logger.info('Request served', {
      request_id: request.requestId,
      route,
      status: response.statusCode,
      duration_ms: Date.now() - startedAt,
    });

    return response;
  };
}
