// Small formatting helpers for the studies' markdown summaries.

/** A markdown table. */
export function markdownTable(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** A signed number of points ("+2.1", "-0.4"). */
export function signed(value: number, digits = 1): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

/** Seconds as "12.3 s" or "4 min 05 s". */
export function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** The list of runs that did not finish, as a markdown paragraph (empty when none). */
export function failuresNote<C>(failed: readonly { reason?: string; config: unknown }[], describe: (config: C) => string): string {
  if (!failed.length) return '';
  const lines = failed.map((r) => `- ${describe(r.config as C)}: ${r.reason ?? 'failed'}`);
  return ['', `**${failed.length} run(s) did not finish** and are left out of the measurements:`, ...lines].join('\n');
}

/** "a, b and c". */
export function andList(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
}
