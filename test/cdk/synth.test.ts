import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../../lib/contracts/request.ts';
import { newRunId } from '../../lib/runs/ids.ts';
import { newRunRecord } from '../../lib/runs/run-record.ts';
import { DynamoRunStore } from '../../lib/runs/run-store.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/embedded.ts';

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

// The assembly holds the layer (about 80 MB); it is of no use after the checks.
afterAll(() => fs.rmSync(synthesized.outDir, { recursive: true, force: true }));

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

/**
 * The bundle's entry in a copy of its folder laid out as Lambda runs it: .js is CommonJS (inside
 * this project, whose package.json says "type": "module", Node would read it as ESM), and module
 * lookup reaches the layer's packages before this project's node_modules.
 */
function asLambdaSeesIt(dir: string, layerDir: string): string {
  const copy = `${dir}-as-deployed`;
  fs.cpSync(dir, copy, { recursive: true });
  fs.writeFileSync(path.join(copy, 'package.json'), '{"type": "commonjs"}');
  const modules = path.join(copy, 'node_modules');
  if (!fs.existsSync(modules)) fs.symlinkSync(path.join(layerDir, 'nodejs/node_modules'), modules);
  const entry = ['index.mjs', 'index.js'].find((name) => fs.existsSync(path.join(copy, name)));

  return path.join(copy, entry ?? 'index.js');
}

/** The code folder of one function: 'Api', 'Prepare', 'BrowserStep', 'Finalize', 'Webhook'. */
function codeDirOf(part: string): string {
  const fn = resources('AWS::Lambda::Function').find((resource) =>
    resource.logicalId.startsWith(`Retriever${part}Function`),
  );
  if (!fn) throw new Error(`No ${part} function in the template`);

  return assetDir((fn.Properties.Code as { S3Key: unknown }).S3Key);
}

function layerDirOf(): string {
  const [layer] = resources('AWS::Lambda::LayerVersion');

  return assetDir((layer.Properties.Content as { S3Key: unknown }).S3Key);
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
    const dir = layerDirOf();

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
    const layerDir = layerDirOf();

    const exported: Record<string, string> = {};
    for (const fn of resources('AWS::Lambda::Function')) {
      const file = asLambdaSeesIt(
        assetDir((fn.Properties.Code as { S3Key: unknown }).S3Key),
        layerDir,
      );
      // Loaded in a fresh process, with the layer where Lambda puts it on the module path.
      const { stdout } = await run(
        process.execPath,
        ['-e', `import(${JSON.stringify(file)}).then((m) => console.log(typeof m.handler))`],
        { env: { ...offlineEnv(), NODE_PATH: path.join(layerDir, 'nodejs/node_modules') } },
      );
      exported[fn.logicalId] = `${fn.Properties.Handler}: ${stdout.trim()}`;
    }

    const entry = asLambdaSeesIt(codeDirOf('BrowserStep'), layerDir);
    const resolved = createRequire(entry).resolve('playwright-core');

    expect(fs.realpathSync(resolved)).toContain(fs.realpathSync(layerDir));
    expect(Object.keys(exported)).toHaveLength(5);
    expect(exported).toEqual(
      Object.fromEntries(Object.keys(exported).map((id) => [id, 'index.handler: function'])),
    );
  }, 60_000);
});

describe('the deployed bundles, run here', () => {
  it('prepare and browser-step, with the layer, download a file into the run', async () => {
    const site = await startReportSite();
    const env = await startTestEnvironment();
    try {
      const store = new DynamoRunStore(env.clients.dynamodb, env.config.RUNS_TABLE);
      const runId = newRunId();
      const request = withDefaults({ navigation_goal: 'Download the report', url: site.url });
      await store.create(
        newRunRecord({ runId, owner: 'o', request, now: new Date(), aiFallback: false }),
      );
      const invoke = invoker(env);

      expect(await invoke('Prepare', { run_id: runId })).toMatchObject({ done: false });
      let step = await invoke('BrowserStep', { run_id: runId });
      for (let i = 0; i < 3 && !step.done; i++)
        step = await invoke('BrowserStep', { run_id: runId });

      expect(step).toMatchObject({ done: true });
      expect((await store.get(runId))?.files.map((file) => file.filename)).toEqual(['report.pdf']);
    } finally {
      await env.close();
      await site.close();
    }
  }, 180_000);
});

/** Runs one function's bundle in a fresh process, as Lambda would, against the embedded services. */
function invoker(env: TestEnvironment) {
  const layerDir = layerDirOf();
  const tmp = fs.mkdtempSync(path.join(synthesized.outDir, 'lambda-tmp-'));

  return async (part: string, event: object): Promise<{ done?: boolean }> => {
    const file = asLambdaSeesIt(codeDirOf(part), layerDir);
    const script =
      `const m = await import(${JSON.stringify(file)});` +
      'const context = { getRemainingTimeInMillis: () => 120000 };' +
      `console.log(JSON.stringify(await m.handler(${JSON.stringify(event)}, context)));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 150_000,
      env: {
        ...offlineEnv(),
        TMPDIR: tmp,
        NODE_PATH: path.join(layerDir, 'nodejs/node_modules'),
        CHROMIUM_BIN_DIR: path.join(layerDir, 'chromium-bin'),
        RUNS_TABLE: env.config.RUNS_TABLE,
        ARTIFACTS_BUCKET: env.config.ARTIFACTS_BUCKET,
        DYNAMODB_ENDPOINT: env.config.DYNAMODB_ENDPOINT,
        S3_ENDPOINT: env.config.S3_ENDPOINT,
        ALLOW_LOOPBACK: 'true',
        LOG_LEVEL: 'ERROR',
        WORK_DIR: path.join(tmp, 'work'),
      },
    });

    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  };
}

/** A page with one link to a PDF, on loopback. */
async function startReportSite(): Promise<{ url: string; close(): Promise<void> }> {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  const server = http.createServer((req, res) => {
    if (req.url === '/report.pdf') {
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'content-disposition': 'attachment; filename="report.pdf"',
      });
      return res.end(pdf);
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      '<html><body><h1>Reports</h1><a href="/report.pdf">Download the report</a></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
