import { describe, expect, it } from 'vitest';
import { BlockedAddressError } from '../../lib/errors.ts';
import { createLogger } from '../../lib/log.ts';
import {
  createAddressPolicy,
  createAddressPolicyFromConfig,
  parseAllowEntry,
} from '../../lib/net/address-policy.ts';
import { checkUrl, type Resolver, resolveChecked } from '../../lib/net/resolve.ts';
import { normalizeHttpUrl } from '../../lib/net/url-rules.ts';
import { BLOCKED_TARGETS } from './blocked-targets.ts';

/** A resolver that answers from a table and knows no other name, so nothing leaves the machine. */
function tableResolver(table: Record<string, string[]>): Resolver {
  return async (host) => {
    const answer = table[host];
    if (answer === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    }

    return answer;
  };
}

const defaults = createAddressPolicy({ allowLoopback: false, allowedHosts: [] });
const resolver = tableResolver(
  Object.fromEntries(
    BLOCKED_TARGETS.filter((target) => target.resolves).map((target) => [
      target.host,
      target.resolves!,
    ]),
  ),
);

describe('default network rules', () => {
  it('cover at least 60 blocked target forms', () => {
    expect(BLOCKED_TARGETS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(BLOCKED_TARGETS)('refuse $url and name $host', async ({ url, host }) => {
    const normalized = url.startsWith('ws')
      ? url
      : (normalizeHttpUrl(url, { allowBareHost: false }) as { url: string }).url;
    expect(normalized).toBeTypeOf('string');

    const attempt = checkUrl(normalized, defaults, resolver);

    await expect(attempt).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(attempt).rejects.toMatchObject({ host });
    await expect(attempt).rejects.toThrow(`Blocked by the network rules: ${host}`);
  });

  it.each([
    ['93.184.216.34'],
    ['8.8.8.8'],
    ['2606:4700::1111'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::808:808'],
    ['2002:808:808::1'],
    ['100.63.255.255'],
    ['100.128.0.0'],
    ['172.32.0.1'],
    ['198.20.0.1'],
  ])('allow the public address %s', (address) => {
    expect(defaults.check(address, 443, [address])).toEqual({ allowed: true });
  });

  it('say which address of a name was refused and why', () => {
    const decision = defaults.check('mixed.test', 80, ['93.184.216.34', '10.0.0.1']);

    expect(decision).toEqual({ allowed: false, reason: '10.0.0.1 is a private address' });
  });

  it('name the IPv4 address inside an IPv6 form', () => {
    const decision = defaults.check('::ffff:7f00:1', 80, ['::ffff:7f00:1']);

    expect(decision).toEqual({
      allowed: false,
      reason: '::ffff:7f00:1 is a loopback address (IPv4-mapped form of 127.0.0.1)',
    });
  });

  it('refuse a name that resolves to nothing and report an unknown name as not found', async () => {
    expect(defaults.check('empty.test', 80, [])).toMatchObject({ allowed: false });
    await expect(resolveChecked('nowhere.test', 80, defaults, resolver)).rejects.toMatchObject({
      code: 'host_not_found',
    });
  });

  it('return the checked address so the caller connects to it instead of resolving again', async () => {
    const target = await resolveChecked(
      'public.test',
      443,
      defaults,
      tableResolver({ 'public.test': ['2606:4700::1111', '93.184.216.34'] }),
    );

    expect(target).toEqual({
      host: 'public.test',
      port: 443,
      address: '2606:4700::1111',
      family: 6,
      addresses: ['2606:4700::1111', '93.184.216.34'],
    });
  });
});

describe('local mode network rules', () => {
  const local = createAddressPolicy({ allowLoopback: true, allowedHosts: [] });

  it.each([['127.0.0.1'], ['127.8.9.10'], ['::1'], ['::ffff:127.0.0.1']])(
    'allow the loopback address %s',
    (address) => {
      expect(local.check('localhost', 8080, [address])).toEqual({ allowed: true });
    },
  );

  it.each([['10.0.0.1'], ['169.254.169.254'], ['fd00:ec2::254'], ['192.168.0.1']])(
    'still refuse %s',
    (address) => {
      expect(local.check(address, 80, [address])).toMatchObject({ allowed: false });
    },
  );

  it('say in the log that loopback is allowed', () => {
    const lines: string[] = [];
    const streams = [process.stdout, process.stderr];
    const writes = streams.map((stream) => stream.write);
    for (const stream of streams) {
      stream.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof stream.write;
    }
    try {
      createAddressPolicyFromConfig(
        { ALLOW_LOOPBACK: true, ALLOWED_PRIVATE_HOSTS: [] },
        createLogger('net-test', 'INFO'),
      );
    } finally {
      streams.forEach((stream, index) => {
        stream.write = writes[index];
      });
    }

    expect(lines.join('')).toContain('Network rules allow loopback addresses');
  });
});

describe('ALLOWED_PRIVATE_HOSTS', () => {
  const policy = createAddressPolicy({
    allowLoopback: false,
    allowedHosts: [
      'intranet.test',
      '*.corp.test',
      'db.test:8443',
      '10.1.0.0/16',
      '[fd00::5]:443',
      '169.254.0.0/16',
      '192.168.7.7:8080',
      'wiki.bücher.test',
    ],
  });

  it.each([
    ['intranet.test', 80, '10.0.0.5'],
    ['INTRANET.TEST.', 80, '192.168.0.9'],
    ['a.corp.test', 443, '172.16.1.1'],
    ['db.test', 8443, '10.9.9.9'],
    ['10.1.2.3', 80, '10.1.2.3'],
    ['::ffff:10.1.2.3', 80, '::ffff:10.1.2.3'],
    ['fd00::5', 443, 'fd00::5'],
    ['169.254.10.10', 80, '169.254.10.10'],
    ['192.168.7.7', 8080, '192.168.7.7'],
    ['wiki.xn--bcher-kva.test', 80, '10.0.0.8'],
  ])('allow %s on port %i at %s', (host, port, address) => {
    expect(policy.check(host, port, [address])).toEqual({ allowed: true });
  });

  it.each([
    ['corp.test', 80, '172.16.1.1'],
    ['db.test', 443, '10.9.9.9'],
    ['10.2.0.1', 80, '10.2.0.1'],
    ['fd00::5', 80, 'fd00::5'],
    ['192.168.7.7', 80, '192.168.7.7'],
    ['evil-intranet.test', 80, '10.0.0.5'],
  ])('refuse %s on port %i at %s', (host, port, address) => {
    expect(policy.check(host, port, [address])).toMatchObject({ allowed: false });
  });

  it('never open a cloud metadata address through a name or a broad range', () => {
    expect(policy.check('intranet.test', 80, ['169.254.169.254'])).toEqual({
      allowed: false,
      reason: '169.254.169.254 is a cloud metadata address',
    });
    expect(policy.check('169.254.169.254', 80, ['169.254.169.254'])).toMatchObject({
      allowed: false,
    });
  });

  it('open a cloud metadata address only when the address itself is listed', () => {
    const exact = createAddressPolicy({ allowLoopback: false, allowedHosts: ['169.254.169.254'] });

    expect(exact.check('169.254.169.254', 80, ['169.254.169.254'])).toEqual({ allowed: true });
  });

  it.each([
    ['10.0.0.0/33'],
    ['[fd00::1]:0'],
    ['intranet.test:8080:1'],
    ['db.test:99999'],
    ['bad host'],
    ['*.'],
  ])('reject the unreadable entry %s', (entry) => {
    expect(() => parseAllowEntry(entry)).toThrow(`Invalid allowed host "${entry}"`);
  });
});
