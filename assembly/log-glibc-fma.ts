// glibc's log (sysdeps/ieee754/dbl-64/e_log.c, glibc 2.28+) as its x86-64 FMA
// build (__ieee754_log_fma) computes it, bit for bit. numpy's gauss() calls this
// log on FMA machines, so the reference datasets depend on it (GENERATOR.md §11).
// WebAssembly has no scalar fma: fmaExact() emulates a correctly rounded one.
// The fused operations below are exactly those of the compiled glibc 2.36
// function (read from its disassembly); products that are exact in binary64
// (k*Ln2hi, r*2^27, rhi*rhi*-0.5) are left unfused since fusing changes nothing.
// Checked against glibc's own log() on 16 million inputs (uniform, gauss() r2,
// near 1, random bit patterns incl. subnormals): identical, scalar and paired.

// Veltkamp splitter: 2^27 + 1.
const SPLIT: f64 = 134217729.0;

/** Low part of the last twoProduct: a*b == product + twoProductLow, exactly. */
let twoProductLow: f64 = 0.0;

// @ts-ignore: decorator
@inline function twoProduct(a: f64, b: f64): f64 {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  twoProductLow = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

/** a*b + c with a single rounding (Boldo & Melquiond: exact product, exact sum, round-to-odd residue). */
function fmaExact(a: f64, b: f64, c: f64): f64 {
  const ph = twoProduct(a, b);
  const pl = twoProductLow;
  // c + ph = sh + sl exactly (TwoSum)
  const sh = c + ph;
  let bb = sh - c;
  const sl = (c - (sh - bb)) + (ph - bb);
  // v = sl + pl rounded to odd: if inexact and round-to-nearest gave an even
  // significand, step one ulp towards the exact value.
  const v = sl + pl;
  bb = v - sl;
  const err = (sl - (v - bb)) + (pl - bb);
  let bits = reinterpret<u64>(v);
  if (err != 0.0 && (bits & 1) == 0) bits += (err > 0.0) == (v > 0.0) ? 1 : <u64>-1;
  return sh + reinterpret<f64>(bits);
}

// Table: invc, logc for 128 subintervals (identical to glibc's __log_data.tab).
// @ts-ignore: decorator
@lazy const LOG_TAB = memory.data<u64>([
  0x3FF734F0C3E0DE9F, 0xBFD7CC7F79E69000,
  0x3FF713786A2CE91F, 0xBFD76FEEC20D0000,
  0x3FF6F26008FAB5A0, 0xBFD713E31351E000,
  0x3FF6D1A61F138C7D, 0xBFD6B85B38287800,
  0x3FF6B1490BC5B4D1, 0xBFD65D5590807800,
  0x3FF69147332F0CBA, 0xBFD602D076180000,
  0x3FF6719F18224223, 0xBFD5A8CA86909000,
  0x3FF6524F99A51ED9, 0xBFD54F4356035000,
  0x3FF63356AA8F24C4, 0xBFD4F637C36B4000,
  0x3FF614B36B9DDC14, 0xBFD49DA7FDA85000,
  0x3FF5F66452C65C4C, 0xBFD445923989A800,
  0x3FF5D867B5912C4F, 0xBFD3EDF439B0B800,
  0x3FF5BABCCB5B90DE, 0xBFD396CE448F7000,
  0x3FF59D61F2D91A78, 0xBFD3401E17BDA000,
  0x3FF5805612465687, 0xBFD2E9E2EF468000,
  0x3FF56397CEE76BD3, 0xBFD2941B3830E000,
  0x3FF54725E2A77F93, 0xBFD23EC58CDA8800,
  0x3FF52AFF42064583, 0xBFD1E9E129279000,
  0x3FF50F22DBB2BDDF, 0xBFD1956D2B48F800,
  0x3FF4F38F4734DED7, 0xBFD141679AB9F800,
  0x3FF4D843CFDE2840, 0xBFD0EDD094EF9800,
  0x3FF4BD3EC078A3C8, 0xBFD09AA518DB1000,
  0x3FF4A27FC3E0258A, 0xBFD047E65263B800,
  0x3FF4880524D48434, 0xBFCFEB224586F000,
  0x3FF46DCE1B192D0B, 0xBFCF474A7517B000,
  0x3FF453D9D3391854, 0xBFCEA4443D103000,
  0x3FF43A2744B4845A, 0xBFCE020D44E9B000,
  0x3FF420B54115F8FB, 0xBFCD60A22977F000,
  0x3FF40782DA3EF4B1, 0xBFCCC00104959000,
  0x3FF3EE8F5D57FE8F, 0xBFCC202956891000,
  0x3FF3D5D9A00B4CE9, 0xBFCB81178D811000,
  0x3FF3BD60C010C12B, 0xBFCAE2C9CCD3D000,
  0x3FF3A5242B75DAB8, 0xBFCA45402E129000,
  0x3FF38D22CD9FD002, 0xBFC9A877681DF000,
  0x3FF3755BC5847A1C, 0xBFC90C6D69483000,
  0x3FF35DCE49AD36E2, 0xBFC87120A645C000,
  0x3FF34679984DD440, 0xBFC7D68FB4143000,
  0x3FF32F5CCEFFCB24, 0xBFC73CB83C627000,
  0x3FF3187775A10D49, 0xBFC6A39A9B376000,
  0x3FF301C8373E3990, 0xBFC60B3154B7A000,
  0x3FF2EB4EBB95F841, 0xBFC5737D76243000,
  0x3FF2D50A0219A9D1, 0xBFC4DC7B8FC23000,
  0x3FF2BEF9A8B7FD2A, 0xBFC4462C51D20000,
  0x3FF2A91C7A0C1BAB, 0xBFC3B08ABC830000,
  0x3FF293726014B530, 0xBFC31B996B490000,
  0x3FF27DFA5757A1F5, 0xBFC2875490A44000,
  0x3FF268B39B1D3BBF, 0xBFC1F3B9F879A000,
  0x3FF2539D838FF5BD, 0xBFC160C8252CA000,
  0x3FF23EB7AAC9083B, 0xBFC0CE7F57F72000,
  0x3FF22A012BA940B6, 0xBFC03CDC49FEA000,
  0x3FF2157996CC4132, 0xBFBF57BDBC4B8000,
  0x3FF201201DD2FC9B, 0xBFBE370896404000,
  0x3FF1ECF4494D480B, 0xBFBD17983EF94000,
  0x3FF1D8F5528F6569, 0xBFBBF9674ED8A000,
  0x3FF1C52311577E7C, 0xBFBADC79202F6000,
  0x3FF1B17C74CB26E9, 0xBFB9C0C3E7288000,
  0x3FF19E010C2C1AB6, 0xBFB8A646B372C000,
  0x3FF18AB07BB670BD, 0xBFB78D01B3AC0000,
  0x3FF1778A25EFBCB6, 0xBFB674F145380000,
  0x3FF1648D354C31DA, 0xBFB55E0E6D878000,
  0x3FF151B990275FDD, 0xBFB4485CDEA1E000,
  0x3FF13F0EA432D24C, 0xBFB333D94D6AA000,
  0x3FF12C8B7210F9DA, 0xBFB22079F8C56000,
  0x3FF11A3028ECB531, 0xBFB10E4698622000,
  0x3FF107FBDA8434AF, 0xBFAFFA6C6AD20000,
  0x3FF0F5EE0F4E6BB3, 0xBFADDA8D4A774000,
  0x3FF0E4065D2A9FCE, 0xBFABBCECE4850000,
  0x3FF0D244632CA521, 0xBFA9A1894012C000,
  0x3FF0C0A77CE2981A, 0xBFA788583302C000,
  0x3FF0AF2F83C636D1, 0xBFA5715E67D68000,
  0x3FF09DDB98A01339, 0xBFA35C8A49658000,
  0x3FF08CABAF52E7DF, 0xBFA149E364154000,
  0x3FF07B9F2F4E28FB, 0xBF9E72C082EB8000,
  0x3FF06AB58C358F19, 0xBF9A55F152528000,
  0x3FF059EEA5ECF92C, 0xBF963D62CF818000,
  0x3FF04949CDD12C90, 0xBF9228FB8CAA0000,
  0x3FF038C6C6F0ADA9, 0xBF8C317B20F90000,
  0x3FF02865137932A9, 0xBF8419355DAA0000,
  0x3FF0182427EA7348, 0xBF781203C2EC0000,
  0x3FF008040614B195, 0xBF60040979240000,
  0x3FEFE01FF726FA1A, 0x3F6FEFF384900000,
  0x3FEFA11CC261EA74, 0x3F87DC41353D0000,
  0x3FEF6310B081992E, 0x3F93CEA3C4C28000,
  0x3FEF25F63CEEADCD, 0x3F9B9FC114890000,
  0x3FEEE9C8039113E7, 0x3FA1B0D8CE110000,
  0x3FEEAE8078CBB1AB, 0x3FA58A5BD001C000,
  0x3FEE741AA29D0C9B, 0x3FA95C8340D88000,
  0x3FEE3A91830A99B5, 0x3FAD276AEF578000,
  0x3FEE01E009609A56, 0x3FB07598E598C000,
  0x3FEDCA01E577BB98, 0x3FB253F5E30D2000,
  0x3FED92F20B7C9103, 0x3FB42EDD8B380000,
  0x3FED5CAC66FB5CCE, 0x3FB606598757C000,
  0x3FED272CAA5EDE9D, 0x3FB7DA76356A0000,
  0x3FECF26E3E6B2CCD, 0x3FB9AB434E1C6000,
  0x3FECBE6DA2A77902, 0x3FBB78C7BB0D6000,
  0x3FEC8B266D37086D, 0x3FBD431332E72000,
  0x3FEC5894BD5D5804, 0x3FBF0A3171DE6000,
  0x3FEC26B533BB9F8C, 0x3FC067152B914000,
  0x3FEBF583EEECE73F, 0x3FC147858292B000,
  0x3FEBC4FD75DB96C1, 0x3FC2266ECDCA3000,
  0x3FEB951E0C864A28, 0x3FC303D7A6C55000,
  0x3FEB65E2C5EF3E2C, 0x3FC3DFC33C331000,
  0x3FEB374867C9888B, 0x3FC4BA366B7A8000,
  0x3FEB094B211D304A, 0x3FC5933928D1F000,
  0x3FEADBE885F2EF7E, 0x3FC66ACD2418F000,
  0x3FEAAF1D31603DA2, 0x3FC740F8EC669000,
  0x3FEA82E63FD358A7, 0x3FC815C0F51AF000,
  0x3FEA5740EF09738B, 0x3FC8E92954F68000,
  0x3FEA2C2A90AB4B27, 0x3FC9BB3602F84000,
  0x3FEA01A01393F2D1, 0x3FCA8BED1C2C0000,
  0x3FE9D79F24DB3C1B, 0x3FCB5B515C01D000,
  0x3FE9AE2505C7B190, 0x3FCC2967CCBCC000,
  0x3FE9852EF297CE2F, 0x3FCCF635D5486000,
  0x3FE95CBAEEA44B75, 0x3FCDC1BD3446C000,
  0x3FE934C69DE74838, 0x3FCE8C01B8CFE000,
  0x3FE90D4F2F6752E6, 0x3FCF5509C0179000,
  0x3FE8E6528EFFD79D, 0x3FD00E6C121FB800,
  0x3FE8BFCE9FCC007C, 0x3FD071B80E93D000,
  0x3FE899C0DABEC30E, 0x3FD0D46B9E867000,
  0x3FE87427AA2317FB, 0x3FD13687334BD000,
  0x3FE84F00ACB39A08, 0x3FD1980D67234800,
  0x3FE82A49E8653E55, 0x3FD1F8FFE0CC8000,
  0x3FE8060195F40260, 0x3FD2595FD7636800,
  0x3FE7E22563E0A329, 0x3FD2B9300914A800,
  0x3FE7BEB377DCB5AD, 0x3FD3187210436000,
  0x3FE79BAA679725C2, 0x3FD377266DEC1800,
  0x3FE77907F2170657, 0x3FD3D54FFBAF3000,
  0x3FE756CADBD6130C, 0x3FD432EEE32FE000,
]);

const Ln2hi = reinterpret<f64>(0x3FE62E42FEFA3800);
const Ln2lo = reinterpret<f64>(0x3D2EF35793C76730);
const A0 = reinterpret<f64>(0xBFE0000000000001);
const A1 = reinterpret<f64>(0x3FD555555551305B);
const A2 = reinterpret<f64>(0xBFCFFFFFFFEB4590);
const A3 = reinterpret<f64>(0x3FC999B324F10111);
const A4 = reinterpret<f64>(0xBFC55575E506C89F);
const B0 = reinterpret<f64>(0xBFE0000000000000);
const B1 = reinterpret<f64>(0x3FD5555555555577);
const B2 = reinterpret<f64>(0xBFCFFFFFFFFFFDCB);
const B3 = reinterpret<f64>(0x3FC999999995DD0C);
const B4 = reinterpret<f64>(0xBFC55555556745A7);
const B5 = reinterpret<f64>(0x3FC24924A344DE30);
const B6 = reinterpret<f64>(0xBFBFFFFFA4423D65);
const B7 = reinterpret<f64>(0x3FBC7184282AD6CA);
const B8 = reinterpret<f64>(0xBFB999EB43B068FF);
const B9 = reinterpret<f64>(0x3FB78182F7AFD085);
const B10 = reinterpret<f64>(0xBFB5521375D145CD);

/** glibc's log, every fused multiply-add emulated: the definition logGlibcFma must match. */
function logGlibcFmaExact(x: f64): f64 {
  let ix = reinterpret<u64>(x);
  if (ix - 0x3FEE000000000000 < 0x3FF1090000000000 - 0x3FEE000000000000) {
    // x close to 1: log1p-style polynomial in r = x - 1.
    if (ix == 0x3FF0000000000000) return 0.0;
    const r = x - 1.0;
    const r2 = r * r;
    const r3 = r * r2;
    const q = fmaExact(r3, B10, fmaExact(r2, B9, fmaExact(r, B8, B7)));
    const q2 = fmaExact(q, r3, fmaExact(r2, B6, fmaExact(r, B5, B4)));
    const poly = fmaExact(q2, r3, fmaExact(r2, B3, fmaExact(r, B2, B1)));
    const w0 = r * 134217728.0;
    const rhi = r + w0 - w0;
    const rlo = r - rhi;
    const w = rhi * rhi * B0;
    const hi = r + w;
    let lo = r - hi + w;
    lo = fmaExact(B0 * rlo, rhi + r, lo);
    return hi + fmaExact(poly, r3, lo);
  }
  const top = <u32>(ix >> 48);
  if (top - 0x0010 >= 0x7FF0 - 0x0010) {
    if ((ix << 1) == 0) return -1.0 / (x * x); // log(+-0) = -inf
    if (ix == 0x7FF0000000000000) return x; // log(inf) = inf
    if ((top & 0x8000) != 0 || (top & 0x7FF0) == 0x7FF0) return (x - x) / (x - x); // negative or NaN
    // subnormal: normalise
    ix = reinterpret<u64>(x * 4503599627370496.0) - (<u64>52 << 52);
  }
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0); table entry i brackets z.
  const tmp = ix - 0x3FE6000000000000;
  const i = <usize>((tmp >> 45) & 127);
  const kd = <f64>(<i64>tmp >> 52);
  const z = reinterpret<f64>(ix - (tmp & (<u64>0xFFF << 52)));
  const invc = load<f64>(LOG_TAB + (i << 4));
  const logc = load<f64>(LOG_TAB + (i << 4), 8);
  const r = fmaExact(z, invc, -1.0);
  const w = kd * Ln2hi + logc;
  const hi = w + r;
  const lo = fmaExact(kd, Ln2lo, w - hi + r);
  const r2 = r * r;
  const r3 = r * r2;
  const poly = fmaExact(fmaExact(r, A4, A3), r2, fmaExact(r, A2, A1));
  return fmaExact(r3, poly, fmaExact(r2, A0, lo)) + hi;
}

// The fast path. The fused results differ from unfused ones by a few ulps of
// the small terms, which changes the final rounding of hi + tail only when it
// lands that close to a rounding boundary. So the tail is evaluated unfused,
// with a bound on its distance to glibc's fused tail. Main path: lo, then
// lo + r^2*A0, then + r^3*poly each round differently, in all by at most
// u*(|k*Ln2lo| + 7|lo| + 3r^2) (u = 2^-53, |r| < 2^-7, |poly| < 0.34); the
// bound is 2^-48*(|k*Ln2lo| + |lo| + r^2), 4.5 times that. Near 1: 2^-48 of
// every term's magnitude (32 ulps each). When both ends of the interval round
// to the same result, so does glibc's tail (rounding is monotone); otherwise
// logGlibcFmaExact decides (about 1 call in 300 for the r2 of gauss()).
const TAIL_BOUND: f64 = 3.552713678800501e-15; // 2^-48

/** hi + tail rounded, when every tail within `bound` rounds the same (RN is monotone: the two ends decide); else NaN. */
// @ts-ignore: decorator
@inline function roundedIfSafe(hi: f64, tail: f64, bound: f64): f64 {
  const y = hi + tail;
  return hi + (tail + bound) == y && hi + (tail - bound) == y ? y : NaN;
}

/** roundedIfSafe on two lanes. */
// @ts-ignore: decorator
@inline function roundedIfSafe2(hi: v128, tail: v128, bound: v128): v128 {
  const y = f64x2.add(hi, tail);
  const ok = v128.and(f64x2.eq(f64x2.add(hi, f64x2.add(tail, bound)), y), f64x2.eq(f64x2.add(hi, f64x2.sub(tail, bound)), y));
  return v128.bitselect(y, f64x2.splat(NaN), ok);
}

// @ts-ignore: decorator
@inline function isNearOne(ix: u64): bool {
  return ix - 0x3FEE000000000000 < 0x3FF1090000000000 - 0x3FEE000000000000;
}

/** Normal positive and not near 1: logPairFast's domain. */
// @ts-ignore: decorator
@inline function onTablePath(ix: u64): bool {
  return !isNearOne(ix) && isNormalPositive(ix);
}

// @ts-ignore: decorator
@inline function isNormalPositive(ix: u64): bool {
  return <u32>(ix >> 48) - 0x0010 < 0x7FF0 - 0x0010;
}

/**
 * The table path (glibc's main path) for two normal positive x outside the
 * near-1 interval, fused operations replaced by unfused ones (see above); a
 * lane is NaN where the bound cannot vouch for the rounding, and meaningless
 * for an x outside that domain.
 */
// @ts-ignore: decorator
@inline function logPairFast(x: v128, b0: u64, b1: u64): v128 {
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0); table entry i brackets z.
  const tmp = i64x2.sub(x, i64x2.splat(0x3FE6000000000000));
  const t0 = b0 - 0x3FE6000000000000;
  const t1 = b1 - 0x3FE6000000000000;
  const e0 = LOG_TAB + (<usize>((t0 >> 45) & 127) << 4);
  const e1 = LOG_TAB + (<usize>((t1 >> 45) & 127) << 4);
  const invc = f64x2.replace_lane(f64x2.splat(load<f64>(e0)), 1, load<f64>(e1));
  const logc = f64x2.replace_lane(f64x2.splat(load<f64>(e0, 8)), 1, load<f64>(e1, 8));
  const kd = f64x2.replace_lane(f64x2.splat(<f64>(<i64>t0 >> 52)), 1, <f64>(<i64>t1 >> 52));
  const z = i64x2.sub(x, v128.and(tmp, i64x2.splat(<i64>0xFFF << 52)));
  // r = fma(z, invc, -1) exactly: z*invc = ph + pl (Dekker), and ph - 1 is exact (ph is within 2^-7 of 1)
  const split = f64x2.splat(SPLIT);
  const ph = f64x2.mul(z, invc);
  let t = f64x2.mul(split, z);
  const zh = f64x2.sub(t, f64x2.sub(t, z));
  const zl = f64x2.sub(z, zh);
  t = f64x2.mul(split, invc);
  const ih = f64x2.sub(t, f64x2.sub(t, invc));
  const il = f64x2.sub(invc, ih);
  const pl = f64x2.add(f64x2.add(f64x2.add(f64x2.sub(f64x2.mul(zh, ih), ph), f64x2.mul(zh, il)), f64x2.mul(zl, ih)), f64x2.mul(zl, il));
  const r = f64x2.add(f64x2.sub(ph, f64x2.splat(1.0)), pl);
  // hi + lo = r + log(c) + k*Ln2, then the polynomial tail, unfused
  const w = f64x2.add(f64x2.mul(kd, f64x2.splat(Ln2hi)), logc);
  const hi = f64x2.add(w, r);
  const r2 = f64x2.mul(r, r);
  const r3 = f64x2.mul(r, r2);
  const kLo = f64x2.mul(kd, f64x2.splat(Ln2lo));
  const lo = f64x2.add(f64x2.add(f64x2.sub(w, hi), r), kLo);
  const sq = f64x2.mul(r2, f64x2.splat(A0));
  const s1 = f64x2.add(lo, sq);
  const inner = f64x2.add(f64x2.splat(A3), f64x2.mul(r, f64x2.splat(A4)));
  const poly = f64x2.add(f64x2.add(f64x2.splat(A1), f64x2.mul(r, f64x2.splat(A2))), f64x2.mul(r2, inner));
  const cube = f64x2.mul(r3, poly);
  const sum = f64x2.add(s1, cube);
  const size = f64x2.add(f64x2.add(f64x2.abs(kLo), f64x2.abs(lo)), r2);
  return roundedIfSafe2(hi, sum, f64x2.mul(f64x2.splat(TAIL_BOUND), size));
}

/** Natural log, bit-identical to glibc 2.36 x86-64 log() on FMA CPUs. */
export function logGlibcFma(x: f64): f64 {
  const ix = reinterpret<u64>(x);
  let y: f64 = NaN;
  if (isNearOne(ix)) {
    const r = x - 1.0;
    const r2 = r * r;
    const r3 = r * r2;
    const w0 = r * 134217728.0;
    const rhi = r + w0 - w0;
    const w = rhi * rhi * B0;
    const hi = r + w;
    const corr = B0 * (r - rhi) * (rhi + r);
    const lo = r - hi + w + corr;
    const tail = r3 * (B1 + r * B2 + r2 * B3 + r3 * (B4 + r * B5 + r2 * B6 + r3 * (B7 + r * B8 + r2 * B9 + r3 * B10)));
    const sum = tail + lo;
    y = roundedIfSafe(hi, sum, TAIL_BOUND * (Math.abs(corr) + Math.abs(lo) + Math.abs(tail) + Math.abs(sum)));
  } else if (isNormalPositive(ix)) {
    y = f64x2.extract_lane(logPairFast(f64x2.splat(x), ix, ix), 0);
  }
  return y == y ? y : logGlibcFmaExact(x);
}

/**
 * logGlibcFma of both lanes. The pair always takes the table path (a lane
 * outside its domain just computes garbage, never a trap); only a lane it
 * cannot serve goes scalar, e.g. the ~6 % of gauss() r2 values near 1.
 */
// @ts-ignore: decorator
@inline export function logGlibcFma2(x: v128): v128 {
  const b0 = <u64>i64x2.extract_lane(x, 0);
  const b1 = <u64>i64x2.extract_lane(x, 1);
  const y = logPairFast(x, b0, b1);
  const y0 = f64x2.extract_lane(y, 0);
  const y1 = f64x2.extract_lane(y, 1);
  const ok0 = y0 == y0 && onTablePath(b0);
  const ok1 = y1 == y1 && onTablePath(b1);
  if (ok0 && ok1) return y;
  return f64x2.replace_lane(
    f64x2.splat(ok0 ? y0 : logGlibcFma(reinterpret<f64>(b0))),
    1,
    ok1 ? y1 : logGlibcFma(reinterpret<f64>(b1)),
  );
}
