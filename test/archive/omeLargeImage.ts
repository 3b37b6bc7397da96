/**
 * The pixels of the stand-in archive's large generated OME-Zarr (Dandiset 990011): a pure
 * function of (level, channel, y, x), so the archive computes any chunk from its key and the tests
 * can tell which level and which place a viewer shows. Every level is sampled from the same
 * level-0 picture (no averaging, so a chunk costs one pass over its pixels):
 * - channel 0 "rings": concentric rings around the image centre, one period every 2,048 level-0 px;
 * - channel 1 "grid": each chunk of each level outlined, with its label `L<level> <row>,<col>`
 *   written in its top-left corner (a screenshot names the level and the chunk);
 * - channel 2 "ramp": a diagonal ramp with a checkerboard of 4,096-pixel blocks.
 */

export const OME_LARGE = {
  /** Level-0 size in pixels (y = x). */
  size: 20480,
  chunk: 512,
  channels: ['rings', 'grid', 'ramp'] as const,
  colors: ['FF4040', '40FF40', '4080FF'] as const,
  levels: 7,
  /** Level-0 pixel spacing in micrometres. */
  pixelSizeUm: 0.25,
};

/** Shape [c, y, x] of a level. */
export function levelShape(level: number): [number, number, number] {
  const side = Math.ceil(OME_LARGE.size / 2 ** level);
  return [OME_LARGE.channels.length, side, side];
}

// A 5×7 bitmap font for the labels: each glyph is 7 rows of 5 bits, top row first.
const GLYPHS: Record<string, readonly number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  L: [16, 16, 16, 16, 16, 16, 31],
  ',': [0, 0, 0, 0, 12, 4, 8],
  ' ': [0, 0, 0, 0, 0, 0, 0],
};

/** Label cell size in pixels of the level: glyphs drawn at 8× (40×56 px, 48 px advance). */
const GLYPH_SCALE = 8;
const LABEL_ORIGIN = 24;
const GRID_LINE = 4;

export const GRID_BACKGROUND = 2000;
export const GRID_INK = 60000;

export function chunkLabel(level: number, row: number, col: number): string {
  return `L${level} ${row},${col}`;
}

/** True where the label's ink is, at chunk-local pixel (ly, lx). */
function labelInk(label: string, ly: number, lx: number): boolean {
  const gy = Math.floor((ly - LABEL_ORIGIN) / GLYPH_SCALE);
  if (gy < 0 || gy >= 7) return false;
  const cell = lx - LABEL_ORIGIN;
  if (cell < 0) return false;
  const advance = 6 * GLYPH_SCALE;
  const index = Math.floor(cell / advance);
  if (index >= label.length) return false;
  const gx = Math.floor((cell - index * advance) / GLYPH_SCALE);
  if (gx >= 5) return false;
  const rows = GLYPHS[label[index] as string] ?? GLYPHS[' '];
  return (((rows as readonly number[])[gy] as number) >> (4 - gx)) % 2 === 1;
}

/** The value of one pixel of a level (outside the level's shape: 0, the fill value). */
export function pixelValue(level: number, channel: number, y: number, x: number): number {
  const [, height, width] = levelShape(level);
  if (y < 0 || x < 0 || y >= height || x >= width) return 0;
  const factor = 2 ** level;
  const Y = y * factor;
  const X = x * factor;
  switch (channel) {
    case 0: {
      const half = OME_LARGE.size / 2;
      const r = Math.hypot(Y - half, X - half);
      return Math.round(20000 + 15000 * Math.cos((2 * Math.PI * r) / 2048));
    }
    case 1: {
      const { chunk } = OME_LARGE;
      const ly = y % chunk;
      const lx = x % chunk;
      if (ly < GRID_LINE || lx < GRID_LINE) return GRID_INK;
      const label = chunkLabel(level, Math.floor(y / chunk), Math.floor(x / chunk));
      return labelInk(label, ly, lx) ? GRID_INK : GRID_BACKGROUND;
    }
    default: {
      const block = (Math.floor(Y / 4096) + Math.floor(X / 4096)) % 2;
      return Math.floor(((X + Y) * 30000) / (2 * OME_LARGE.size)) + (block ? 20000 : 4000);
    }
  }
}

/** One whole chunk (C order, chunk × chunk, uint16), as Zarr v2 stores it: edge chunks padded with 0. */
export function chunkPixels(level: number, channel: number, row: number, col: number): Uint16Array {
  const { chunk } = OME_LARGE;
  const out = new Uint16Array(chunk * chunk);
  const y0 = row * chunk;
  const x0 = col * chunk;
  for (let j = 0; j < chunk; j++)
    for (let i = 0; i < chunk; i++) out[j * chunk + i] = pixelValue(level, channel, y0 + j, x0 + i);
  return out;
}
