import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Registry, startRegistry } from '../support/verdaccio.ts';

let registry: Registry;

beforeAll(async () => {
  registry = await startRegistry();
}, 60_000);
afterAll(() => registry?.close());

describe('the Verdaccio registry harness', () => {
  it('publishes two versions whose tarballs the registry serves', async () => {
    const manifest = await (await fetch(`${registry.url}${registry.packageName}`)).json();

    expect(manifest['dist-tags'].latest).toBe('1.1.0');
    for (const { version, tarball } of registry.versions) {
      const sha1 = createHash('sha1').update(tarball).digest('hex');
      expect(manifest.versions[version].dist.shasum).toBe(sha1);
    }
  });
});
