// PyTorch's default initialisation of a stack of nn.Linear layers, bit for bit as
// PyTorch (1.13, CPU) draws it after torch.manual_seed(seed): the generator is
// MT19937 seeded with init_genrand(seed); uniform_(from, to) on float32 takes the low
// 24 bits of one 32-bit draw, x = bits · 2^-24, and returns float32(x · (to - from) + from)
// with from, to rounded to float32 (one rounding: x · (to - from) is exact in float64).
// Linear(in, out): weight by kaiming_uniform_(a = sqrt(5)), bound
// sqrt(3) · sqrt(2 / (1 + a²)) / sqrt(in); then bias, bound 1 / sqrt(in).

/** The 32-bit MT19937 stream of init_genrand(seed). */
export function* mt19937(seed: number): Generator<number, never> {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    // 1812433253 * prev + i in 32 bits, without losing the low bits of the product
    mt[i] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i;
  }
  for (;;) {
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    for (let i = 0; i < 624; i++) {
      let y = mt[i];
      y ^= y >>> 11;
      y ^= (y << 7) & 0x9d2c5680;
      y ^= (y << 15) & 0xefc60000;
      y ^= y >>> 18;
      yield y >>> 0;
    }
  }
}

/**
 * The flat parameters of Linear(sizes[0], sizes[1]), Linear(sizes[1], sizes[2]), ...
 * (each weight (out, in) row-major, then its bias) as torch.manual_seed(seed) followed
 * by constructing the layers in order gives them.
 */
export function torchLinearInit(seed: number, sizes: readonly number[]): Float32Array {
  const count = sizes.slice(1).reduce((n, out, i) => n + out * sizes[i] + out, 0);
  const params = new Float32Array(count);
  const draws = mt19937(seed);
  const a = Math.sqrt(5);
  let k = 0;
  const uniform = (n: number, bound: number) => {
    const from = Math.fround(-bound), to = Math.fround(bound);
    for (let i = 0; i < n; i++) {
      const x = (draws.next().value & 0xffffff) * 2 ** -24;
      params[k++] = x * (to - from) + from;
    }
  };
  for (let l = 1; l < sizes.length; l++) {
    const fanIn = sizes[l - 1], out = sizes[l];
    uniform(out * fanIn, Math.sqrt(3) * (Math.sqrt(2 / (1 + a * a)) / Math.sqrt(fanIn)));
    uniform(out, 1 / Math.sqrt(fanIn));
  }
  return params;
}
