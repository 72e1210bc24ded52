// The dataset generator module (float64), see ../shared/spec/GENERATOR.md.
// Each entry point resets the heap first: results stay valid until the next call.
import { MT19937 } from "./rng";
import { makeDataset } from "./data/make-dataset";

export { alloc, resetHeap } from "./memory";

/** make_dataset (+ label noise on the first nTrain labels); returns the result header (see data/make-dataset.ts). */
export function generate(
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
  heap.reset();
  return makeDataset(numSamples, templateLen, padLo, padHi, scaleCoeff, maxTranslation, corrNoiseScale,
    iidNoiseScale, shearScale, shuffleSeq, finalSeqLength, seed, nTrain, labelNoise);
}

/** np.random.seed(seed); np.random.permutation(n) as i32[n]; returns its pointer. */
export function permutation(n: i32, seed: u32): usize {
  heap.reset();
  const out = heap.alloc(<usize>n << 2);
  new MT19937(seed).permutation(out, n);
  return out;
}

/** The first n draws of one kind after np.random.seed(seed), as f64[n] (kind 0 uint32, 1 rand, 2 randn, 3 randint(0, high)). */
export function randomDraws(kind: i32, n: i32, seed: u32, high: i32): usize {
  heap.reset();
  const out = heap.alloc(<usize>n << 3);
  const rng = new MT19937(seed);
  for (let i = 0; i < n; i++) {
    let v: f64;
    if (kind == 0) v = <f64>rng.nextU32();
    else if (kind == 1) v = rng.rand();
    else if (kind == 2) v = rng.gauss();
    else v = <f64>rng.randint(0, high);
    store<f64>(out + (<usize>i << 3), v);
  }
  return out;
}
