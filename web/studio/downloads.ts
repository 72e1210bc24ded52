// Saves text or bytes as a file the browser downloads, and turns records into the
// formats the CLI writes (results.jsonl) or a spreadsheet reads (CSV).
import type { StoredRecord } from '../../src/sweep/results-store.js';

export function download(name: string, data: BlobPart, type: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([data], { type }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

export function recordsJsonl(records: readonly StoredRecord[]): string {
  return records.map((record) => JSON.stringify(record) + '\n').join('');
}

const CSV_COLUMNS = ['key', 'kind', 'status', 'model', 'steps', 'train_loss', 'train_acc', 'test_loss', 'test_acc', 'steps_per_s', 'wall_s', 'config'] as const;

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per record: its key, status, final metrics and timing, and the config as JSON. */
export function recordsCsv(records: readonly StoredRecord[]): string {
  const rows = records.map((record) => {
    const r = record as unknown as Record<string, unknown> & { config: Record<string, unknown> };
    return CSV_COLUMNS.map((column) => csvCell(column === 'model' ? r.config.model : column === 'kind' ? (r.kind ?? 'train') : r[column]));
  });
  return [CSV_COLUMNS.join(','), ...rows.map((row) => row.join(','))].join('\n') + '\n';
}
