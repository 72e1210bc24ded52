// The meta-learning notebook's smoothing noise, drawn from one seeded stream as
// torch.rand draws it: MT19937 (init_genrand(seed)), a float32 uniform u from the low
// 24 bits of each 32-bit draw, and the value amplitude · (2u - 1), rounded to float32.
// Each inner step draws g's hidden-layer noise (G values) and then the classifier's
// (H values), in that order, as the notebook's forward pass does; a run of K inner
// steps takes K · (G + H) draws, and the next run continues the stream.
import { mt19937 } from './torch-init.js';

/** The noise of one inner loop, flat by step: what MetaSession's `noise` option takes. */
export interface InnerLoopNoise {
  /** K · H values: step t's classifier noise at [t·H, (t+1)·H). */
  inner: Float32Array;
  /** K · G values: step t's noise of g's hidden layer at [t·G, (t+1)·G). */
  activation: Float32Array;
}

export class NoiseStream {
  private readonly draws: Generator<number, never>;

  constructor(seed: number, private readonly amplitude: number) {
    this.draws = mt19937(seed);
  }

  /** The next inner loop's noise: `steps` steps, `hidden` classifier units, `activationHidden` units of g. */
  next(steps: number, hidden: number, activationHidden: number): InnerLoopNoise {
    const inner = new Float32Array(steps * hidden);
    const activation = new Float32Array(steps * activationHidden);
    for (let t = 0; t < steps; t++) {
      for (let j = 0; j < activationHidden; j++) activation[t * activationHidden + j] = this.value();
      for (let i = 0; i < hidden; i++) inner[t * hidden + i] = this.value();
    }
    return { inner, activation };
  }

  private value(): number {
    const u = (this.draws.next().value & 0xffffff) * 2 ** -24;
    return this.amplitude * (2 * u - 1);
  }
}
