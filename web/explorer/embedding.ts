// A 2-D UMAP embedding (umap-js) of a few thousand training examples coloured by
// class, of the explorer's dataset or of its spatially shuffled copy. Computed on
// demand (seconds, not a slider's milliseconds), with a seeded random source so the
// same arguments give the same picture.
import { UMAP } from 'umap-js';
import { makeDataset } from '../../src/data/generator.js';
import type { DatasetArgs } from '../../src/data/types.js';
import { CLASS_COLOURS } from './line-plots.js';

const EXAMPLES = 2000;

/** mulberry32: a small seeded generator of floats in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Embedding {
  private computing = false;

  constructor(
    private readonly ui: { run: HTMLButtonElement; shuffled: HTMLInputElement; canvas: HTMLCanvasElement; status: HTMLElement },
    private readonly args: () => DatasetArgs,
  ) {
    ui.run.addEventListener('click', () => void this.compute());
  }

  async compute(): Promise<void> {
    if (this.computing) return;
    this.computing = true;
    this.ui.run.disabled = true;
    try {
      const shuffled = this.ui.shuffled.checked;
      const data = await makeDataset({ ...this.args(), shuffleSeq: shuffled });
      const F = data.args.finalSeqLength;
      const n = Math.min(EXAMPLES, data.y.length);
      const rows = Array.from({ length: n }, (_, i) => Array.from(data.x.subarray(i * F, (i + 1) * F)));
      const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random: seededRandom(1) });
      const started = performance.now();
      const epochs = umap.initializeFit(rows);
      for (let epoch = 0; epoch < epochs; epoch++) {
        umap.step();
        if (epoch % 25 === 0 || epoch === epochs - 1) {
          this.draw(umap.getEmbedding(), data.y);
          this.ui.status.textContent = `${n} ${shuffled ? 'shuffled ' : ''}training examples, epoch ${epoch + 1} / ${epochs}`;
          await new Promise((resolve) => setTimeout(resolve)); // lets the page paint and stay responsive
        }
      }
      this.ui.status.textContent = `${n} ${shuffled ? 'spatially shuffled ' : ''}training examples, UMAP in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    } catch (error) {
      this.ui.status.textContent = (error as Error).message;
    } finally {
      this.computing = false;
      this.ui.run.disabled = false;
    }
  }

  private draw(points: number[][], labels: Int32Array): void {
    const canvas = this.ui.canvas;
    canvas.hidden = false;
    const size = Math.min(canvas.parentElement!.clientWidth, 520);
    const ratio = window.devicePixelRatio || 1;
    canvas.style.width = canvas.style.height = `${size}px`;
    canvas.width = canvas.height = Math.round(size * ratio);
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size, size);
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const pad = 8;
    const scale = (size - 2 * pad) / Math.max(x1 - x0, y1 - y0, 1e-9);
    points.forEach(([x, y], i) => {
      ctx.fillStyle = CLASS_COLOURS[labels[i]];
      ctx.fillRect(pad + (x - x0) * scale - 1.5, pad + (y - y0) * scale - 1.5, 3, 3);
    });
  }
}
