/**
 * Colormaps for heatmaps and images (pure, no DOM). viridis and magma use the degree-6
 * polynomial fits of the matplotlib maps (Matt Zucker, shadertoy WlfXRN); their error is below
 * what an 8-bit display shows.
 */
export type ColormapName = 'viridis' | 'gray' | 'magma' | 'rdbu';
export const COLORMAPS: readonly ColormapName[] = ['viridis', 'gray', 'magma'];

/** ColorBrewer RdBu reversed (matplotlib RdBu_r): blue below the centre, white at it, red above. */
const DIVERGING = [
  0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b,
  0x67001f,
];

type Vec3 = readonly [number, number, number];
const POLY: Record<'viridis' | 'magma', readonly Vec3[]> = {
  viridis: [
    [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
    [0.1050930431085774, 1.404613529898575, 1.384590162594685],
    [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
    [-4.634230498983486, -5.799100973351585, -19.33244095627987],
    [6.228269936347081, 14.17993336680509, 56.69055260068105],
    [4.776384997670288, -13.74514537774601, -65.35303263337234],
    [-5.435455855934631, 4.645852612178535, 26.3124352495832],
  ],
  magma: [
    [-0.002136485053939582, -0.000749655052795221, -0.005386127855323933],
    [0.2516605407371642, 0.6775232436837668, 2.494026599312351],
    [8.353717279216625, -3.577719514958484, 0.3144679030132573],
    [-27.66873308576866, 14.26473078096533, -13.64921318813922],
    [52.17613981234068, -27.94360607168351, 12.94416944238394],
    [-50.76852536473588, 29.04658282127291, 4.23415299384598],
    [18.65570506591883, -11.48977351997711, -5.601961508734096],
  ],
};

const clampByte = (v: number): number => Math.max(0, Math.min(255, Math.round(v * 255)));

/** A 256-entry RGB lookup table (768 bytes: r,g,b per entry). */
export function colormapLut(name: ColormapName): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    if (name === 'gray') {
      lut.fill(i, i * 3, i * 3 + 3);
      continue;
    }
    if (name === 'rdbu') {
      // Linear between the control colours.
      const at = t * (DIVERGING.length - 1);
      const k = Math.min(DIVERGING.length - 2, Math.floor(at));
      for (let ch = 0; ch < 3; ch++) {
        const shift = 16 - ch * 8;
        const [a, b] = [(DIVERGING[k] >> shift) & 255, (DIVERGING[k + 1] >> shift) & 255];
        lut[i * 3 + ch] = Math.round(a + (b - a) * (at - k));
      }
      continue;
    }
    const c = POLY[name];
    for (let ch = 0; ch < 3; ch++) {
      // Horner's rule from the highest coefficient down.
      let v = 0;
      for (let k = c.length - 1; k >= 0; k--) v = v * t + c[k][ch];
      lut[i * 3 + ch] = clampByte(v);
    }
  }
  return lut;
}

const lutCache = new Map<ColormapName, Uint8Array>();
function cachedLut(name: ColormapName): Uint8Array {
  let lut = lutCache.get(name);
  if (!lut) lutCache.set(name, (lut = colormapLut(name)));
  return lut;
}

/** Anything indexable by number with a length: typed arrays and plain arrays. */
export interface NumberList {
  readonly length: number;
  readonly [index: number]: number;
}

/**
 * Maps values to RGBA pixels (alpha 255) with the window [low, high]; values outside clamp,
 * NaN becomes transparent. The output can back an ImageData directly.
 */
export function applyColormap(
  values: NumberList,
  low: number,
  high: number,
  name: ColormapName,
): Uint8ClampedArray {
  const lut = cachedLut(name);
  const out = new Uint8ClampedArray(values.length * 4);
  const span = high - low;
  const scale = span > 0 ? 255 / span : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const o = i * 4;
    if (Number.isNaN(v)) continue; // stays 0,0,0,0
    let idx = span > 0 ? Math.round((v - low) * scale) : v >= high ? 255 : 0;
    idx = idx < 0 ? 0 : idx > 255 ? 255 : idx;
    out[o] = lut[idx * 3];
    out[o + 1] = lut[idx * 3 + 1];
    out[o + 2] = lut[idx * 3 + 2];
    out[o + 3] = 255;
  }
  return out;
}

/**
 * Interleaved RGB or RGBA samples (last dimension 3 or 4) to RGBA pixels, scaled from
 * [low, high] (e.g. 0..255 for uint8, 0..1 for floats).
 */
export function rgbToRgba(values: NumberList, channels: 3 | 4, low: number, high: number): Uint8ClampedArray {
  const pixels = Math.floor(values.length / channels);
  const out = new Uint8ClampedArray(pixels * 4);
  const span = high - low || 1;
  for (let p = 0; p < pixels; p++) {
    for (let ch = 0; ch < 3; ch++) out[p * 4 + ch] = ((values[p * channels + ch] - low) / span) * 255;
    out[p * 4 + 3] = channels === 4 ? ((values[p * channels + 3] - low) / span) * 255 : 255;
  }
  return out;
}

/** Distinct colours for ROIs/units/keypoints: golden-angle hues, fixed saturation. */
export function categoricalColor(index: number, alpha = 1): string {
  const hue = (index * 137.508) % 360;
  return `hsla(${hue.toFixed(1)}, 80%, 55%, ${alpha})`;
}

/** A CSS colour with alpha: works for #rgb/#rrggbb, rgb(), hsl() and hsla() inputs. */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  if (/^#[0-9a-f]{6}$/i.test(c)) {
    const n = parseInt(c.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  if (/^#[0-9a-f]{3}$/i.test(c)) {
    const [r, g, b] = [1, 2, 3].map(i => parseInt(c[i] + c[i], 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const m = /^(rgb|hsl)a?\(([^)]*)\)$/i.exec(c);
  if (m) {
    const parts = m[2]
      .split(/[,\s/]+/)
      .filter(Boolean)
      .slice(0, 3);
    return `${m[1].toLowerCase()}a(${parts.join(', ')}, ${alpha})`;
  }
  return c;
}
