// Small multiples on a canvas: a grid of tiny line plots, one series per cell,
// each cell scaled to the series' own range. Colours come from the page's CSS.

export const CLASS_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#7f7f7f'];

export interface Cell {
  values: ArrayLike<number>;
  colour: string;
  label?: string;
}

/** Draws `cells` row by row, `columns` per row, each cell `cellHeight` CSS pixels tall. */
export function drawSmallMultiples(canvas: HTMLCanvasElement, cells: readonly Cell[], columns: number, cellHeight: number): void {
  const width = canvas.parentElement!.clientWidth;
  const rows = Math.ceil(cells.length / columns);
  const ratio = window.devicePixelRatio || 1;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${rows * cellHeight}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(rows * cellHeight * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, rows * cellHeight);
  const style = getComputedStyle(canvas);
  const grid = style.getPropertyValue('--line').trim() || '#ddd';
  const ink = style.getPropertyValue('--muted').trim() || '#666';
  const cellWidth = width / columns;
  const pad = 4;
  ctx.font = '10px system-ui, sans-serif';
  cells.forEach((cell, i) => {
    const x0 = (i % columns) * cellWidth;
    const y0 = Math.floor(i / columns) * cellHeight;
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, y0 + 0.5, cellWidth - 1, cellHeight - 1);
    const n = cell.values.length;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < n; j++) (lo = Math.min(lo, cell.values[j])), (hi = Math.max(hi, cell.values[j]));
    const span = hi - lo || 1;
    ctx.strokeStyle = cell.colour;
    ctx.lineWidth = 1.4;
    ctx.beginPath();
    for (let j = 0; j < n; j++) {
      const x = x0 + pad + ((cellWidth - 2 * pad) * j) / Math.max(1, n - 1);
      const y = y0 + cellHeight - pad - ((cellHeight - 2 * pad) * (cell.values[j] - lo)) / span;
      if (j === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
    if (cell.label) {
      ctx.fillStyle = ink;
      ctx.fillText(cell.label, x0 + pad, y0 + 11);
    }
  });
}
