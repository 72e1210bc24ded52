// mnist1d/transform.py transform(): one template -> one example (GENERATOR.md §6).
// Random draws, in order: pad rand, scale rand, translation choice (none when
// maxTranslation == 1), L1 gaussians (correlated noise), L1 gaussians (iid
// noise), shear rand. L1 = templateLen + padHi, F = finalSeqLength.
import { MT19937 } from "../rng";
import { allocF64, getF64, setF64 } from "./f64";
import { gaussianFilter, RADIUS } from "./gaussian-filter";
import { interp, InterpPlan, linspace } from "./numpy";
import { TEMPLATE_POINTS } from "./templates";
import { addInto, fillZeros, scaleBy, subtractScaled } from "./vec";

const EPS: f64 = 1e-8;

export class Transformer {
  readonly len1: i32; // L1
  // scratch, sized once
  private src: usize; // the template + eps, then one zero (all of the padding that matters, see run)
  private srcGrid: usize; // the start of linspace(0, 1, 12 + p)
  private grid: usize; // linspace(0, 1, L1)
  private toFinal: InterpPlan; // interpolation from grid (L1) to linspace(0, 1, F)
  private lin: usize; // linspace(-0.5, 0.5, L1)
  private a: usize; // the example being built, L1
  private b: usize; // second L1 buffer (rotation, filtered noise)
  private noise: usize; // L1
  private ext: usize; // L1 + 2 * RADIUS

  constructor(
    templateLen: i32,
    private padLo: i32,
    private padHi: i32,
    private scaleCoeff: f64,
    private maxTranslation: i32,
    private corrNoiseScale: f64,
    private iidNoiseScale: f64,
    private shearScale: f64,
    finalSeqLength: i32,
  ) {
    const L1 = templateLen + padHi;
    const grid = allocF64(L1);
    linspace(grid, 0.0, 1.0, L1);
    const gridF = allocF64(finalSeqLength);
    linspace(gridF, 0.0, 1.0, finalSeqLength);
    this.toFinal = new InterpPlan(gridF, finalSeqLength, grid, L1);
    this.len1 = L1;
    this.src = allocF64(TEMPLATE_POINTS + 1);
    setF64(this.src, TEMPLATE_POINTS, 0.0); // the first padding zero; run() writes the 12 before it
    this.srcGrid = allocF64(TEMPLATE_POINTS + 1);
    this.grid = grid;
    this.lin = allocF64(L1);
    linspace(this.lin, -0.5, 0.5, L1);
    this.a = allocF64(L1);
    this.b = allocF64(L1);
    this.noise = allocF64(L1);
    this.ext = allocF64(L1 + 2 * RADIUS);
  }

  /** The template grid as the examples see it: interpolate(interpolate(t, L1), F) into out (F). */
  finalGrid(templateT: usize, out: usize): void {
    linspace(this.srcGrid, 0.0, 1.0, TEMPLATE_POINTS);
    interp(this.a, this.grid, this.len1, this.srcGrid, templateT, TEMPLATE_POINTS);
    this.toFinal.run(out, this.a);
  }

  /** One example from template (12 values) into out (F values), drawing from rng. */
  run(rng: MT19937, template: usize, out: usize): void {
    const L1 = this.len1;
    let a = this.a;
    let b = this.b;
    // pad: eps first, then p zeros; dilate to L1
    const p = this.padLo + <i32>Math.floor(rng.rand() * <f64>(this.padHi - this.padLo + 1));
    const len = TEMPLATE_POINTS + p;
    const src = this.src;
    for (let i = 0; i < TEMPLATE_POINTS; i++) setF64(src, i, getF64(template, i) + EPS);
    // With p > 0 every point from the first zero (index 12) on interpolates
    // between zeros, to exactly +0: the first 13 points give the same result.
    const used = min(len, TEMPLATE_POINTS + 1);
    linspace(this.srcGrid, 0.0, 1.0, len, used);
    interp(a, this.grid, L1, this.srcGrid, src, used);
    // scale
    scaleBy(a, L1, 1.0 + this.scaleCoeff * (rng.rand() - 0.5));
    // translate: concatenate([a[-k:], a[:-k]]), an identity for k == 0 and k >= L1
    const k = rng.randint(0, this.maxTranslation);
    if (k > 0 && k < L1) {
      memory.copy(b, a + (<usize>(L1 - k) << 3), <usize>k << 3);
      memory.copy(b + (<usize>k << 3), a, <usize>(L1 - k) << 3);
      const swap = a;
      a = b;
      b = swap;
    }
    // correlated noise where the signal is exactly zero
    const noise = this.noise;
    rng.fillGauss(noise, L1, this.corrNoiseScale);
    gaussianFilter(b, noise, L1, this.ext);
    fillZeros(a, b, L1);
    // iid noise
    rng.fillGauss(noise, L1, this.iidNoiseScale);
    addInto(a, noise, L1);
    // shear
    subtractScaled(a, this.lin, this.shearScale * (rng.rand() - 0.5), L1);
    this.toFinal.run(out, a);
  }
}
