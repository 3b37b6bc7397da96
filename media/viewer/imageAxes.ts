/**
 * What an image needs to be read: pixel rulers along its left and bottom edges and, for
 * single-channel data, a colourbar with the contrast window's values in the data's unit (SI
 * prefix chosen from the values). DOM labels, so they stay sharp and never overlap: ticks are
 * spaced from the measured width of their labels.
 */
import { niceLength } from './chartGeometry';
import { colormapLut, type ColormapName } from './colormaps';
import type { Range } from './contrast';
import { clear, h, hidpiCanvas } from './dom';
import { displayScale, knownUnit, tickLabels } from './format';

const FONT_PX = 11;
/** Width of the y ruler and of the colourbar beside the image, in CSS pixels. */
export const RULER_WIDTH = 40;
export const COLORBAR_WIDTH = 76;

/** Multiples of `step` in [min, max]. */
function multiples(min: number, max: number, step: number): number[] {
  if (!(step > 0)) return [];
  const out: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9 && out.length < 100; k++)
    out.push(k * step);
  return out;
}

/** The smallest 1, 2 or 5 × 10^k at or above `raw`. */
function niceStepAbove(raw: number): number {
  const power = niceLength(raw) > 0 ? 10 ** Math.floor(Math.log10(raw)) : 1;
  return (
    [1, 2, 5, 10].map(m => Number((m * power).toPrecision(12))).find(s => s >= raw * (1 - 1e-9)) ?? power
  );
}

/** Labels closer than this (CSS pixels, centre to centre) would touch: one line of text and a gap. */
const MIN_PITCH = FONT_PX + 4;

/**
 * Tick values along a scale from `min` to `max` drawn `pixels` long: multiples of the nice step
 * that keeps labels `minGap` pixels apart or, when the scale is too short for two of them (a small
 * image in a narrow pane), its two ends, so it can still be read. `step` sets the labels' digits.
 */
function scaleTicks(
  min: number,
  max: number,
  pixels: number,
  minGap: number,
): { values: number[]; step: number } {
  const step = niceStepAbove(((max - min) * minGap) / Math.max(1e-9, pixels));
  const values = multiples(min, max, step);
  if (values.length >= 2 || pixels < MIN_PITCH) return { values, step };
  return { values: [min, max], step: niceStepAbove((max - min) / 20) };
}

/** Pixel indices along one edge of an image drawn `pixels` CSS pixels long. */
export function drawRuler(axis: HTMLElement, count: number, pixels: number, side: 'x' | 'y'): void {
  clear(axis);
  const widest = String(count).length * FONT_PX * 0.65;
  const gap = side === 'x' ? widest + 14 : FONT_PX + 18;
  // Pixel indices are whole numbers: labels at least one image pixel apart (a step of 1 or more).
  const { values } = scaleTicks(0, count, pixels, Math.max(gap, pixels / Math.max(1, count)));
  axis.style[side === 'x' ? 'width' : 'height'] = `${pixels}px`;
  for (const v of values) {
    // Index i is the left (top) edge of pixel i; the last label keeps inside the ruler.
    const at = (v / count) * pixels;
    const label = h('span', { class: 'ruler-label', text: String(v) });
    if (side === 'x') label.style.left = `${Math.min(at, pixels - widest / 2)}px`;
    else label.style.top = `${Math.min(at, pixels - FONT_PX / 2)}px`;
    axis.appendChild(label);
  }
}

export interface ColorbarState {
  colormap: ColormapName;
  window: Range;
  unit?: string;
  height: number;
}

/** A vertical colour scale: the colormap from the window's minimum (bottom) to maximum (top). */
export class Colorbar {
  readonly element: HTMLElement;
  private readonly _canvas: HTMLCanvasElement;
  private readonly _labels: HTMLElement;
  private readonly _unit: HTMLElement;
  /** What the scale shows now (null while hidden), for drawing it into an exported picture. */
  private _shown: { colormap: ColormapName; unit: string; ticks: { at: number; text: string }[] } | null =
    null;

  constructor() {
    this._canvas = h('canvas', { class: 'colorbar-canvas', 'aria-hidden': 'true' });
    this._labels = h('div', { class: 'colorbar-labels' });
    this._unit = h('div', { class: 'colorbar-unit muted' });
    this.element = h(
      'div',
      { class: 'colorbar', role: 'img', 'aria-label': 'Colour scale' },
      this._unit,
      h('div', { class: 'colorbar-body' }, this._canvas, this._labels),
    );
  }

  /** The colours, unit and labelled ticks (`at`: 0 bottom, 1 top) shown now; null while hidden. */
  get shown(): {
    colormap: ColormapName;
    unit: string;
    ticks: readonly { at: number; text: string }[];
  } | null {
    return this._shown;
  }

  /** Draws the scale, or hides it (RGB images, no frame). */
  update(state: ColorbarState | null): void {
    this.element.hidden = state === null;
    this._shown = null;
    if (!state) return;
    const { min, max } = state.window;
    const height = Math.max(40, state.height - 20);
    const ctx = hidpiCanvas(this._canvas, 12, height);
    const lut = colormapLut(state.colormap);
    for (let y = 0; y < height; y++) {
      const i = Math.round((1 - y / Math.max(1, height - 1)) * 255) * 3;
      ctx.fillStyle = `rgb(${lut[i]}, ${lut[i + 1]}, ${lut[i + 2]})`;
      ctx.fillRect(0, y, 12, 1);
    }
    clear(this._labels);
    this._labels.style.height = `${height}px`;
    const reach = Math.max(Math.abs(min), Math.abs(max));
    const scale = displayScale(reach, state.unit);
    this._unit.textContent = scale.unit || knownUnit(state.unit) || 'value';
    this.element.setAttribute('aria-label', `Colour scale from ${min} to ${max} ${state.unit ?? ''}`.trim());
    if (!(max > min)) {
      const text = tickLabels([min], 1, scale.factor)[0];
      this._labels.appendChild(h('span', { class: 'ruler-label', text }));
      this._shown = { colormap: state.colormap, unit: this._unit.textContent, ticks: [{ at: 0.5, text }] };
      return;
    }
    // Labels at least 30 px apart (or the window's two ends on a short bar).
    const { values, step } = scaleTicks(min, max, height, 30);
    const texts = tickLabels(values, step, scale.factor);
    const ticks = values.map((v, k) => ({ at: (v - min) / (max - min), text: texts[k] }));
    for (const tick of ticks) {
      const label = h('span', { class: 'ruler-label', text: tick.text });
      label.style.top = `${(1 - tick.at) * height}px`;
      this._labels.appendChild(label);
    }
    this._shown = { colormap: state.colormap, unit: this._unit.textContent, ticks };
    this.element.dataset.range = `${texts[0]} – ${texts[texts.length - 1]} ${this._unit.textContent}`;
  }
}

/**
 * A copy of `canvas` (a chart or an image) with `colorbar` drawn on its right as on screen: the
 * colour scale, its labels and its unit, in the page's font and colours, at the canvas's own
 * pixel ratio. The canvas itself when the colourbar is hidden. For PNG export: the picture alone
 * does not say what its colours mean.
 */
export function withColorbar(canvas: HTMLCanvasElement, colorbar: Colorbar): HTMLCanvasElement {
  const shown = colorbar.shown;
  if (!shown) return canvas;
  const ratio = canvas.clientWidth > 0 ? canvas.width / canvas.clientWidth : window.devicePixelRatio || 1;
  const px = (css: number): number => Math.round(css * ratio);
  const out = document.createElement('canvas');
  out.width = canvas.width + px(COLORBAR_WIDTH);
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) return canvas;
  const page = getComputedStyle(document.body);
  ctx.fillStyle = page.backgroundColor || '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  // The unit on top, the scale below it from the maximum (top) to the minimum (bottom).
  const left = canvas.width + px(8);
  const top = px(FONT_PX + 12);
  const height = Math.max(px(40), out.height - top - px(FONT_PX));
  const lut = colormapLut(shown.colormap);
  for (let y = 0; y < height; y++) {
    const i = Math.round((1 - y / Math.max(1, height - 1)) * 255) * 3;
    ctx.fillStyle = `rgb(${lut[i]}, ${lut[i + 1]}, ${lut[i + 2]})`;
    ctx.fillRect(left, top + y, px(12), 1);
  }
  ctx.fillStyle = getComputedStyle(colorbar.element).color || page.color;
  ctx.font = `${px(FONT_PX)}px ${page.fontFamily}`;
  ctx.textBaseline = 'middle';
  ctx.fillText(shown.unit, left, px(FONT_PX / 2 + 4));
  for (const tick of shown.ticks) {
    const y = top + (1 - tick.at) * (height - 1);
    ctx.fillRect(left + px(12), Math.round(y), px(3), Math.max(1, px(1)));
    ctx.fillText(tick.text, left + px(17), Math.min(Math.max(y, top), top + height));
  }
  return out;
}
