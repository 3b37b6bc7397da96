/**
 * The object sweep (issue 20): every object with a neurodata type in every real file of
 * ../shared/fixtures/nwb, shown in the viewer one after another, and what each view drew recorded.
 *
 * The objects are listed in Node with the project's own readers (the HDF5 worker as the extension
 * ships it, the Zarr reader), the selection is driven through the viewer's own `reveal` message
 * (what the host sends to show a path: no tree clicking), and each outcome is judged from what is
 * on the screen: an error shown, a data-quality note said in place, or the pixels of its canvases.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { openHdf5 } from '../../src/hdf5/engine';
import { NwbFile } from '../../src/nwb/nwbFile';
import { joinPath } from '../../src/nwb/reader';
import { ENVELOPE_TAG } from '../../src/shared/protocol';
import { ZarrNwbBackend } from '../../src/nwbzarr/backend';
import { openZarr } from '../../src/zarr/reader';

export type SweepState = 'ready' | 'said' | 'error' | 'blank' | 'timeout';

export interface SweepRecord {
  file: string;
  path: string;
  type: string;
  view: string;
  state: SweepState;
  message: string;
}

export interface TypedObject {
  path: string;
  type: string;
}

/** The real files the sweep covers: NWB files, HDF5 files and hdmf-zarr stores. */
export function sweepFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter(name => /\.(nwb|h5)$/i.test(name) || /^hdmfzarr__.*\.zarr$/i.test(name))
    .sort();
}

/** Every object below `/` that has a type (groups and datasets), depth first; /specifications is the schema. */
export async function typedObjects(file: string, workerPath: string): Promise<TypedObject[]> {
  const isZarr = file.endsWith('.zarr');
  const h5 = isZarr
    ? null
    : await openHdf5({ kind: 'local', path: file }, { workerPath, deadlineMs: 60_000 });
  const nwb = h5
    ? new NwbFile(h5)
    : new NwbFile(new ZarrNwbBackend(await openZarr({ kind: 'local', path: file })));
  try {
    const out: TypedObject[] = [];
    const rootType = await nwb.typeOf('/');
    if (rootType) out.push({ path: '/', type: rootType });
    const walk = async (group: string): Promise<void> => {
      for (const entry of await nwb.reader.list(group)) {
        const p = joinPath(group, entry.name);
        if (p === '/specifications') continue;
        if (entry.kind !== 'group' && entry.kind !== 'dataset') continue;
        const type = await nwb.typeOf(p);
        if (type) out.push({ path: p, type });
        if (entry.kind === 'group') await walk(p);
      }
    };
    await walk('/');
    return out;
  } finally {
    await h5?.close();
  }
}

/** Asks the viewer to show `objectPath`, exactly as the host's `reveal` event does. */
export async function reveal(frame: FrameLocator, objectPath: string): Promise<void> {
  await frame.locator('body').evaluate(
    (_, message) => {
      (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(message, '*');
    },
    { tag: ENVELOPE_TAG, kind: 'event', event: { type: 'reveal', path: objectPath } },
  );
}

const cssString = (s: string): string => s.replace(/["\\]/g, '\\$&');

/** Waits for the view of `objectPath` to settle and judges what it shows. */
export async function judge(
  frame: FrameLocator,
  file: string,
  object: TypedObject,
  timeoutMs: number,
): Promise<SweepRecord> {
  const base = { file, path: object.path, type: object.type };
  const scope = `#view[data-path="${cssString(object.path)}"]`;
  const settled = frame.locator(`${scope}[data-state="ready"], ${scope}[data-state="error"]`).first();
  const ok = await settled.waitFor({ state: 'attached', timeout: timeoutMs }).then(
    () => true,
    () => false,
  );
  const view =
    (await frame
      .locator('#view')
      .getAttribute('data-view')
      .catch(() => null)) ?? '?';
  if (!ok) return { ...base, view, state: 'timeout', message: `not settled within ${timeoutMs / 1000} s` };
  const seen = await frame.locator('#view').evaluate(inspectView);
  return { ...base, view, state: seen.state, message: seen.message };
}

/**
 * Runs in the webview: what `#view` shows. tsconfig has no DOM library (host code must not see
 * browser globals), so the few members used are typed here.
 */
async function inspectView(node: unknown): Promise<{ state: SweepState; message: string }> {
  interface Rect {
    left: number;
    top: number;
    width: number;
    height: number;
  }
  interface Canvas {
    width: number;
    height: number;
    parentElement: Element | null;
    getBoundingClientRect(): Rect;
    getContext(
      kind: '2d',
    ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
  }
  interface Element {
    dataset: Record<string, string | undefined>;
    innerText: string;
    closest(selector: string): Element | null;
    querySelector(selector: string): Element | null;
    querySelectorAll(selector: string): ArrayLike<Element>;
    getBoundingClientRect(): Rect;
  }
  const root = node as Element;
  const frames = (globalThis as unknown as { requestAnimationFrame(cb: () => void): void })
    .requestAnimationFrame;
  // Charts paint on the next animation frames after the data arrive.
  await new Promise<void>(resolve => frames(() => frames(resolve)));
  const text = (e: Element | null): string => (e?.innerText ?? '').replace(/\s+/g, ' ').trim();
  if (root.dataset.state === 'error')
    return { state: 'error', message: text(root.querySelector('[role=alert]')) };
  const shownError = root.querySelector('.message-error');
  if (shownError) return { state: 'error', message: text(shownError) };
  const notes = Array.from(root.querySelectorAll('.data-note')).map(text).filter(Boolean);
  if (notes.length) return { state: 'said', message: notes.join(' | ') };

  /** Non-background pixels a canvas holds inside its plot area, lines across the whole area (grid) left out. */
  const drawnPixels = (canvas: Canvas): number => {
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
    const box = canvas.getBoundingClientRect();
    const over = canvas.parentElement?.closest('.uplot')?.querySelector('.u-over');
    const scale = box.width > 0 ? canvas.width / box.width : 1;
    let x = 0;
    let y = 0;
    let w = canvas.width;
    let hgt = canvas.height;
    if (over) {
      const o = over.getBoundingClientRect();
      x = Math.max(0, Math.round((o.left - box.left) * scale));
      y = Math.max(0, Math.round((o.top - box.top) * scale));
      w = Math.min(canvas.width - x, Math.round(o.width * scale));
      hgt = Math.min(canvas.height - y, Math.round(o.height * scale));
    }
    if (w <= 0 || hgt <= 0) return 0;
    const d = ctx.getImageData(x, y, w, hgt).data;
    const key = (i: number): number => ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0;
    // The background is the most common colour (transparent on uPlot's canvas).
    const counts = new Map<number, number>();
    for (let i = 0; i < d.length; i += 4) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
    let background = 0;
    let most = -1;
    for (const [k, n] of counts) if (n > most) [background, most] = [k, n];
    const lit = (px: number, py: number): boolean => key((py * w + px) * 4) !== background;
    // Thin lines across the whole plot area are grid lines (only on charts: an image may fill its
    // rows); a band many pixels thick across the area (a bar of a raster or timeline) is data.
    const thinLine = Math.max(3, Math.ceil(3 * scale));
    // A grid line is also of one colour: a spike tick drawn over it makes it mixed.
    const lines = (
      length: number,
      across: number,
      colourAt: (i: number, j: number) => number,
    ): Set<number> => {
      const full: boolean[] = [];
      for (let i = 0; i < length; i++) {
        const colours = new Map<number, number>();
        for (let j = 0; j < across; j++) {
          const c = colourAt(i, j);
          if (c !== background) colours.set(c, (colours.get(c) ?? 0) + 1);
        }
        const n = [...colours.values()].reduce((a, b) => a + b, 0);
        const uniform = Math.max(0, ...colours.values()) >= 0.9 * n;
        full.push(over !== null && over !== undefined && across > 8 && n > 0.8 * across && uniform);
      }
      const out = new Set<number>();
      for (let i = 0; i < length;) {
        let end = i;
        while (end < length && full[end]) end++;
        if (end - i <= thinLine) for (let k = i; k < end; k++) out.add(k);
        i = Math.max(end, i + 1);
      }
      return out;
    };
    const colourAt = (px: number, py: number): number => key((py * w + px) * 4);
    const fullRows = lines(hgt, w, (py, px) => colourAt(px, py));
    const fullCols = lines(w, hgt, (px, py) => colourAt(px, py));
    let drawn = 0;
    for (let py = 0; py < hgt; py++) {
      if (fullRows.has(py)) continue;
      for (let px = 0; px < w; px++) if (!fullCols.has(px) && lit(px, py)) drawn++;
    }
    return drawn;
  };
  const canvases = Array.from(root.querySelectorAll('canvas')) as unknown as Canvas[];
  const visible = canvases.filter(c => c.getBoundingClientRect().width > 0);
  if (visible.length > 0) {
    const drawn = visible.map(drawnPixels);
    const total = drawn.reduce((a, b) => a + b, 0);
    if (total === 0)
      return { state: 'blank', message: `${visible.length} canvas(es), nothing drawn in the plot area` };
    return { state: 'ready', message: `${total} pixels drawn on ${visible.length} canvas(es)` };
  }
  const empty = root.querySelector('.message-empty');
  if (empty) return { state: 'blank', message: `only "${text(empty)}"` };
  const body = text(root.querySelector('.view-body'));
  if (!body) return { state: 'blank', message: 'the view shows nothing' };
  return { state: 'ready', message: body.slice(0, 80) };
}

/** Writes the records where CI keeps its results. */
export function writeSweep(resultsDir: string, records: SweepRecord[]): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, 'sweep.json');
  fs.writeFileSync(file, JSON.stringify(records, null, 1) + '\n');
  return file;
}
