// Node only: writes a figure as SVG, PNG (rasterised from that SVG by resvg)
// and the Vega-Lite spec JSON (for live rendering in a browser), the three
// atomically (io/atomic-write.ts): all complete, or none under its final name.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFilesAtomic } from '../io/atomic-write.js';
import { renderSvg } from './svg.js';
import type { Figure } from './spec.js';

/** SVG -> PNG at `scale` times the SVG's pixel size, with the system's fonts (resvg loads with the first PNG). */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

export interface WrittenFigure {
  name: string;
  svg: string; // paths
  png: string;
  spec: string;
}

/** Writes <dir>/<name>.svg, .png and .vl.json. */
export async function writeFigure(dir: string, figure: Figure): Promise<WrittenFigure> {
  await mkdir(dir, { recursive: true });
  const svgText = await renderSvg(figure.spec);
  const paths = {
    name: figure.name,
    svg: join(dir, `${figure.name}.svg`),
    png: join(dir, `${figure.name}.png`),
    spec: join(dir, `${figure.name}.vl.json`),
  };
  await writeFilesAtomic([
    { path: paths.svg, data: svgText },
    { path: paths.png, data: await svgToPng(svgText) },
    { path: paths.spec, data: JSON.stringify(figure.spec, null, 1) + '\n' },
  ]);
  return paths;
}
