import ipaddr from 'ipaddr.js';

/** A kind of address the network rules refuse unless a deployment allows it. */
export type AddressKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade NAT'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'benchmarking'
  | 'documentation'
  | 'unique local'
  | 'site-local'
  | 'non-global IPv6';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

const range = (cidr: string): Range => ipaddr.parseCIDR(cidr);

/**
 * IPv4 ranges that are not public destinations: the IANA IPv4 special-purpose registry, less the
 * few anycast services that are globally reachable (AS112, AMT), which no site is served from
 * anyway. Order matters: the first match names the kind.
 */
const IPV4_RANGES: [AddressKind, Range][] = [
  ['unspecified', range('0.0.0.0/8')],
  ['private', range('10.0.0.0/8')],
  ['carrier-grade NAT', range('100.64.0.0/10')],
  ['loopback', range('127.0.0.0/8')],
  ['link-local', range('169.254.0.0/16')],
  ['private', range('172.16.0.0/12')],
  ['reserved', range('192.0.0.0/24')],
  ['documentation', range('192.0.2.0/24')],
  ['reserved', range('192.88.99.0/24')],
  ['private', range('192.168.0.0/16')],
  ['benchmarking', range('198.18.0.0/15')],
  ['documentation', range('198.51.100.0/24')],
  ['documentation', range('203.0.113.0/24')],
  ['multicast', range('224.0.0.0/4')],
  ['broadcast', range('255.255.255.255/32')],
  ['reserved', range('240.0.0.0/4')],
];

/**
 * IPv6 ranges that are not public destinations. Forms that embed an IPv4 address (mapped,
 * compatible, NAT64, 6to4) are judged by that address before this list is consulted; anything
 * outside global unicast (2000::/3) is refused as non-global.
 */
const IPV6_RANGES: [AddressKind, Range][] = [
  ['unspecified', range('::/128')],
  ['loopback', range('::1/128')],
  ['private', range('64:ff9b:1::/48')],
  ['reserved', range('100::/64')],
  ['benchmarking', range('2001:2::/48')],
  ['documentation', range('2001:db8::/32')],
  // IETF protocol assignments: Teredo, ORCHID and friends; no site is served from them.
  ['reserved', range('2001::/23')],
  ['documentation', range('3fff::/20')],
  ['reserved', range('5f00::/16')],
  ['unique local', range('fc00::/7')],
  ['link-local', range('fe80::/10')],
  ['site-local', range('fec0::/10')],
  ['multicast', range('ff00::/8')],
];

const GLOBAL_UNICAST = range('2000::/3');
const IPV4_COMPATIBLE = range('::/96');
const NAT64_WELL_KNOWN = range('64:ff9b::/96');
const SIX_TO_FOUR = range('2002::/16');

/** How an IPv6 address carries an IPv4 address, when it does. */
export type EmbeddingForm = 'IPv4-mapped' | 'IPv4-compatible' | 'NAT64' | '6to4';

/**
 * The IPv4 address inside an IPv6 form that reaches it (or a host derived from it), or null.
 * `::` and `::1` are not IPv4-compatible forms: they are judged as themselves.
 */
export function embeddedIPv4(
  address: ipaddr.IPv6,
): { form: EmbeddingForm; ipv4: ipaddr.IPv4 } | null {
  const parts = address.parts;
  const fromWords = (high: number, low: number) =>
    new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

  if (address.isIPv4MappedAddress()) {
    return { form: 'IPv4-mapped', ipv4: address.toIPv4Address() };
  }
  if (address.match(IPV4_COMPATIBLE) && (parts[6] !== 0 || parts[7] > 1)) {
    return { form: 'IPv4-compatible', ipv4: fromWords(parts[6], parts[7]) };
  }
  if (address.match(NAT64_WELL_KNOWN)) {
    return { form: 'NAT64', ipv4: fromWords(parts[6], parts[7]) };
  }
  if (address.match(SIX_TO_FOUR)) {
    return { form: '6to4', ipv4: fromWords(parts[1], parts[2]) };
  }

  return null;
}

/** The kind of a non-public IPv4 address, or null for a public one. */
export function classifyIPv4(address: ipaddr.IPv4): AddressKind | null {
  for (const [kind, cidr] of IPV4_RANGES) {
    if (address.match(cidr)) return kind;
  }

  return null;
}

/** The kind of a non-public IPv6 address that embeds no IPv4 address, or null for a public one. */
export function classifyIPv6(address: ipaddr.IPv6): AddressKind | null {
  for (const [kind, cidr] of IPV6_RANGES) {
    if (address.match(cidr)) return kind;
  }

  return address.match(GLOBAL_UNICAST) ? null : 'non-global IPv6';
}
