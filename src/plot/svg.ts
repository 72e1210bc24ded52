// Vega-Lite spec -> SVG text, headless (a vega View with renderer 'none').
// Works in Node and in a browser; file output lives in files.ts (Node only).
// vega and vega-lite load with the first figure: a sweep's workers and a process
// that draws nothing do not hold them (about 25 MB).
import type { FigureSpec } from './spec.js';
import { useDejaVuWidths } from './text-width.js';

let renderer: Promise<{ vega: typeof import('vega'); compile: typeof import('vega-lite').compile }> | undefined;

function loadRenderer() {
  renderer ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => {
    useDejaVuWidths(vega);
    return { vega, compile: vegaLite.compile };
  });
  return renderer;
}

/** Renders a spec to a standalone SVG document. */
export async function renderSvg(spec: FigureSpec): Promise<string> {
  const { vega, compile } = await loadRenderer();
  const { spec: vgSpec } = compile(spec);
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
