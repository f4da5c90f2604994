import type { AddressPolicy } from '../net/address-policy.ts';
import { safeFetch } from '../net/safe-fetch.ts';
import type { PostFn } from './webhook.ts';

/**
 * The POST of webhook deliveries, under the network rules: the host is resolved and checked and
 * the connection goes to the checked address. Redirects are not followed: a webhook endpoint
 * answers where it was registered.
 */
export function createSafePost(policy: AddressPolicy): PostFn {
  return async (url, body, headers, timeoutMs) => {
    const response = await safeFetch(url, {
      policy,
      method: 'POST',
      headers,
      body,
      timeoutMs,
      maxRedirects: 0,
    });

    return { status: response.status };
  };
}
