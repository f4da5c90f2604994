/** One measured figure, printed beside the baseline measured in the same run. */
export interface BenchRow {
  /** What was measured, on what input. */
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  baselineLabel: string | null;
  /** The target the figure must meet, in words ("< 150 MB", "ratio < 1.5"), or null. */
  target: string | null;
  /** Whether the target is met; null when there is no target. */
  pass: boolean | null;
}

/** A benchmark: runs its measurements and returns the rows to print. */
export interface Bench {
  name: string;
  run(): Promise<BenchRow[]>;
}

const fmt = (value: number | null, unit = '') =>
  value === null
    ? '-'
    : `${Number.isInteger(value) ? value : value.toFixed(2)}${unit ? ` ${unit}` : ''}`;

/** Prints rows as an aligned table. */
export function printRows(bench: string, rows: BenchRow[]): void {
  const table = rows.map((row) => [
    row.name,
    fmt(row.value, row.unit),
    row.baselineLabel ? `${fmt(row.baseline, row.unit)} (${row.baselineLabel})` : '-',
    row.target ?? '-',
    row.pass === null ? '' : row.pass ? 'ok' : 'MISSED',
  ]);
  const header = ['figure', 'value', 'baseline (same run)', 'target', ''];
  const widths = header.map((_, i) =>
    Math.max(...[header, ...table].map((line) => line[i].length)),
  );
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(`\n== ${bench}`);
  console.log(line(header));
  for (const cells of table) console.log(line(cells));
}
