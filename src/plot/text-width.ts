// Text widths for headless layout. Without a canvas, vega guesses every character at
// 0.8 em, far wider than the DejaVu Sans the PNGs are drawn in: a long subtitle then
// widens the figure and leaves blank space on its right. These are DejaVu Sans'
// advance widths (em); other characters count 0.8 em, bold text 8 % more.

/** vega-scenegraph's text measurer (exported by vega, absent from its typings). */
interface TextMetrics {
  width: (item: TextItem, text: unknown) => number;
  estimateWidth: (item: TextItem, text: unknown) => number;
}

const EM: Record<string, number> = {
  ' ': 0.318, '.': 0.318, ',': 0.318, ':': 0.337, ';': 0.337, '(': 0.39, ')': 0.39, '[': 0.39, ']': 0.39, '%': 0.95,
  '-': 0.361, '+': 0.838, '=': 0.838, '/': 0.337, "'": 0.275, '"': 0.46, '×': 0.838, '−': 0.838, '≤': 0.838,
  ...Object.fromEntries([...'0123456789'].map((c) => [c, 0.636])),
  ...Object.fromEntries(
    [...'abcdefghijklmnopqrstuvwxyz'].map((c, i) =>
      [c, [0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525][i]]),
  ),
  ...Object.fromEntries(
    [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c, i) =>
      [c, [0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685][i]]),
  ),
};
const OTHER_EM = 0.8;
const BOLD = 1.08;

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/** The width (px) of `text` as `item` draws it: DejaVu Sans at the item's size and weight, capped at its limit. */
export function textWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600 ? BOLD : 1;
  let em = 0;
  for (const c of text == null ? '' : String(text).trim()) em += EM[c] ?? OTHER_EM;
  const width = Math.ceil(em * size * bold);
  return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
}

/** Makes `vega` (the module) measure text by textWidth where it has no canvas to measure with (Node); a browser keeps its canvas. */
export function useDejaVuWidths(vega: object): void {
  const { textMetrics } = vega as { textMetrics: TextMetrics };
  if (textMetrics.width === textMetrics.estimateWidth) textMetrics.width = textWidth;
}
