// mnist1d/data.py make_dataset() (GENERATOR.md §7) plus the double-descent
// notebook's label noise, which continues the same random stream.
import { MT19937 } from "../rng";
import { allocF64, allocI32, getF64, getI32, setF64, setI32 } from "./f64";
import { npMean, npStd } from "./numpy";
import { TEMPLATE_POINTS, writeTemplates } from "./templates";
import { Transformer } from "./transform";
import { normalise } from "./vec";

/** Byte offsets of the pointers in the header makeDataset returns. */
export const RESULT_X = 0; // f64 (N, F) row-major, normalised, in permuted order
export const RESULT_Y = 4; // i32 (N): labels; the first nTrain after label noise
export const RESULT_T = 8; // f64 (F)
export const RESULT_TEMPLATES_X = 12; // f64 (10, 12)
export const RESULT_TEMPLATES_T = 16; // f64 (12)

/**
 * Generates N = 10 * (numSamples / 10) examples. Callers validate the
 * arguments (see src/data/args.ts); nothing here checks them again.
 */
export function makeDataset(
  numSamples: i32,
  templateLen: i32,
  padLo: i32,
  padHi: i32,
  scaleCoeff: f64,
  maxTranslation: i32,
  corrNoiseScale: f64,
  iidNoiseScale: f64,
  shearScale: f64,
  shuffleSeq: bool,
  finalSeqLength: i32,
  seed: u32,
  nTrain: i32,
  labelNoise: f64,
): usize {
  const F = finalSeqLength;
  const templatesX = allocF64(10 * TEMPLATE_POINTS);
  const templatesT = allocF64(TEMPLATE_POINTS);
  writeTemplates(templatesX, templatesT);
  const rng = new MT19937(seed);
  const transformer = new Transformer(templateLen, padLo, padHi, scaleCoeff, maxTranslation, corrNoiseScale, iidNoiseScale, shearScale, F);

  // examples in label-major order
  const perClass = numSamples / 10;
  const n = 10 * perClass;
  const total = n * F;
  const raw = allocF64(total);
  for (let label = 0; label < 10; label++) {
    const template = templatesX + (<usize>(label * TEMPLATE_POINTS) << 3);
    for (let e = 0; e < perClass; e++) transformer.run(rng, template, raw + (<usize>((label * perClass + e) * F) << 3));
  }
  const t = allocF64(F);
  transformer.finalGrid(templatesT, t);

  // shuffle the examples, then (optionally) the positions
  const perm = allocI32(n);
  rng.permutation(perm, n);
  const x = allocF64(total);
  const y = allocI32(n);
  const cols = allocI32(F);
  if (shuffleSeq) rng.permutation(cols, F);
  for (let i = 0; i < n; i++) {
    const from = getI32(perm, i);
    setI32(y, i, from / perClass);
    const src = raw + (<usize>(from * F) << 3);
    const dst = x + (<usize>(i * F) << 3);
    if (shuffleSeq) for (let j = 0; j < F; j++) setF64(dst, j, getF64(src, getI32(cols, j)));
    else memory.copy(dst, src, <usize>F << 3);
  }

  // normalise by the mean and std of all values, summed in memory order:
  // xs[..., perm] is F-contiguous, so with shuffleSeq the order is column-major
  let flat = x;
  if (shuffleSeq) {
    flat = raw;
    for (let j = 0; j < F; j++) for (let i = 0; i < n; i++) setF64(flat, j * n + i, getF64(x, i * F + j));
  }
  const mean = npMean(flat, total);
  const std = npStd(flat, total, raw); // overwrites raw (no longer needed)
  normalise(x, total, mean, std);
  for (let j = 0; j < F; j++) setF64(t, j, getF64(t, j) / std);

  if (labelNoise > 0.0) applyLabelNoise(rng, y, nTrain, labelNoise);

  const header = heap.alloc(20);
  store<usize>(header + RESULT_X, x);
  store<usize>(header + RESULT_Y, y);
  store<usize>(header + RESULT_T, t);
  store<usize>(header + RESULT_TEMPLATES_X, templatesX);
  store<usize>(header + RESULT_TEMPLATES_T, templatesT);
  return header;
}

/** The deep-double-descent notebook: for each label in order, if rand() < p, replace it by randint(0, 10). */
export function applyLabelNoise(rng: MT19937, y: usize, n: i32, p: f64): void {
  for (let i = 0; i < n; i++) {
    if (rng.rand() < p) setI32(y, i, rng.randint(0, 10));
  }
}
