// One live figure: a Vega-Lite spec rendered as SVG by vega's View API (the same
// spec the CLI renders to SVG/PNG), with tooltips on every mark, redrawn with each
// new spec, and downloadable as SVG or PNG.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { FigureSpec } from '../../src/plot/spec.js';
import { download } from './downloads.js';

export class FigureView {
  readonly element = document.createElement('figure');
  private readonly plot = document.createElement('div');
  private view: vega.View | undefined;
  /** Renders in order; only the latest spec waiting is drawn. */
  private drawing: Promise<void> = Promise.resolve();
  private next: FigureSpec | undefined;

  constructor(readonly name: string) {
    this.element.className = 'figure';
    this.element.dataset.figure = name;
    this.plot.className = 'plot';
    const actions = document.createElement('div');
    actions.className = 'figure-actions';
    actions.append(this.button('SVG', () => this.saveSvg()), this.button('PNG', () => this.savePng()));
    this.element.append(this.plot, actions);
  }

  /** Draws `spec` (after any drawing in progress); resolves when it is on the page. */
  render(spec: FigureSpec): Promise<void> {
    const first = this.next === undefined;
    this.next = spec;
    if (first) this.drawing = this.drawing.then(() => this.drawLatest()).catch((error) => console.error(error));
    return this.drawing;
  }

  dispose(): void {
    this.view?.finalize();
    this.element.remove();
  }

  private async drawLatest(): Promise<void> {
    const spec = this.next!;
    this.next = undefined;
    const config = (spec.config ?? {}) as Record<string, unknown>;
    const { spec: compiled } = compile({ ...spec, config: { ...config, mark: { ...(config.mark as object), tooltip: true } } } as FigureSpec);
    // A fresh host per drawing, swapped in when drawn: no flash of an empty figure.
    const host = document.createElement('div');
    const view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: host, hover: true });
    await view.runAsync();
    this.plot.replaceChildren(host);
    this.view?.finalize();
    this.view = view;
  }

  private button(text: string, action: () => Promise<void>): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = text;
    button.title = `download ${this.name} as ${text}`;
    button.addEventListener('click', () => void action());
    return button;
  }

  private async saveSvg(): Promise<void> {
    if (this.view) download(`${this.name}.svg`, await this.view.toSVG(), 'image/svg+xml');
  }

  private async savePng(): Promise<void> {
    if (!this.view) return;
    const url = await this.view.toImageURL('png', 2);
    download(`${this.name}.png`, await (await fetch(url)).blob(), 'image/png');
  }
}
