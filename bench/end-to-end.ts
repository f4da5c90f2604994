import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromiumArgs, chromiumExecutable, playwright } from '../lib/browser/launcher.ts';
import { loadConfig } from '../lib/config.ts';
import { startLocalMode } from '../lib/local/local-mode.ts';
import type { Bench, BenchRow } from './report.ts';

const REPEATS = 5;
const GOAL = 'Download the quarterly report';
const MB = 1024 * 1024;

/**
 * The inputs measured: the simple download the target is about (a page with one link, no script,
 * a 5 MB file), the same page with a script of its own (the service then waits for the page's
 * late requests), and a 50 MB file (the transfer, not the run's fixed cost, takes the time).
 */
const VARIANTS = [
  { label: 'simple 5 MB download', bytes: 5 * MB, scripted: false, target: true },
  { label: '5 MB download, page with a script', bytes: 5 * MB, scripted: true, target: false },
  { label: 'simple 50 MB download', bytes: 50 * MB, scripted: false, target: false },
];

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A one-page site with one link to an attachment of `bytes` bytes. */
async function startSimpleSite(bytes: number, scripted: boolean) {
  const body = Buffer.alloc(bytes, 7);
  body.write('%PDF-1.7\n');
  const script = scripted ? '<script>document.title = "Reports";</script>' : '';
  const server = http.createServer((req, res) => {
    if (req.url === '/report.pdf') {
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'content-disposition': 'attachment; filename="quarterly-report.pdf"',
        'content-length': body.length,
      });
      return res.end(body);
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<!doctype html><title>Reports</title>${script}<h1>Reports</h1>` +
        '<a href="/report.pdf">Quarterly report (PDF)</a>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return { url, sha256: createHash('sha256').update(body).digest('hex'), server };
}

/** The same download written by hand: launch, open, click, save, hash. */
async function minimalScript(url: string, executablePath: string, dir: string): Promise<string> {
  const browser = await playwright.launch({
    executablePath,
    args: chromiumArgs(null),
    headless: true,
  });
  const page = await browser.newPage();
  await page.goto(url);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByText('Quarterly report').click(),
  ]);
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  await browser.close();

  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function throughApi(baseUrl: string, key: string, url: string): Promise<string> {
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  let run = await fetch(`${baseUrl}/v1/run/tasks/download_files`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url, navigation_goal: GOAL }),
  }).then((response) => response.json());
  while (!['completed', 'failed', 'terminated', 'timed_out', 'canceled'].includes(run.status)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    run = await fetch(`${baseUrl}/v1/runs/${run.run_id}`, { headers }).then((r) => r.json());
  }
  if (run.status !== 'completed') throw new Error(`run ended ${run.status}: ${run.failure_reason}`);

  return run.downloaded_files[0].checksum;
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();

  return [performance.now() - started, result];
}

const run = promisify(execFile);

/** Browser start in a fresh process: extraction of the packaged Chromium included when cold. */
async function browserStartMs(cold: boolean): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-start-'));
  const script = `
    const { chromiumExecutable, chromiumArgs, playwright } = await import(${JSON.stringify(path.resolve('lib/browser/launcher.ts'))});
    ${cold ? '' : 'await chromiumExecutable({}); '}
    const t = performance.now();
    const browser = await playwright.launch({ executablePath: await chromiumExecutable({}), args: chromiumArgs(null), headless: true });
    await (await browser.newPage()).close();
    console.log(performance.now() - t);
    await browser.close();`;
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      env: { ...process.env, TMPDIR: tmp },
    },
  );
  fs.rmSync(tmp, { recursive: true, force: true });

  return Number(stdout.trim());
}

interface Measured {
  api: number;
  script: number;
}

/** Median times of the same download through the API and by the script, taken in turns. */
async function measure(
  local: Awaited<ReturnType<typeof startLocalMode>>,
  variant: (typeof VARIANTS)[number],
  executablePath: string,
  dir: string,
): Promise<Measured> {
  const site = await startSimpleSite(variant.bytes, variant.scripted);
  const api: number[] = [];
  const script: number[] = [];
  try {
    for (let i = 0; i < REPEATS; i++) {
      const [apiMs, apiSha] = await timed(() => throughApi(local.url, local.devKey, site.url));
      const [scriptMs, scriptSha] = await timed(() => minimalScript(site.url, executablePath, dir));
      if (apiSha !== site.sha256 || scriptSha !== site.sha256) {
        throw new Error('checksum mismatch');
      }
      api.push(apiMs);
      script.push(scriptMs);
    }
  } finally {
    site.server.close();
  }

  return { api: median(api), script: median(script) };
}

function rowsOf(variant: (typeof VARIANTS)[number], measured: Measured): BenchRow[] {
  const ratio = measured.api / measured.script;

  return [
    {
      name: `${variant.label}, median of ${REPEATS} (POST to completed, polled every 20 ms)`,
      value: Math.round(measured.api),
      unit: 'ms',
      baseline: Math.round(measured.script),
      baselineLabel: 'minimal Playwright script, same browser and site',
      target: null,
      pass: null,
    },
    {
      name: `${variant.label}: end-to-end / minimal script`,
      value: ratio,
      unit: 'x',
      baseline: 1,
      baselineLabel: 'script',
      target: variant.target ? '< 1.5' : null,
      pass: variant.target ? ratio < 1.5 : null,
    },
  ];
}

const bench: Bench = {
  name: 'end-to-end: a simple download through the local API vs a hand-written Playwright script',
  async run(): Promise<BenchRow[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-e2e-'));
    const local = await startLocalMode({
      config: loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'SILENT' }),
    });
    const executablePath = await chromiumExecutable(local.config);
    const rows: BenchRow[] = [];
    try {
      for (const variant of VARIANTS) {
        rows.push(...rowsOf(variant, await measure(local, variant, executablePath, dataDir)));
      }
    } finally {
      await local.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const cold = await browserStartMs(true);
    const warm = await browserStartMs(false);

    return [
      ...rows,
      {
        name: 'browser start, cold (fresh process, Chromium extracted first), launch + page',
        value: cold,
        unit: 'ms',
        baseline: warm,
        baselineLabel: 'warm: already extracted',
        target: null,
        pass: null,
      },
    ];
  },
};

export default bench;
