import { BadRequestError, BlockedAddressError, RetrieverError } from '../errors.ts';
import type { AddressPolicy } from './address-policy.ts';
import { checkUrl, type Resolver, systemResolver } from './resolve.ts';

/** The fields of a task request that name an address the service itself will contact. */
export interface CallbackTargets {
  webhook_url?: string | null;
  totp_url?: string | null;
  browser_address?: string | null;
}

const FIELDS = ['webhook_url', 'totp_url', 'browser_address'] as const;

/**
 * Checks, at request time, the addresses the service will contact on the caller's behalf
 * (api.md section 9); they are checked again when contacted. A resolver failure that a retry may
 * cure lets the request through, as the send-time check still applies.
 *
 * @throws BlockedAddressError (400) naming the refused host
 * @throws BadRequestError (400) when a host does not exist
 */
export async function checkCallbackTargets(
  targets: CallbackTargets,
  policy: AddressPolicy,
  resolver: Resolver = systemResolver,
): Promise<void> {
  for (const field of FIELDS) {
    const value = targets[field];
    if (value == null) continue;
    try {
      await checkUrl(value, policy, resolver);
    } catch (error) {
      if (error instanceof BlockedAddressError) throw error;
      if (error instanceof RetrieverError && error.code === 'host_not_found') {
        throw new BadRequestError(`${field}: ${error.message}`);
      }
      if (error instanceof TypeError) throw new BadRequestError(`${field} is not a valid URL`);
    }
  }
}
