// Vega-Lite spec -> SVG text, headless (a vega View with renderer 'none').
// Works in Node and in a browser; file output lives in files.ts (Node only).
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { FigureSpec } from './spec.js';
import { useDejaVuWidths } from './text-width.js';

useDejaVuWidths();

/** Renders a spec to a standalone SVG document. */
export async function renderSvg(spec: FigureSpec): Promise<string> {
  const { spec: vgSpec } = compile(spec);
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
