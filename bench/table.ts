// A benchmark section's result: printed as a markdown table and collected into the README.

export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

/** What `bench/run.ts` passes to every section: quick = short timings for a smoke run. */
export interface BenchOptions {
  quick: boolean;
}

/** A section module exports one of these as `<name>Section`. */
export type BenchSection = (options: BenchOptions) => Promise<BenchTable>;

export function formatTable(table: BenchTable): string {
  const cell = (v: string | number) => (typeof v === 'number' ? formatNumber(v) : v);
  const lines = [
    `### ${table.title}`,
    '',
    `| ${table.columns.join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  if (table.notes?.length) lines.push('', ...table.notes);
  return lines.join('\n');
}

/** Rounds for a table cell: integers with thousands separators from 100 up, else 3 significant digits. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toPrecision(3);
}
