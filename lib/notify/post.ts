import type { Config } from '../config.ts';
import type { PostFn } from './webhook.ts';

/**
 * A POST for webhook deliveries. Redirects are not followed: a webhook endpoint answers where it
 * was registered.
 */
// Limitation: the destination is not yet checked against the network rules here, because the
// safe fetch of lib/net is not on this branch yet; wiring lib/net/safe-fetch in lifts it.
export function createFetchPost(_config: Pick<Config, 'ALLOW_LOOPBACK'>): PostFn {
  return async (url, body, headers, timeoutMs) => {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();

    return { status: response.status };
  };
}
