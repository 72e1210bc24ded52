// The page's figures, by name: each a FigureView kept across redraws (so a live
// figure updates in place), added when a new name appears, removed when gone.
import type { Figure } from '../../src/plot/spec.js';
import { FigureView } from './figure-view.js';

export class FiguresPanel {
  private readonly views = new Map<string, FigureView>();
  /** Renders done, per figure name (the tests watch a figure update while a study runs). */
  readonly renders = new Map<string, number>();

  constructor(private readonly host: HTMLElement) {}

  get width(): number {
    return this.host.clientWidth || 800;
  }

  /** Shows exactly these figures, in this order. */
  show(figures: readonly Figure[]): Promise<void> {
    const names = new Set(figures.map((f) => f.name));
    for (const [name, view] of this.views) if (!names.has(name)) (view.dispose(), this.views.delete(name));
    return Promise.all(
      figures.map((figure) => {
        let view = this.views.get(figure.name);
        if (!view) this.views.set(figure.name, (view = new FigureView(figure.name)));
        this.host.append(view.element); // keeps the given order
        return view.render(figure.spec).then(() => void this.renders.set(figure.name, (this.renders.get(figure.name) ?? 0) + 1));
      }),
    ).then(() => undefined);
  }
}
