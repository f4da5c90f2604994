import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { DEMO_USER, startDemoSite } from '../demo/site.ts';
import { loadConfig } from '../lib/config.ts';
import { startLocalMode } from '../lib/local/local-mode.ts';

const POLL_MS = 500;

const program = new Command()
  .name('demo')
  .description(
    'Starts the local mode and the bundled demo portal, and runs one download through the API',
  )
  .option('--keep', 'keep the local mode and the demo portal running after the run')
  .parse();
const { keep } = program.opts<{ keep?: boolean }>();

const site = await startDemoSite();
const local = await startLocalMode({
  config: loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'WARN' }),
});
const api = (pathAndQuery: string, init: RequestInit = {}) =>
  fetch(`${local.url}${pathAndQuery}`, {
    ...init,
    headers: { 'x-api-key': local.devKey, 'content-type': 'application/json' },
  }).then((response) => response.json());

const task = {
  url: site.url,
  navigation_goal: `Log in as ${DEMO_USER.email} with password ${DEMO_USER.password} and export the usage report as CSV`,
};
console.log(`Demo portal:  ${site.url}\nLocal API:    ${local.url}  (key ${local.devKey})\n`);
console.log(`POST ${local.url}/v1/run/tasks/download_files\n${JSON.stringify(task, null, 2)}\n`);

let run = await api('/v1/run/tasks/download_files', { method: 'POST', body: JSON.stringify(task) });
const bar = new SingleBar({
  format: 'Run {run_id} |{bar}| step {value}/{total} | {status}',
  hideCursor: true,
  noTTYOutput: true,
  notTTYSchedule: 1000,
});
bar.start(run.run_request.max_steps_per_run, 0, run);
const terminal = ['completed', 'failed', 'terminated', 'timed_out', 'canceled'];
while (!terminal.includes(run.status)) {
  await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  run = await api(`/v1/runs/${run.run_id}`);
  bar.update(run.step_count, run);
}
bar.stop();

console.log(`\nStatus:  ${run.status}\nSummary: ${run.output?.summary ?? '-'}`);
if (run.failure_reason) console.log(`Reason:  ${run.failure_reason}`);
const outDir = path.resolve(local.config.DATA_DIR, 'demo-downloads');
fs.mkdirSync(outDir, { recursive: true });
for (const file of run.downloaded_files) {
  const bytes = Buffer.from(await (await fetch(file.url)).arrayBuffer());
  const saved = path.join(outDir, path.basename(file.filename));
  fs.writeFileSync(saved, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  console.log(`
File:     ${file.filename} (${file.file_size} bytes)
Checksum: ${file.checksum}  (sha256 of the bytes fetched just now: ${sha256 === file.checksum ? 'matches' : sha256})
Saved to: ${saved}
Signed URL (valid ${local.config.DOWNLOAD_URL_TTL_S} s): ${file.url}
Check it yourself:  sha256sum '${saved}'
  (with --keep, the signed URL also works until you stop the demo: curl -s '<URL>' | sha256sum)`);
}

if (keep) {
  console.log('\nThe local mode and the demo portal keep running; press Ctrl-C to stop.');
  process.once('SIGINT', () => void shutdown());
} else {
  await shutdown();
}

async function shutdown() {
  await local.stop();
  await site.close();
  process.exit(run.status === 'completed' ? 0 : 1);
}
