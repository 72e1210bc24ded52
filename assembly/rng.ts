// MT19937 with numpy's legacy RandomState draws (see ../shared/spec/GENERATOR.md §1-2).
// One instance = one numpy `np.random.seed(s)` stream. Used by the generator
// (float64 data) and by the engine (weight init, batch order, pruning masks).

import { logGlibcFma, logGlibcFma2 } from "./log-glibc-fma";

const N: i32 = 624;
const M: i32 = 397;

const UPPER: u32 = 0x80000000;
const LOWER: u32 = 0x7fffffff;
const MATRIX_A: u32 = 0x9908b0df;

export class MT19937 {
  private mt: StaticArray<u32> = new StaticArray<u32>(N); // the state words
  private out: StaticArray<u32> = new StaticArray<u32>(N); // the state words tempered: the next outputs
  private pos: i32 = N;
  private hasGauss: bool = false;
  private gaussValue: f64 = 0.0;
  private x1: f64 = 0.0; // the last polar point
  private x2: f64 = 0.0;
  private points: usize = 0; // fillGauss scratch: x1, x2 and r2 of `capacity` pairs
  private capacity: i32 = 0;

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

  /**
   * The in-place regeneration of the reference code, four words at a time:
   * word i reads words i+1 (not yet updated) and i+M mod N (updated already
   * when i >= N-M, at a distance of N-M = 227 >= 4), so lanes never depend on
   * each other. Each new word is also tempered into `out`.
   */
  private refill(): void {
    const mt = changetype<usize>(this.mt);
    const out = changetype<usize>(this.out);
    let i = 0;
    for (; i + 4 <= N - M; i += 4) twist4(mt, out, i, i + M);
    for (; i < N - M; i++) twist1(mt, out, i, i + 1, i + M);
    for (; i + 4 <= N - 1; i += 4) twist4(mt, out, i, i + M - N);
    for (; i < N - 1; i++) twist1(mt, out, i, i + 1, i + M - N);
    twist1(mt, out, N - 1, 0, M - 1);
    this.pos = 0;
  }

  /** genrand_int32 with tempering. */
  // @ts-ignore: decorator
  @inline nextU32(): u32 {
    if (this.pos >= N) this.refill();
    return unchecked(this.out[this.pos++]);
  }

  /** random_sample(): 53-bit double in [0, 1). */
  // @ts-ignore: decorator
  @inline rand(): f64 {
    const a = this.nextU32(); // drawn first
    return randomDouble(a, this.nextU32());
  }

  /** Legacy polar gauss with its persistent one-value cache (log as glibc's FMA build, like numpy on x86-64). */
  gauss(): f64 {
    if (this.hasGauss) {
      this.hasGauss = false;
      const t = this.gaussValue;
      this.gaussValue = 0.0;
      return t;
    }
    const r2 = this.polarPoint();
    const f = Math.sqrt((-2.0 * logGlibcFma(r2)) / r2);
    this.gaussValue = f * this.x1;
    this.hasGauss = true;
    return f * this.x2;
  }

  /**
   * out[i] = scale * gauss() for i < n: the same draws, values and cache as n
   * gauss() calls. All polar points are drawn first; then the logs run two at
   * a time in one loop without the rejection branch.
   */
  fillGauss(out: usize, n: i32, scale: f64): void {
    let i = 0;
    if (n > 0 && this.hasGauss) {
      store<f64>(out, scale * this.gaussValue);
      this.hasGauss = false;
      this.gaussValue = 0.0;
      i = 1;
    }
    const pairs = (n - i + 1) >> 1;
    if (pairs > this.capacity) {
      this.points = heap.alloc(<usize>pairs * 24);
      this.capacity = pairs;
    }
    // points: x1[capacity], x2[capacity], r2[capacity]
    const px1 = this.points;
    const px2 = px1 + (<usize>this.capacity << 3);
    const pr2 = px2 + (<usize>this.capacity << 3);
    // Polar points, four words per try read straight from the tempered block;
    // a try stores its point and keeps it only when accepted (no branch).
    const words = changetype<usize>(this.out);
    let pos = this.pos;
    for (let p = 0; p < pairs; ) {
      let x1: f64, x2: f64;
      if (pos <= N - 4) {
        const w = words + (<usize>pos << 2);
        x1 = 2.0 * randomDouble(load<u32>(w), load<u32>(w, 4)) - 1.0;
        x2 = 2.0 * randomDouble(load<u32>(w, 8), load<u32>(w, 12)) - 1.0;
        pos += 4;
      } else {
        // the try straddles a regeneration
        this.pos = pos;
        x1 = 2.0 * this.rand() - 1.0;
        x2 = 2.0 * this.rand() - 1.0;
        pos = this.pos;
      }
      const r2 = x1 * x1 + x2 * x2;
      const at = <usize>p << 3;
      store<f64>(px1 + at, x1);
      store<f64>(px2 + at, x2);
      store<f64>(pr2 + at, r2);
      p += <i32>(r2 < 1.0) & <i32>(r2 != 0.0);
    }
    this.pos = pos;
    // f = sqrt(-2 log(r2) / r2); the pair gives f*x2, then f*x1 (cached when n is reached)
    const s = f64x2.splat(scale);
    let p = 0;
    for (; p + 1 < pairs && i + 3 < n; p += 2, i += 4) {
      const at = <usize>p << 3;
      const r2 = v128.load(pr2 + at);
      const f = f64x2.sqrt(f64x2.div(f64x2.mul(f64x2.splat(-2.0), logGlibcFma2(r2)), r2));
      const first = f64x2.mul(s, f64x2.mul(f, v128.load(px2 + at)));
      const second = f64x2.mul(s, f64x2.mul(f, v128.load(px1 + at)));
      v128.store(out + (<usize>i << 3), v128.shuffle<f64>(first, second, 0, 2));
      v128.store(out + (<usize>i << 3), v128.shuffle<f64>(first, second, 1, 3), 16);
    }
    for (; p < pairs; p++, i += 2) {
      const at = <usize>p << 3;
      const r2 = load<f64>(pr2 + at);
      const f = Math.sqrt((-2.0 * logGlibcFma(r2)) / r2);
      store<f64>(out + (<usize>i << 3), scale * (f * load<f64>(px2 + at)));
      const cached = f * load<f64>(px1 + at);
      if (i + 1 < n) {
        store<f64>(out + (<usize>(i + 1) << 3), scale * cached);
      } else {
        this.gaussValue = cached;
        this.hasGauss = true;
      }
    }
  }

  /** A uniform point of the open unit disk minus the origin (x1, x2 in fields); returns r2 = x1*x1 + x2*x2. */
  // @ts-ignore: decorator
  @inline private polarPoint(): f64 {
    let x1: f64, x2: f64, r2: f64;
    do {
      x1 = 2.0 * this.rand() - 1.0;
      x2 = 2.0 * this.rand() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    this.x1 = x1;
    this.x2 = x2;
    return r2;
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

/** np.random.seed(seed); np.random.permutation(n), written to out[0..n) as i32 (both wasm modules export it). */
export function seededPermutation(out: usize, n: i32, seed: u32): void {
  new MT19937(seed).permutation(out, n);
}

/** random_sample() from two consecutive outputs: ((a >> 5) * 2^26 + (b >> 6)) / 2^53, formed as one exact integer. */
// @ts-ignore: decorator
@inline function randomDouble(a: u32, b: u32): f64 {
  return <f64>(<i64>(((<u64>(a >>> 5)) << 26) | <u64>(b >>> 6))) / 9007199254740992.0;
}

// @ts-ignore: decorator
@inline function twist1(mt: usize, out: usize, i: i32, next: i32, far: i32): void {
  const y = (load<u32>(mt + (<usize>i << 2)) & UPPER) | (load<u32>(mt + (<usize>next << 2)) & LOWER);
  let v = load<u32>(mt + (<usize>far << 2)) ^ (y >>> 1) ^ ((0 - (y & 1)) & MATRIX_A);
  store<u32>(mt + (<usize>i << 2), v);
  v ^= v >>> 11;
  v ^= (v << 7) & 0x9d2c5680;
  v ^= (v << 15) & 0xefc60000;
  v ^= v >>> 18;
  store<u32>(out + (<usize>i << 2), v);
}

/** twist1 for words i..i+3 (next = i+1..i+4). */
// @ts-ignore: decorator
@inline function twist4(mt: usize, out: usize, i: i32, far: i32): void {
  const p = mt + (<usize>i << 2);
  const y = v128.or(v128.and(v128.load(p), i32x4.splat(UPPER)), v128.and(v128.load(p, 4), i32x4.splat(LOWER)));
  const odd = i32x4.sub(i32x4.splat(0), v128.and(y, i32x4.splat(1)));
  let v = v128.xor(v128.xor(v128.load(mt + (<usize>far << 2)), i32x4.shr_u(y, 1)), v128.and(odd, i32x4.splat(MATRIX_A)));
  v128.store(p, v);
  v = v128.xor(v, i32x4.shr_u(v, 11));
  v = v128.xor(v, v128.and(i32x4.shl(v, 7), i32x4.splat(0x9d2c5680)));
  v = v128.xor(v, v128.and(i32x4.shl(v, 15), i32x4.splat(0xefc60000)));
  v = v128.xor(v, i32x4.shr_u(v, 18));
  v128.store(out + (<usize>i << 2), v);
}
