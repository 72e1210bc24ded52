// Vega-Lite figure specs as plain data: the same spec renders headless to SVG
// in Node (svg.ts) and live in a browser (vega-embed). Pure, no Node APIs.
import type { TopLevelSpec } from 'vega-lite';

export type FigureSpec = TopLevelSpec;

/** A named figure of a study: written as <name>.svg, <name>.png and <name>.vl.json. */
export interface Figure {
  name: string;
  spec: FigureSpec;
}

/** Colours shared by every figure, so a method keeps its colour across studies. */
export const palette = {
  train: '#4c78a8',
  test: '#e45756',
  ours: '#4c78a8',
  oursShuffled: '#9ecae9',
  torch: '#222222',
  paper: '#f58518',
  lottery: '#e45756',
  random: '#4c78a8',
  dense: '#54a24b',
} as const;

/** House style: readable fonts at 2x PNG scale, white background, legends below long titles. */
const config = {
  background: 'white',
  font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif',
  padding: 12,
  title: { fontSize: 16, anchor: 'start', offset: 10, subtitleFontSize: 12, subtitleColor: '#555' },
  axis: { labelFontSize: 12, titleFontSize: 13, grid: true, gridColor: '#e8e8e8' },
  legend: { labelFontSize: 12, titleFontSize: 13, symbolSize: 120 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  view: { stroke: '#bbb' },
  line: { strokeWidth: 2 },
  point: { size: 45, filled: true },
} as const;

/** Adds the schema URL and the house config to a spec. */
export function figure(spec: Record<string, unknown>): FigureSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...spec,
    config: { ...config, ...((spec.config as object | undefined) ?? {}) },
  } as FigureSpec;
}

/** A colour scale for a fixed list of series, in the given order. */
export function seriesScale(domain: readonly string[], range: readonly string[]) {
  return { domain: [...domain], range: [...range] };
}

/** Rounds a metric for a figure's inline data (keeps specs small and diffs stable). */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
