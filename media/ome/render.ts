/**
 * Compositing: the active channels of one chunk block, each mapped through its window and added
 * in its colour (intensity), or ids drawn in distinct colours (label images), into RGBA pixels.
 */
import type { TileValues } from './tiles';

export interface ChannelStyle {
  active: boolean;
  /** 0-255 per component. */
  rgb: [number, number, number];
  low: number;
  high: number;
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A stable, well spread colour for a label id (0 is background: transparent). */
export function labelColor(id: number): [number, number, number] {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return [64 + (h & 191), 64 + ((h >>> 8) & 191), 64 + ((h >>> 16) & 191)];
}

/** RGBA of one block: `layers[i]` is channel i's values (undefined when inactive). */
export function composite(
  width: number,
  height: number,
  layers: readonly (TileValues | undefined)[],
  styles: readonly ChannelStyle[],
  labels: boolean,
): Uint8ClampedArray<ArrayBuffer> {
  const n = width * height;
  const out = new Uint8ClampedArray(new ArrayBuffer(n * 4));
  if (labels) {
    layers.forEach(values => {
      if (!values) return;
      for (let i = 0; i < n; i++) {
        const id = values[i] as number;
        if (id === 0) continue;
        const [r, g, b] = labelColor(id);
        out[i * 4] = r;
        out[i * 4 + 1] = g;
        out[i * 4 + 2] = b;
      }
    });
  } else {
    const acc = new Float32Array(n * 3);
    layers.forEach((values, c) => {
      const style = styles[c];
      if (!values || !style) return;
      const scale = 1 / (style.high - style.low || 1);
      const [r, g, b] = style.rgb;
      for (let i = 0; i < n; i++) {
        let v = ((values[i] as number) - style.low) * scale;
        if (!(v > 0)) continue;
        if (v > 1) v = 1;
        acc[i * 3] = (acc[i * 3] as number) + v * r;
        acc[i * 3 + 1] = (acc[i * 3 + 1] as number) + v * g;
        acc[i * 3 + 2] = (acc[i * 3 + 2] as number) + v * b;
      }
    });
    for (let i = 0; i < n; i++) {
      out[i * 4] = acc[i * 3] as number;
      out[i * 4 + 1] = acc[i * 3 + 1] as number;
      out[i * 4 + 2] = acc[i * 3 + 2] as number;
    }
  }
  for (let i = 0; i < n; i++) out[i * 4 + 3] = 255;
  return out;
}

/** Human-readable physical length with its unit (µm for micrometer...). */
export function formatLength(value: number, unit: string | undefined): string {
  const short: Record<string, string> = {
    micrometer: 'µm',
    nanometer: 'nm',
    millimeter: 'mm',
    centimeter: 'cm',
    meter: 'm',
    angstrom: 'Å',
  };
  const text = Number.isInteger(value) ? String(value) : value.toPrecision(3);
  return unit ? `${text} ${short[unit] ?? unit}` : `${text} px`;
}
