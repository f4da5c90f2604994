import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../lib/config.ts';
import { startLocalMode } from '../lib/local/local-mode.ts';
import { CASE_TASKS } from '../test/agent/case-tasks.ts';
import { PORTAL_SHA256 } from '../test/fixtures/portal/invoices.ts';
import { startPortal } from '../test/fixtures/portal/server.ts';
import { PORTAL_TASKS } from '../test/fixtures/portal/tasks.ts';
import type { Bench, BenchRow } from './report.ts';

/**
 * Steps the code planner uses through the local API on every case (main variant, own goal) and
 * portal task, beside the minimum number of page interactions the task needs (test/agent/
 * case-tasks.ts, test/fixtures/portal/tasks.ts). A run's step_count also counts its last
 * decision (done, or impossible), which touches no page: interactions = step_count - 1.
 */
const TERMINAL = ['completed', 'failed', 'terminated', 'timed_out', 'canceled'];

interface RunView {
  status: string;
  step_count: number;
  failure_reason: string | null;
  downloaded_files: { filename: string; checksum: string }[];
}

async function runTask(baseUrl: string, key: string, url: string, goal: string): Promise<RunView> {
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const body = JSON.stringify({ url, navigation_goal: goal, max_steps_per_run: 20 });
  let run = await fetch(`${baseUrl}/v1/run/tasks/download_files`, {
    method: 'POST',
    headers,
    body,
  }).then((response) => response.json());
  while (!TERMINAL.includes(run.status)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    run = await fetch(`${baseUrl}/v1/runs/${run.run_id}`, { headers }).then((r) => r.json());
  }

  return run;
}

const fileKey = (files: { name: string; sha256: string }[]) =>
  files
    .map((f) => `${f.name.normalize('NFC')}:${f.sha256}`)
    .sort()
    .join('|');

const ranFiles = (run: RunView) =>
  fileKey(run.downloaded_files.map((f) => ({ name: f.filename, sha256: f.checksum })));

function row(name: string, run: RunView, minimum: number, correct: boolean): BenchRow {
  const interactions = Math.max(0, run.step_count - 1);
  const label = `${name} (step_count ${run.step_count}, ${run.status})`;

  return {
    name: correct
      ? label
      : `${label}: wrong outcome or files${run.failure_reason ? `: ${run.failure_reason}` : ''}`,
    value: interactions,
    unit: 'interactions',
    baseline: minimum,
    baselineLabel: 'minimum',
    target: `<= ${minimum + 1}`,
    pass: correct && interactions <= minimum + 1,
  };
}

const bench: Bench = {
  name: 'steps: code planner through the local API, beside the minimum page interactions',
  async run(): Promise<BenchRow[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-steps-'));
    const local = await startLocalMode({
      config: loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'SILENT' }),
    });
    const portal = await startPortal();
    const rows: BenchRow[] = [];
    try {
      for (const task of CASE_TASKS) {
        const site = await task.start();
        try {
          const run = await runTask(local.url, local.devKey, site.startUrl, site.goal);
          const files = task.printed
            ? run.downloaded_files.length === 1 && run.downloaded_files[0].filename.endsWith('.pdf')
            : ranFiles(run) === fileKey(site.expected);
          rows.push(row(task.id, run, task.minSteps, run.status === 'completed' && files));
        } finally {
          await site.close();
        }
      }
      for (const task of PORTAL_TASKS) {
        const run = await runTask(local.url, local.devKey, portal.url, task.goal);
        const expected = task.invoices.map((id) => ({
          name: `invoice-${id}.pdf`,
          sha256: PORTAL_SHA256[`invoice-${id}.pdf`],
        }));
        const status = task.outcome === 'done' ? 'completed' : 'terminated';
        const correct = run.status === status && ranFiles(run) === fileKey(expected);
        rows.push(row(task.id, run, task.minSteps, correct));
      }
    } finally {
      await portal.close();
      await local.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }

    return rows;
  },
};

export default bench;
