/**
 * The amplitude scale bar of stacked traces (whose y axis names channels, not values): a nice
 * length (1, 2 or 5 × 10^k) drawn at the plot's lower right with its length in SI-prefixed units.
 */
import type uPlot from 'uplot';
import { withAlpha } from './colormaps';
import { themeColor } from './dom';
import { formatQuantity } from './format';

/** Draws a vertical bar of `length` y units at the lower right of the plot; returns its label. */
export function drawScaleBar(u: uPlot, length: number, unit: string | undefined): string {
  const ctx = u.ctx;
  const ratio = u.ctx.canvas.width / Math.max(1, u.width);
  const pixels = Math.abs(u.valToPos(0, 'y', true) - u.valToPos(length, 'y', true));
  const x = u.bbox.left + u.bbox.width - 10 * ratio;
  const bottom = u.bbox.top + u.bbox.height - 8 * ratio;
  const text = formatQuantity(length, unit);
  const fg = getComputedStyle(u.root).color || '#ccc';
  const bg = themeColor('--vscode-editor-background', '#1e1e1e');
  ctx.save();
  ctx.font = `${11 * ratio}px ${themeColor('--vscode-font-family', 'sans-serif')}`;
  const width = ctx.measureText(text).width;
  ctx.fillStyle = withAlpha(bg, 0.8);
  ctx.fillRect(x - width - 12 * ratio, bottom - pixels - 2 * ratio, width + 16 * ratio, pixels + 4 * ratio);
  ctx.strokeStyle = fg;
  ctx.lineWidth = 2 * ratio;
  ctx.beginPath();
  ctx.moveTo(x, bottom);
  ctx.lineTo(x, bottom - pixels);
  ctx.stroke();
  ctx.fillStyle = fg;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x - 6 * ratio, bottom - pixels / 2);
  ctx.restore();
  return text;
}
