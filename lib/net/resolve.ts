import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import { BlockedAddressError, RetrieverError, TransientError } from '../errors.ts';
import { type AddressPolicy, normalizeHostName } from './address-policy.ts';

/** Resolves a host name to every address it has (IPv4 and IPv6). */
export type Resolver = (host: string) => Promise<string[]>;

/** The system resolver, as the rest of the machine sees names (hosts file included). */
export const systemResolver: Resolver = async (host) => {
  const answers = await dns.promises.lookup(host, { all: true, verbatim: true });

  return answers.map((answer) => answer.address);
};

const NETWORK_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

/** A host whose addresses were all allowed; connect to these, never to a new answer. */
export interface CheckedTarget {
  host: string;
  port: number;
  /** The first checked address. */
  address: string;
  family: 4 | 6;
  /** Every checked address, in the resolver's order, to fall back on when one is unreachable. */
  addresses: string[];
}

/**
 * Resolves `host` (an IP literal is its own answer), checks every address against the policy
 * and returns them, to be connected to instead of resolving the name again: a second resolution
 * could answer differently (DNS rebinding).
 *
 * @throws BlockedAddressError naming the host when any address is refused
 * @throws RetrieverError `host_not_found` when the name does not exist
 * @throws TransientError when the resolver fails in a way a retry may cure
 */
export async function resolveChecked(
  host: string,
  port: number,
  policy: AddressPolicy,
  resolver: Resolver = systemResolver,
): Promise<CheckedTarget> {
  const name = normalizeHostName(host);
  const addresses = net.isIP(name) !== 0 ? [name] : await resolveName(name, resolver);
  const decision = policy.check(name, port, addresses);
  if (!decision.allowed) throw new BlockedAddressError(name, decision.reason);
  const address = addresses[0];

  return { host: name, port, address, family: familyOf(address), addresses };
}

/**
 * Checks the host and port of an http(s) or ws(s) URL (a page, a webhook, a CDP address) against
 * the policy.
 *
 * @throws BlockedAddressError naming the host, also for any other scheme
 */
export async function checkUrl(
  url: string | URL,
  policy: AddressPolicy,
  resolver: Resolver = systemResolver,
): Promise<CheckedTarget> {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (!NETWORK_SCHEMES.has(parsed.protocol)) {
    throw new BlockedAddressError(parsed.protocol, 'only http(s) and ws(s) URLs are allowed');
  }

  return resolveChecked(parsed.hostname, portOf(parsed), policy, resolver);
}

/** 4 or 6, for an IP address. */
export function familyOf(address: string): 4 | 6 {
  return net.isIP(address) === 6 ? 6 : 4;
}

/**
 * A `lookup` for node:net, node:http and node:https that answers only with the checked
 * addresses, so a connection can never go to a second, unchecked answer for the name.
 */
export function pinnedLookup(target: CheckedTarget): LookupFunction {
  const answers = target.addresses.map((address) => ({ address, family: familyOf(address) }));

  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as (error: null, addresses: typeof answers) => void)(null, answers);
    } else {
      callback(null, target.address, target.family);
    }
  };
}

/** The port a URL connects to, with the scheme's default filled in. */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);

  return url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80;
}

async function resolveName(name: string, resolver: Resolver): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = await resolver(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') {
      throw new TransientError(`Could not resolve ${name}`, { cause: error });
    }
    addresses = [];
  }
  if (addresses.length === 0) {
    throw new RetrieverError('host_not_found', `Host not found: ${name}`);
  }

  return addresses;
}
