import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const SYNTH_TIMEOUT_MS = 240_000;

/** The environment of a machine with no AWS account: no credentials, no profile, no metadata. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('AWS_') && name !== 'CDK_DEFAULT_ACCOUNT',
    ),
  );

  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_CONFIG_FILE: '/nonexistent',
  };
}

interface Synthesized {
  outDir: string;
  template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
}

let synthesized: Synthesized;

beforeAll(async () => {
  const outDir = fs.mkdtempSync(path.join(ROOT, '.tmp', 'cdk-synth-'));
  await run('npx', ['cdk', 'synth', '--quiet', '--output', outDir], {
    cwd: ROOT,
    env: offlineEnv(),
    timeout: SYNTH_TIMEOUT_MS,
  });
  const template = JSON.parse(
    fs.readFileSync(path.join(outDir, 'Retriever.template.json'), 'utf8'),
  );
  synthesized = { outDir, template };
}, SYNTH_TIMEOUT_MS);

/** The asset folder of a resource's code, found through the asset manifest by S3 key. */
function assetDir(s3Key: unknown): string {
  const key = String(s3Key);
  const manifest = JSON.parse(
    fs.readFileSync(path.join(synthesized.outDir, 'Retriever.assets.json'), 'utf8'),
  ) as {
    files: Record<
      string,
      { source: { path: string }; destinations: Record<string, { objectKey: string }> }
    >;
  };
  const entry = Object.values(manifest.files).find((file) =>
    Object.values(file.destinations).some((destination) => destination.objectKey === key),
  );
  if (!entry) throw new Error(`No asset with key ${key}`);

  return path.join(synthesized.outDir, entry.source.path);
}

function resources(type: string) {
  return Object.entries(synthesized.template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({ logicalId, ...resource }));
}

describe('npx cdk synth', () => {
  it('synthesizes offline with no AWS credentials, the AwsSolutions checks passing', () => {
    const report = JSON.parse(
      fs.readFileSync(path.join(synthesized.outDir, 'validation-report.json'), 'utf8'),
    );

    expect(resources('AWS::Lambda::Function')).toHaveLength(5);
    expect(JSON.stringify(report)).not.toMatch(/"status":\s*"failure"/);
  });

  it('builds a layer with playwright-core and all four Chromium archives', () => {
    const [layer] = resources('AWS::Lambda::LayerVersion');
    const dir = assetDir((layer.Properties.Content as { S3Key: unknown }).S3Key);

    expect(fs.existsSync(path.join(dir, 'nodejs/node_modules/playwright-core/package.json'))).toBe(
      true,
    );
    expect(fs.readdirSync(path.join(dir, 'chromium-bin')).sort()).toEqual([
      'al2023.tar.br',
      'chromium.br',
      'fonts.tar.br',
      'swiftshader.tar.br',
    ]);
  });

  it('bundles each function so that its module loads and exports a handler', async () => {
    const [layer] = resources('AWS::Lambda::LayerVersion');
    const layerDir = assetDir((layer.Properties.Content as { S3Key: unknown }).S3Key);

    const exported: Record<string, string> = {};
    for (const fn of resources('AWS::Lambda::Function')) {
      const dir = assetDir((fn.Properties.Code as { S3Key: unknown }).S3Key);
      const file = ['index.mjs', 'index.js']
        .map((name) => path.join(dir, name))
        .find(fs.existsSync);
      // Loaded in a fresh process, with the layer where Lambda puts it on the module path.
      const { stdout } = await run(
        process.execPath,
        ['-e', `import(${JSON.stringify(file)}).then((m) => console.log(typeof m.handler))`],
        { env: { ...offlineEnv(), NODE_PATH: path.join(layerDir, 'nodejs/node_modules') } },
      );
      exported[fn.logicalId] = `${fn.Properties.Handler}: ${stdout.trim()}`;
    }

    expect(Object.keys(exported)).toHaveLength(5);
    expect(exported).toEqual(
      Object.fromEntries(Object.keys(exported).map((id) => [id, 'index.handler: function'])),
    );
  }, 60_000);
});
