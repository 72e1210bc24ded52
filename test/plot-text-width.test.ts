// Figures are as wide as what they draw: headless layout measures text in DejaVu Sans
// (the PNGs' font), not at vega's 0.8 em per character; and the spatial-priors figure
// keeps both reference marks visible when their values are equal.
import { describe, expect, it } from 'vitest';
import { getStudy } from '../src/experiments/index.js';
import { figure } from '../src/plot/spec.js';
import { renderSvg } from '../src/plot/svg.js';
import { textWidth } from '../src/plot/text-width.js';

const svgWidth = (svg: string) => Number(/<svg[^>]* width="(\d+)"/.exec(svg)![1]);

describe('figure layout', () => {
  it('leaves no blank space right of a long subtitle', async () => {
    const subtitle = 'rewound and retrained on a fresh dataset (seed + 1), plain and spatially shuffled; mean over trials';
    const spec = figure({ title: { text: 'The ticket on new data', subtitle }, width: 200, height: 100, data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } });
    const width = svgWidth(await renderSvg(spec));
    const drawn = textWidth({ fontSize: 12 }, subtitle);
    expect(drawn).toBeGreaterThan(0.6 * 12 * subtitle.length * 0.8); // DejaVu Sans averages about 0.55 em here
    expect(width).toBeLessThan(drawn + 2 * 12 + 80); // the subtitle, the padding and the y axis at most
    expect(width).toBeLessThan(0.8 * 12 * subtitle.length); // vega's own guess made it this wide
  });

  it('measures bold text wider and caps a label at its limit', () => {
    expect(textWidth({ fontSize: 10, fontWeight: 'bold' }, 'Model')).toBeGreaterThan(textWidth({ fontSize: 10 }, 'Model'));
    expect(textWidth({ fontSize: 10, limit: 20 }, 'a long legend label')).toBe(20);
  });

  it('draws the PyTorch reference of spatial priors over the paper mark, as a line across the bar', () => {
    const study = getStudy('spatial-priors');
    const [{ spec }] = study.figures([]) as { spec: { layer: { mark: { type: string; shape?: string } }[] } }[];
    const marks = spec.layer.map((layer) => layer.mark);
    const paper = marks.findIndex((m) => m.type === 'point' && m.shape === 'triangle-down');
    const torch = marks.findIndex((m) => m.type === 'tick');
    expect(paper).toBeGreaterThan(0);
    expect(torch).toBeGreaterThan(paper);
  });
});
