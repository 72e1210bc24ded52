// MT19937 with numpy's legacy RandomState draws (see ../shared/spec/GENERATOR.md §1-2).
// One instance = one numpy `np.random.seed(s)` stream. Used by the generator
// (float64 data) and by the engine (weight init, batch order, pruning masks).

const N: i32 = 624;
const M: i32 = 397;

export class MT19937 {
  private mt: StaticArray<u32> = new StaticArray<u32>(N);
  private pos: i32 = N;
  private hasGauss: bool = false;
  private gaussValue: f64 = 0.0;

  constructor(seed: u32) {
    this.seed(seed);
  }

  /** numpy legacy seeding (init_genrand); clears the gauss cache. */
  seed(s: u32): void {
    const mt = this.mt;
    unchecked((mt[0] = s));
    for (let i = 1; i < N; i++) {
      const prev = unchecked(mt[i - 1]);
      unchecked((mt[i] = 1812433253 * (prev ^ (prev >>> 30)) + <u32>i));
    }
    this.pos = N;
    this.hasGauss = false;
    this.gaussValue = 0.0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (unchecked(mt[i]) & 0x80000000) | (unchecked(mt[(i + 1) % N]) & 0x7fffffff);
      let v = unchecked(mt[(i + M) % N]) ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      unchecked((mt[i] = v));
    }
    this.pos = 0;
  }

  /** genrand_int32 with tempering. */
  nextU32(): u32 {
    if (this.pos >= N) this.twist();
    let y = unchecked(this.mt[this.pos++]);
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  /** random_sample(): 53-bit double in [0, 1). */
  rand(): f64 {
    const a = <f64>(this.nextU32() >>> 5);
    const b = <f64>(this.nextU32() >>> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** Legacy polar gauss with its persistent one-value cache. */
  gauss(): f64 {
    if (this.hasGauss) {
      this.hasGauss = false;
      const t = this.gaussValue;
      this.gaussValue = 0.0;
      return t;
    }
    let x1: f64, x2: f64, r2: f64;
    do {
      x1 = 2.0 * this.rand() - 1.0;
      x2 = 2.0 * this.rand() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    const f = Math.sqrt((-2.0 * gaussLog(r2)) / r2);
    this.gaussValue = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** Uniform integer in [0, max] by masked rejection (numpy random_interval). */
  interval(max: u32): u32 {
    if (max == 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let v: u32;
    do {
      v = this.nextU32() & mask;
    } while (v > max);
    return v;
  }

  /** randint(low, high), high exclusive; draws nothing when high - low == 1. Caller ensures high > low. */
  randint(low: i32, high: i32): i32 {
    return low + <i32>this.interval(<u32>(high - 1 - low));
  }

  /** Legacy Fisher-Yates shuffle from the end of out[0..n) (in place). */
  shuffleI32(out: usize, n: i32): void {
    for (let i = n - 1; i >= 1; i--) {
      const j = <i32>this.interval(<u32>i);
      const pi = out + (<usize>i << 2);
      const pj = out + (<usize>j << 2);
      const t = load<i32>(pi);
      store<i32>(pi, load<i32>(pj));
      store<i32>(pj, t);
    }
  }

  /** permutation(n) written to out[0..n) as i32. */
  permutation(out: usize, n: i32): void {
    for (let i = 0; i < n; i++) store<i32>(out + (<usize>i << 2), i);
    this.shuffleI32(out, n);
  }
}

/** The log used by gauss(); the generator may swap in an exact glibc-FMA port. */
// @ts-ignore: decorator
@inline function gaussLog(x: f64): f64 {
  return Math.log(x);
}
