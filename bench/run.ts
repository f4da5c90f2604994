import { Command } from 'commander';
import { type Bench, type BenchRow, printRows } from './report.ts';

/** Every benchmark of the project; each file exports one `Bench`. */
const BENCHES: Record<string, () => Promise<Bench>> = {
  api: async () => (await import('./api.ts')).default,
  download: async () => (await import('./download.ts')).default,
  'aws-cost': async () => (await import('./aws-cost.ts')).default,
  'egress-proxy': async () => (await import('./egress-proxy.ts')).default,
  'end-to-end': async () => (await import('./end-to-end.ts')).default,
  planner: async () => (await import('./planner.ts')).default,
  steps: async () => (await import('./steps.ts')).default,
};

const program = new Command()
  .name('bench')
  .description('Runs the benchmarks and prints each figure beside its baseline from the same run')
  .option('--only <names...>', `run only these benchmarks (${Object.keys(BENCHES).join(', ')})`)
  .parse();

const only: string[] | undefined = program.opts().only;
let missed = 0;
for (const [name, load] of Object.entries(BENCHES)) {
  if (only && !only.includes(name)) continue;
  const bench = await load();
  const rows: BenchRow[] = await bench.run();
  printRows(bench.name, rows);
  missed += rows.filter((row) => row.pass === false).length;
}
console.log(missed === 0 ? '\nAll targets met.' : `\n${missed} target(s) missed.`);
process.exitCode = missed === 0 ? 0 : 1;
