/**
 * The contract between the OME-Zarr viewer's host side (src/editor/omePanel.ts, src/ome/) and its
 * webview (media/ome/). No `vscode`, no DOM. Same envelope and messenger as the NWB viewer
 * (src/shared/messenger.ts); the webview calls `init`, then asks for tiles. The host reads and
 * decodes chunks; tiles cross as ArrayBuffers holding exactly the typed array's bytes.
 *
 * Render completion (tests): `#view` carries `data-state` ("loading" | "ready" | "error"),
 * `data-level` (the level the viewport asked for) and `data-pending` (tiles in flight); the webview
 * sends the `rendered` event when every visible tile of the chosen level is drawn.
 */

export const OME_PROTOCOL_VERSION = 1;

export interface OmeAxis {
  name: string;
  /** `space`, `time`, `channel` or a writer's own. */
  type: string;
  unit?: string;
}

export interface OmeChannel {
  label: string;
  /** RRGGBB. */
  color: string;
  active: boolean;
  /** Display window (`omero.window` start/end). */
  window?: { start: number; end: number };
  /** The data range the writer declared (`omero.window` min/max). */
  range?: { min: number; max: number };
}

export interface OmeLevel {
  path: string;
  shape: number[];
  chunks: number[];
  dtype: string;
  /** Physical size of one pixel per axis. */
  scale: number[];
  /** Physical position of pixel 0 per axis. */
  translation: number[];
}

export interface OmeImageInfo {
  /** Store-relative path of the image group. */
  path: string;
  name: string;
  version: string;
  axes: OmeAxis[];
  /** Finest first. */
  levels: OmeLevel[];
  channels: OmeChannel[];
  /** A label image (`image-label`, or a segmentation by name): ids drawn in distinct colours. */
  labels: boolean;
  /** Label images beside it (`labels/<name>`), store-relative paths. */
  labelPaths: string[];
}

export interface OmePlate {
  name?: string;
  rows: string[];
  columns: string[];
  wells: { path: string }[];
}

/** What the store holds at its root. */
export type OmeRoot =
  | { kind: 'image'; image: string }
  | { kind: 'series'; series: string[] }
  | { kind: 'plate'; plate: OmePlate };

export interface OmeInitResult {
  title: string;
  root: OmeRoot;
  /** The first image, opened. */
  image: OmeImageInfo;
  /** Tile cache bound in megabytes (setting `dandi.ome.tileCacheMB`). */
  tileCacheMB: number;
}

/** One chunk-aligned tile of one channel of one level: the [y0, y1) × [x0, x1) block in level pixels. */
export interface TileRequest {
  image: string;
  level: number;
  channel: number;
  z: number;
  t: number;
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

export interface TileReply {
  height: number;
  width: number;
  /** Element type of `data`: a typed array name (`Uint16Array`, `Float64Array`...). */
  type: string;
  data: ArrayBuffer;
}

export interface OmeHostMethods {
  init: { params: { protocolVersion: number }; result: OmeInitResult };
  image: { params: { path: string }; result: OmeImageInfo };
  /** Fields of a plate's well (image paths). */
  well: { params: { path: string }; result: string[] };
  tile: { params: TileRequest; result: TileReply };
  /** Per channel [low, high] percentiles of the coarsest level's plane at z, t. */
  contrast: { params: { image: string; z: number; t: number }; result: [number, number][] };
  exportPng: { params: { name: string; png: ArrayBuffer }; result: boolean };
}

export type OmeWebviewEvent = {
  type: 'rendered';
  level: number;
  tiles: number;
};

// ---------------------------------------------------------------------------------------------
// Geometry shared by the webview and the tests.

/** Index of each named axis (t, c, z, y, x), -1 when absent. */
export function axisIndex(axes: readonly OmeAxis[]): Record<'t' | 'c' | 'z' | 'y' | 'x', number> {
  const find = (pred: (a: OmeAxis) => boolean): number => axes.findIndex(pred);
  const spatial = axes.map((a, i) => ({ a, i })).filter(({ a }) => a.type === 'space');
  const byName = (n: string): number => find(a => a.name === n);
  const y = byName('y') >= 0 ? byName('y') : (spatial[spatial.length - 2]?.i ?? -1);
  const x = byName('x') >= 0 ? byName('x') : (spatial[spatial.length - 1]?.i ?? -1);
  const z = byName('z') >= 0 ? byName('z') : spatial.length > 2 ? (spatial[spatial.length - 3]?.i ?? -1) : -1;
  return { t: find(a => a.type === 'time'), c: find(a => a.type === 'channel'), z, y, x };
}

/**
 * The coarsest level whose pixels still resolve a screen pixel: its pixel spacing (physical units)
 * times `zoom` (screen pixels per physical unit) is at most one screen pixel, in y and in x.
 * Zoomed in past level 0's pixels, level 0.
 */
export function chooseLevel(levels: readonly OmeLevel[], yAxis: number, xAxis: number, zoom: number): number {
  let chosen = 0;
  levels.forEach((level, i) => {
    const pixel = Math.max((level.scale[yAxis] as number) * zoom, (level.scale[xAxis] as number) * zoom);
    if (pixel <= 1 + 1e-9) chosen = i;
  });
  return chosen;
}

export interface ChunkBox {
  /** Chunk rows and columns, half-open. */
  rows: [number, number];
  cols: [number, number];
}

/** A physical rectangle: [y0, y1) × [x0, x1). */
export interface PhysicalRect {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

/** The chunks of a level that a physical rectangle touches (empty ranges when it misses the image). */
export function visibleChunks(level: OmeLevel, yAxis: number, xAxis: number, rect: PhysicalRect): ChunkBox {
  const range = (axis: number, lo: number, hi: number): [number, number] => {
    const s = level.scale[axis] as number;
    const t = level.translation[axis] as number;
    const n = level.shape[axis] as number;
    const chunk = Math.min(level.chunks[axis] as number, n);
    const i0 = Math.max(0, Math.floor((lo - t) / s));
    const i1 = Math.min(n, Math.ceil((hi - t) / s));
    if (i1 <= i0) return [0, 0];
    return [Math.floor(i0 / chunk), Math.floor((i1 - 1) / chunk) + 1];
  };
  return { rows: range(yAxis, rect.y0, rect.y1), cols: range(xAxis, rect.x0, rect.x1) };
}

/** The pixel block [y0, y1) × [x0, x1) of one chunk, clipped to the level's shape. */
export function chunkBlock(
  level: OmeLevel,
  yAxis: number,
  xAxis: number,
  row: number,
  col: number,
): { y0: number; y1: number; x0: number; x1: number } {
  const ch = Math.min(level.chunks[yAxis] as number, level.shape[yAxis] as number);
  const cw = Math.min(level.chunks[xAxis] as number, level.shape[xAxis] as number);
  return {
    y0: row * ch,
    y1: Math.min((row + 1) * ch, level.shape[yAxis] as number),
    x0: col * cw,
    x1: Math.min((col + 1) * cw, level.shape[xAxis] as number),
  };
}

/** A scale bar length: the largest 1-2-5 × 10^k physical length that fits in `maxPixels` at `zoom`. */
export function scaleBarLength(zoom: number, maxPixels: number): number {
  const max = maxPixels / zoom;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const m of [5, 2, 1]) if (m * power <= max) return m * power;
  return power;
}
