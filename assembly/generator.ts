// The dataset generator module (float64), see ../shared/spec/GENERATOR.md.
// Each entry point starts from an empty heap (generate and seededPermutation: the host
// resets it first): results stay valid until the next call.
import { MT19937 } from "./rng";

export { alloc, resetHeap } from "./memory";
export { seededPermutation } from "./rng";

/** make_dataset (+ label noise on the first nTrain labels); the host resets the heap first. */
export { makeDataset as generate } from "./data/make-dataset";

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
