// PyTorch's default initialisation, drawn from a per-run MT19937: every float of a
// parameter tensor is U(-bound, bound) = bound * (2u - 1), u = random_sample(), in
// flat order, tensors in parameter order. Linear/Conv1d weights AND biases use
// bound = 1/sqrt(fan_in) (fan_in = in features, or in channels * kernel size);
// GRU tensors use 1/sqrt(hidden). Same seed, same weights on every platform.
import { MT19937 } from "../rng";

/**
 * Fills the parameter tensors described by `count` records at `specs`, each
 * (offset in bytes from base: i32, length in floats: i32, bound: f64), from seed `seed`.
 */
export function initUniform(seed: u32, specs: usize, count: i32, base: usize): void {
  const rng = new MT19937(seed);
  for (let s = 0; s < count; s++) {
    const rec = specs + <usize>s * 16;
    const p = base + <usize>load<i32>(rec);
    const n = load<i32>(rec, 4);
    const bound = load<f64>(rec, 8);
    for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), <f32>(bound * (2 * rng.rand() - 1)));
  }
}
