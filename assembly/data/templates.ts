// The ten digit templates of mnist1d/data.py get_templates (GENERATOR.md §4):
// x (10, 12) row-major and the shared grid t (12).
import { allocF64, getF64, setF64 } from "./f64";
import { linspace, npMean } from "./numpy";

export const TEMPLATE_POINTS: i32 = 12;

// d0..d9 verbatim from the reference.
// @ts-ignore: decorator
@lazy const DIGITS = memory.data<f64>([
  5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5,
  5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5,
  5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5,
  5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5,
  5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5,
  5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5,
  5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5,
  5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5,
  5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5,
  5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5,
]);

/** Writes the normalised templates into outX (10 x 12) and their grid into outT (12). */
export function writeTemplates(outX: usize, outT: usize): void {
  const n = TEMPLATE_POINTS;
  const row = allocF64(n);
  const sq = allocF64(n);
  for (let d = 0; d < 10; d++) {
    const src = DIGITS + (<usize>(d * n) << 3);
    const m = npMean(src, n); // x.mean(1)
    for (let i = 0; i < n; i++) setF64(row, i, getF64(src, i) - m);
    const m2 = npMean(row, n); // x.std(1) re-centres the centred row
    for (let i = 0; i < n; i++) {
      const c = getF64(row, i) - m2;
      setF64(sq, i, c * c);
    }
    const s = Math.sqrt(npMean(sq, n));
    const dst = outX + (<usize>(d * n) << 3);
    const first = getF64(row, 0) / s;
    for (let i = 0; i < n; i++) setF64(dst, i, (getF64(row, i) / s - first) / 6.0);
  }
  linspace(outT, -5.0, 5.0, n);
  for (let i = 0; i < n; i++) setF64(outT, i, getF64(outT, i) / 6.0);
}
