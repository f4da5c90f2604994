import { MethodNotAllowedError, RouteNotFoundError } from '../errors.ts';

/** One operation of the API. Paths name their parameters as `{name}`. */
export interface Route<Context> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Served without an API key. */
  public?: boolean;
  handle(context: Context, params: Record<string, string>): Promise<unknown>;
}

export interface RouteMatch<Context> {
  route: Route<Context>;
  params: Record<string, string>;
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of want.entries()) {
    if (segment.startsWith('{')) {
      if (got[index] === '') return null;
      params[segment.slice(1, -1)] = got[index];
    } else if (segment !== got[index]) {
      return null;
    }
  }

  return params;
}

function decodeParams(params: Record<string, string>): Record<string, string> {
  try {
    return Object.fromEntries(
      Object.entries(params).map(([name, value]) => [name, decodeURIComponent(value)]),
    );
  } catch {
    throw new RouteNotFoundError();
  }
}

/**
 * The route for a method and path: 404 when no route has the path, 405 when routes have it but
 * not with this method. One trailing slash is ignored.
 */
export function matchRoute<Context>(
  routes: readonly Route<Context>[],
  method: string,
  path: string,
): RouteMatch<Context> {
  const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const matches = routes
    .map((route) => ({ route, params: matchPath(route.path, normalized) }))
    .filter((match) => match.params !== null);
  if (matches.length === 0) throw new RouteNotFoundError();

  const match = matches.find((candidate) => candidate.route.method === method.toUpperCase());
  if (!match) throw new MethodNotAllowedError(matches.map((candidate) => candidate.route.method));

  return { route: match.route, params: decodeParams(match.params ?? {}) };
}
