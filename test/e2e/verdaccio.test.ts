import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask } from '../support/e2e.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { type Registry, startRegistry } from '../support/verdaccio.ts';

let registry: Registry;
let api: LocalApi;

beforeAll(async () => {
  [registry, api] = await Promise.all([startRegistry(), startLocalApi()]);
}, 90_000);
afterAll(async () => {
  await api?.close();
  await registry?.close();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('Verdaccio, a web application nobody here wrote', () => {
  it.each([
    ['Download the tarball of the latest version of acme-widgets', '1.1.0'],
    ['Download version 1.0.0 of acme-widgets', '1.0.0'],
  ])(
    '"%s" stores the tarball of %s byte for byte',
    async (goal, version) => {
      const published = registry.versions.find((v) => v.version === version)!;

      const { run, files } = await runTask(
        api,
        { url: registry.url, navigation_goal: goal },
        120_000,
      );

      expect(run.status, run.failure_reason ?? '').toBe('completed');
      expect(files).toHaveLength(1);
      expect(files[0].filename).toBe(`acme-widgets-${version}.tgz`);
      expect(files[0].sha256).toBe(sha256(published.tarball));
    },
    150_000,
  );
});
