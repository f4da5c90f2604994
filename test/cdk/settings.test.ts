import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../cdk/settings.ts';

const MIB = 1024 ** 2;

describe('deployment settings', () => {
  it('fills in the documented defaults', () => {
    const settings = resolveSettings();

    expect(settings).toMatchObject({
      browserStepMemoryMiB: 2048,
      serviceMemoryMiB: 512,
      maxStepsLimit: 50,
      maxFileBytes: 1024 * MIB,
      maxRunFiles: 64,
      maxRunBytes: 4096 * MIB,
      eventBus: 'default',
      browserStepStorageMiB: 6144,
    });
    expect(settings.runTimeout.toSeconds()).toBe(1800);
    expect(settings.browserStepTimeout.toMinutes()).toBe(15);
  });

  it('fails when a run could hold more files than Lambda has room for, naming the fix', () => {
    expect(() => resolveSettings({ maxRunBytes: 10 * 1024 * MIB })).toThrow(
      new RegExp(
        "need 12288 MiB of /tmp, more than Lambda's 10240 MiB; " +
          'set maxRunBytes to at most 8589934592',
      ),
    );
  });

  it('fails when one file may be larger than a whole run', () => {
    expect(() => resolveSettings({ maxFileBytes: 2, maxRunBytes: 1 })).toThrow(
      'maxFileBytes must be between 1 and 1; got 2.',
    );
  });

  it('fails on a browser-step timeout beyond the Lambda limit', () => {
    expect(() => resolveSettings({ browserStepTimeout: Duration.minutes(20) })).toThrow(
      'browserStepTimeout must be between 60 and 900; got 1200.',
    );
  });

  it('fails on a proxy that is not a URL without echoing its credentials', () => {
    const attempt = () => resolveSettings({ proxyUrls: { RESIDENTIAL: 'user:secret@proxy' } });

    expect(attempt).toThrow(
      'proxyUrls.RESIDENTIAL must be an http, https or socks5 URL such as http://host:3128.',
    );
    expect(attempt).not.toThrow(/secret/);
  });
});
