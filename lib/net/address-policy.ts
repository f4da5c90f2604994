import net from 'node:net';
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import {
  type AddressKind,
  classifyIPv4,
  classifyIPv6,
  type EmbeddingForm,
  embeddedIPv4,
} from './special-ranges.ts';

/** What a deployment allows beyond public addresses. */
export interface AddressPolicyOptions {
  /** Allow 127.0.0.0/8 and ::1 (and their IPv6 forms); the local mode turns this on. */
  allowLoopback: boolean;
  /**
   * Entries of ALLOWED_PRIVATE_HOSTS: host names (`intranet.example`, `*.corp.example`), host and
   * port pairs (`intranet.example:8443`, `10.0.0.5:8080`, `[fd00::5]:443`), addresses and CIDR
   * ranges (`10.1.0.0/16`, `fd00:1::/48`).
   */
  allowedHosts: readonly string[];
}

export type PolicyDecision = { allowed: true } | { allowed: false; reason: string };

/** Decides whether a host, reached on a port at the addresses it resolved to, may be contacted. */
export interface AddressPolicy {
  readonly allowLoopback: boolean;
  /**
   * Judges every address `host` resolved to; one refused address refuses the host, so a name
   * that answers with both a public and a private address is refused.
   */
  check(host: string, port: number, addresses: readonly string[]): PolicyDecision;
}

interface ParsedAddress {
  address: ipaddr.IPv4 | ipaddr.IPv6;
  /** The IPv4 address an IPv6 form embeds, or the address itself: what the rules judge. */
  effective: ipaddr.IPv4 | ipaddr.IPv6;
  form: EmbeddingForm | null;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

type AllowEntry =
  | { type: 'name'; name: string; wildcard: boolean; port: number | null }
  | { type: 'range'; range: Cidr; port: number | null };

/**
 * Cloud metadata and platform endpoints. They hold credentials, so allowing a name, a broad range
 * or loopback never opens them: only an entry for the address itself does.
 */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  '100.100.100.200',
  '168.63.129.16',
  'fd00:ec2::254',
  'fd00:ec2::23',
]);

/** Builds the network rules from explicit options; throws on an entry it cannot read. */
export function createAddressPolicy(options: AddressPolicyOptions): AddressPolicy {
  const entries = options.allowedHosts.map(parseAllowEntry);

  const check = (host: string, port: number, addresses: readonly string[]): PolicyDecision => {
    const name = normalizeHostName(host);
    const nameAllowed = entries.some((entry) => matchesName(entry, name, port));
    if (addresses.length === 0) {
      return { allowed: false, reason: `${name} resolved to no address` };
    }
    for (const address of addresses) {
      const reason = judgeAddress(address, port, nameAllowed, entries, options.allowLoopback);
      if (reason !== null) return { allowed: false, reason };
    }

    return { allowed: true };
  };

  return { allowLoopback: options.allowLoopback, check };
}

/**
 * The network rules of a deployment (ALLOW_LOOPBACK, ALLOWED_PRIVATE_HOSTS). Logs once when they
 * open loopback or private hosts, so an operator can see what this deployment may reach.
 */
export function createAddressPolicyFromConfig(
  config: Pick<Config, 'ALLOW_LOOPBACK' | 'ALLOWED_PRIVATE_HOSTS'>,
  logger?: Logger,
): AddressPolicy {
  const policy = createAddressPolicy({
    allowLoopback: config.ALLOW_LOOPBACK,
    allowedHosts: config.ALLOWED_PRIVATE_HOSTS,
  });
  if (config.ALLOW_LOOPBACK) {
    logger?.warn('Network rules allow loopback addresses', { allow_loopback: true });
  }
  if (config.ALLOWED_PRIVATE_HOSTS.length > 0) {
    logger?.info('Network rules allow private hosts', {
      allowed_private_hosts: config.ALLOWED_PRIVATE_HOSTS,
    });
  }

  return policy;
}

/** Lower-case host without IPv6 brackets or a trailing dot: the form the rules compare. */
export function normalizeHostName(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);

  return name;
}

/** Why an address is refused, or null when it may be contacted. */
function judgeAddress(
  text: string,
  port: number,
  nameAllowed: boolean,
  entries: AllowEntry[],
  allowLoopback: boolean,
): string | null {
  const parsed = parseAddress(text);
  if (parsed === null) return `${text} is not an IP address`;
  const { address, effective, form } = parsed;
  const allowedByRange = [address, effective].some((candidate) =>
    entries.some((entry) => matchesRange(entry, candidate, port)),
  );
  const isMetadata = METADATA_ADDRESSES.has(effective.toString());
  if (isMetadata) {
    const exact = entries.some(
      (entry) => matchesRange(entry, effective, port) && isSingleAddress(entry),
    );
    return exact ? null : describeRefusal(text, 'cloud metadata', form, effective);
  }
  const kind = classify(effective);
  if (kind === null || nameAllowed || allowedByRange) return null;
  if (kind === 'loopback' && allowLoopback) return null;

  return describeRefusal(text, kind, form, effective);
}

function describeRefusal(
  text: string,
  kind: AddressKind | 'cloud metadata',
  form: EmbeddingForm | null,
  effective: ipaddr.IPv4 | ipaddr.IPv6,
): string {
  const article = /^[aeiou]/.test(kind) ? 'an' : 'a';
  const embedding = form === null ? '' : ` (${form} form of ${effective.toString()})`;

  return `${text} is ${article} ${kind} address${embedding}`;
}

function parseAddress(text: string): ParsedAddress | null {
  const bare = normalizeHostName(text);
  if (net.isIP(bare) === 0) return null;
  const address = ipaddr.parse(bare);
  if (address.kind() === 'ipv4') return { address, effective: address, form: null };
  const embedded = embeddedIPv4(address as ipaddr.IPv6);
  if (embedded === null) return { address, effective: address, form: null };

  return { address, effective: embedded.ipv4, form: embedded.form };
}

function classify(address: ipaddr.IPv4 | ipaddr.IPv6): AddressKind | null {
  return address.kind() === 'ipv4'
    ? classifyIPv4(address as ipaddr.IPv4)
    : classifyIPv6(address as ipaddr.IPv6);
}

function matchesName(entry: AllowEntry, name: string, port: number): boolean {
  if (entry.type !== 'name' || (entry.port !== null && entry.port !== port)) return false;

  return entry.wildcard ? name.endsWith(`.${entry.name}`) : name === entry.name;
}

function matchesRange(
  entry: AllowEntry,
  address: ipaddr.IPv4 | ipaddr.IPv6,
  port: number,
): boolean {
  if (entry.type !== 'range' || (entry.port !== null && entry.port !== port)) return false;
  const [network, bits] = entry.range;

  return network.kind() === address.kind() && address.match(network, bits);
}

function isSingleAddress(entry: AllowEntry): boolean {
  return entry.type === 'range' && entry.range[1] === (entry.range[0].kind() === 'ipv4' ? 32 : 128);
}

/** Reads one ALLOWED_PRIVATE_HOSTS entry; throws with the entry when it cannot. */
export function parseAllowEntry(raw: string): AllowEntry {
  const text = raw.trim().toLowerCase();
  const fail = (why: string) => new Error(`Invalid allowed host "${raw}": ${why}`);
  if (text.includes('/')) {
    if (!ipaddr.isValidCIDR(text)) throw fail('not a CIDR range');
    return { type: 'range', range: ipaddr.parseCIDR(text), port: null };
  }
  const { host, port } = splitHostPort(text, fail);
  if (net.isIP(host) !== 0) {
    const address = ipaddr.parse(host);
    const bits = address.kind() === 'ipv4' ? 32 : 128;
    return { type: 'range', range: [address, bits], port };
  }
  const wildcard = host.startsWith('*.');
  const name = normalizeHostName(domainToASCII(wildcard ? host.slice(2) : host));
  if (name === '' || !/^[a-z0-9.-]+$/.test(name)) throw fail('not a host name');

  return { type: 'name', name, wildcard, port };
}

function splitHostPort(
  text: string,
  fail: (why: string) => Error,
): { host: string; port: number | null } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1], port: readPort(bracketed[2], fail) };
  if (net.isIP(text) === 6) return { host: text, port: null };
  const withPort = /^([^:]+):(\d+)$/.exec(text);
  if (withPort) return { host: withPort[1], port: readPort(withPort[2], fail) };
  if (text.includes(':')) throw fail('write IPv6 addresses with a port as [address]:port');

  return { host: text, port: null };
}

function readPort(digits: string | undefined, fail: (why: string) => Error): number | null {
  if (digits === undefined) return null;
  const port = Number(digits);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw fail('port out of range');

  return port;
}
