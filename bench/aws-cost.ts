import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO_USER, startDemoSite } from '../demo/site.ts';
import type { BrowserSession, Observation } from '../lib/browser/types.ts';
import { startBrowserHarness } from '../test/support/browser-harness.ts';
import { costPerRun, type RunUsage, TYPICAL_RUN } from './aws-prices.ts';
import type { Bench, BenchRow } from './report.ts';

const run = promisify(execFile);
const RUNS = 3;
const STEP_TIMEOUT_MS = 30_000;

/** Seconds @sparticuz/chromium takes to unpack Chromium into an empty /tmp, as on a cold start. */
async function measureExtraction(): Promise<number> {
  const tmp = fs.mkdtempSync(path.resolve('.tmp', 'cold-'));
  const script =
    "const t=performance.now();const c=(await import('@sparticuz/chromium')).default;" +
    'await c.executablePath();console.log((performance.now()-t)/1000);';
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TMPDIR: tmp },
    });
    return Number(stdout.trim());
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function elementId(observation: Observation, match: (text: string, name: string) => boolean) {
  const found = observation.elements.find((element) => match(element.text, element.name));
  if (!found) throw new Error(`No such element on ${observation.url}`);

  return found.id;
}

/**
 * The browser work of the demo task as the step loop does it: per step a screenshot, an
 * observation and the planned actions; here the actions are fixed instead of planned.
 */
async function demoTask(session: BrowserSession, url: string): Promise<number> {
  type Match = (text: string, name: string) => boolean;
  const act = async (match: Match, step: { value?: string; expectDownload?: boolean } = {}) => {
    await session.screenshot(3);
    const element = elementId(await session.observe(), match);
    const action = step.value
      ? ({ kind: 'fill', element, value: step.value } as const)
      : ({ kind: 'click', element, expectDownload: step.expectDownload } as const);

    return session.act(action, STEP_TIMEOUT_MS);
  };
  await session.open(url);
  await act((_, name) => name === 'Email', { value: DEMO_USER.email });
  await act((_, name) => name === 'Password', { value: DEMO_USER.password });
  await act((text) => text === 'Sign in');
  await act((text) => text === 'Reports');
  const exported = await act((text) => text.startsWith('Export usage report'), {
    expectDownload: true,
  });
  const settled = await session.settle(STEP_TIMEOUT_MS);

  return [...exported.files, ...settled.files].filter((file) => file.stored).length;
}

async function measureRuns(): Promise<{ task: number[]; bare: number[] }> {
  const site = await startDemoSite();
  const harness = await startBrowserHarness({ ALLOW_LOOPBACK: 'true' });
  const task: number[] = [];
  const bare: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      let started = performance.now();
      const { session } = await harness.open({ startUrl: site.url });
      const files = await demoTask(session, site.url);
      await session.close();
      if (files !== 1) throw new Error(`The demo task stored ${files} files, not 1`);
      task.push((performance.now() - started) / 1000);

      started = performance.now();
      await (await harness.open({ startUrl: site.url })).session.close();
      bare.push((performance.now() - started) / 1000);
    }
  } finally {
    await harness.close();
    await site.close();
  }

  return { task, bare };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function row(name: string, value: number, unit: string, extra: Partial<BenchRow> = {}): BenchRow {
  return {
    name,
    value,
    unit,
    baseline: null,
    baselineLabel: null,
    target: null,
    pass: null,
    ...extra,
  };
}

const bench: Bench = {
  name: 'aws-cost: one typical run (log in, open reports, export a CSV) on AWS',
  async run() {
    const extraction = await measureExtraction();
    const { task, bare } = await measureRuns();
    const warmUsage: RunUsage = { ...TYPICAL_RUN, browserSeconds: median(task) };
    const coldUsage: RunUsage = { ...warmUsage, browserSeconds: median(task) + extraction };
    const warm = costPerRun(warmUsage);
    const cold = costPerRun(coldUsage);

    return [
      row('browser work of the demo task (median of 3)', median(task), 's', {
        baseline: median(bare),
        baselineLabel: 'open and close a session',
      }),
      row('Chromium unpacked into an empty /tmp (cold start)', extraction, 's'),
      row('AWS cost per run, warm browser-step', warm.total * 1e6, 'µUSD', {
        target: '< 2000 µUSD ($0.002)',
        pass: warm.total < 0.002,
      }),
      row('AWS cost per run, cold browser-step', cold.total * 1e6, 'µUSD', {
        target: '< 2000 µUSD ($0.002)',
        pass: cold.total < 0.002,
      }),
      ...Object.entries(warm.parts).map(([part, usd]) => row(`  warm: ${part}`, usd * 1e6, 'µUSD')),
    ];
  },
};

export default bench;
