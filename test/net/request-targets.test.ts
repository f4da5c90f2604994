import { describe, expect, it } from 'vitest';
import { BadRequestError, httpStatusOf } from '../../lib/errors.ts';
import { createAddressPolicy } from '../../lib/net/address-policy.ts';
import { checkCallbackTargets } from '../../lib/net/request-targets.ts';
import type { Resolver } from '../../lib/net/resolve.ts';

// 127.0.0.2 plays a public host: the only address these rules allow.
const policy = createAddressPolicy({ allowLoopback: false, allowedHosts: ['127.0.0.2'] });

describe('checkCallbackTargets', () => {
  const resolver: Resolver = async (host) =>
    ({ 'hooks.test': ['127.0.0.2'], 'metadata.test': ['169.254.169.254'] })[host] ?? [];

  it('accepts callback URLs on allowed hosts', async () => {
    const targets = { webhook_url: 'https://hooks.test/run', totp_url: null };

    await expect(checkCallbackTargets(targets, policy, resolver)).resolves.toBeUndefined();
  });

  it.each([
    ['webhook_url', 'http://127.0.0.1:9/hook', '127.0.0.1'],
    ['totp_url', 'https://metadata.test/code', 'metadata.test'],
    ['browser_address', 'ws://[::ffff:127.0.0.1]:9222/devtools', '::ffff:7f00:1'],
  ])('refuses a %s on a blocked host with a 400 naming it', async (field, url, host) => {
    const attempt = checkCallbackTargets({ [field]: url }, policy, resolver);

    await expect(attempt).rejects.toThrow(`Blocked by the network rules: ${host}`);
    await expect(attempt.catch((error) => httpStatusOf(error))).resolves.toBe(400);
  });

  it('refuses a webhook host that does not exist', async () => {
    const attempt = checkCallbackTargets(
      { webhook_url: 'https://nowhere.test/' },
      policy,
      resolver,
    );

    await expect(attempt).rejects.toThrow(
      new BadRequestError('webhook_url: Host not found: nowhere.test'),
    );
  });
});
