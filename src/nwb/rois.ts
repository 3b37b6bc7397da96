/**
 * PlaneSegmentation ROIs as sparse pixel lists, whichever way the table stores them:
 * `image_mask` ([roi, x, y] dense weights, sparsified here), `pixel_mask` (compound x, y, weight +
 * `pixel_mask_index`) or `voxel_mask` (x, y, z, weight + index). Also finds a summary image of the
 * same imaging plane and the RoiResponseSeries whose `rois` region points at the table.
 */
import type { H5Entry } from '../hdf5/types';
import type { ImageFrame, RoiSet } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import { imageFrame } from './images';
import type { NwbFile } from './nwbFile';
import { joinPath, parentPath, refPath, toNumber } from './reader';
import { raggedRanges, regionRows, tableIds } from './table';

const DEFAULT_ROI_LIMIT = 2000;
/** The most ROIs one request returns, whatever `limit` the webview asks for. */
const MAX_ROI_LIMIT = 20_000;

interface MaskPixels {
  offsets: number[];
  x: number[];
  y: number[];
  z: number[] | null;
  weight: number[];
}

export async function roiSet(
  nwb: NwbFile,
  path: string,
  limit = DEFAULT_ROI_LIMIT,
  signal?: AbortSignal,
): Promise<RoiSet> {
  const r = nwb.reader;
  const ids = await tableIds(nwb, path);
  const roiCount = ids.length;
  const asked = Number.isFinite(limit) ? Math.floor(limit) : DEFAULT_ROI_LIMIT;
  const n = Math.min(roiCount, Math.max(1, Math.min(asked, MAX_ROI_LIMIT)));
  let maskKind: RoiSet['maskKind'];
  let pixels: MaskPixels;
  let height = 0;
  let width = 0;
  if (await r.exists(joinPath(path, 'image_mask'))) {
    maskKind = 'image_mask';
    const info = await r.datasetInfo(joinPath(path, 'image_mask'));
    [height, width] = [info.shape[1] ?? 0, info.shape[2] ?? 0];
    pixels = await sparsifyImageMasks(nwb, joinPath(path, 'image_mask'), info.shape, n, signal);
  } else if (await r.exists(joinPath(path, 'pixel_mask'))) {
    maskKind = 'pixel_mask';
    pixels = await readListMasks(nwb, path, 'pixel_mask', n, signal);
  } else if (await r.exists(joinPath(path, 'voxel_mask'))) {
    maskKind = 'voxel_mask';
    pixels = await readListMasks(nwb, path, 'voxel_mask', n, signal);
  } else {
    throw new Error(`${path} has no image_mask, pixel_mask or voxel_mask`);
  }
  const summaryImage = await findSummaryImage(nwb, path, signal).catch(() => undefined);
  if (!height || !width) {
    height = summaryImage?.height ?? largest(pixels.x) + 1;
    width = summaryImage?.width ?? largest(pixels.y) + 1;
  }
  const set: RoiSet = {
    path,
    width,
    height,
    roiCount,
    ids: ids.slice(0, n),
    offsets: toArrayBuffer(Uint32Array.from(pixels.offsets)),
    x: toArrayBuffer(Uint32Array.from(pixels.x)),
    y: toArrayBuffer(Uint32Array.from(pixels.y)),
    weight: toArrayBuffer(Float32Array.from(pixels.weight)),
    maskKind,
    responses: await findResponses(nwb, path),
    truncated: n < roiCount,
  };
  if (pixels.z) set.z = toArrayBuffer(Uint32Array.from(pixels.z));
  if (summaryImage) set.summaryImage = summaryImage;
  return set;
}

/** The largest value, or 0 (a loop: `Math.max(...xs)` overflows the stack past ~100k values). */
function largest(xs: readonly number[]): number {
  let max = 0;
  for (const x of xs) if (x > max) max = x;
  return max;
}

/** Non-zero pixels of image_mask[0..n), read in batches of ROIs to bound memory. */
async function sparsifyImageMasks(
  nwb: NwbFile,
  path: string,
  shape: number[],
  n: number,
  signal?: AbortSignal,
): Promise<MaskPixels> {
  const out: MaskPixels = { offsets: [0], x: [], y: [], z: shape.length > 3 ? [] : null, weight: [] };
  const perRoi = shape.slice(1).reduce((a, b) => a * b, 1);
  const batch = Math.max(1, Math.floor(nwb.limits.maxElements / Math.max(1, perRoi)));
  const [w, d] = [shape[2] ?? 1, shape[3] ?? 1];
  for (let first = 0; first < n; first += batch) {
    signal?.throwIfAborted();
    const count = Math.min(batch, n - first);
    const sel = { start: [first, ...shape.slice(1).map(() => 0)], count: [count, ...shape.slice(1)] };
    const data = await nwb.reader.readNumbers(path, sel, { signal, maxElements: nwb.limits.maxElements });
    for (let roi = 0; roi < count; roi++) {
      const base = roi * perRoi;
      for (let k = 0; k < perRoi; k++) {
        const v = data[base + k];
        if (!v) continue;
        if (out.x.length >= nwb.limits.maxElements)
          throw new Error(
            `the masks of ${path} have more than ${nwb.limits.maxElements} pixels (the maxSliceElements setting)`,
          );
        out.x.push(Math.floor(k / (w * d)));
        out.y.push(Math.floor(k / d) % w);
        out.z?.push(k % d);
        out.weight.push(v);
      }
      out.offsets.push(out.x.length);
    }
  }
  return out;
}

/** pixel_mask / voxel_mask: compound rows (x, y[, z], weight) split per ROI by `<name>_index`. */
async function readListMasks(
  nwb: NwbFile,
  table: string,
  name: 'pixel_mask' | 'voxel_mask',
  n: number,
  signal?: AbortSignal,
): Promise<MaskPixels> {
  const indexPath = joinPath(table, `${name}_index`);
  const ranges = n > 0 ? await raggedRanges(nwb, indexPath, 0, n, signal) : [];
  const end = ranges.length ? ranges[ranges.length - 1][1] : 0;
  const info = await nwb.reader.datasetInfo(joinPath(table, name));
  const members = info.dtype.members?.map(m => m.name) ?? [];
  const rows =
    end > 0
      ? await nwb.reader.readValues(
          joinPath(table, name),
          { start: [0], count: [end] },
          { signal, maxElements: nwb.limits.maxElements },
        )
      : [];
  const out: MaskPixels = { offsets: [0], x: [], y: [], z: name === 'voxel_mask' ? [] : null, weight: [] };
  const field = (row: unknown, key: string, position: number): number => {
    if (Array.isArray(row)) return toNumber(row[position]) ?? 0;
    if (typeof row === 'object' && row !== null) return toNumber((row as Record<string, never>)[key]) ?? 0;
    return 0;
  };
  const pos = (key: string, fallback: number) =>
    members.indexOf(key) >= 0 ? members.indexOf(key) : fallback;
  for (const [a, b] of ranges) {
    for (let k = a; k < b; k++) {
      const row = rows[k];
      out.x.push(field(row, 'x', pos('x', 0)));
      out.y.push(field(row, 'y', pos('y', 1)));
      out.z?.push(field(row, 'z', pos('z', 2)));
      out.weight.push(field(row, 'weight', pos('weight', name === 'voxel_mask' ? 3 : 2)));
    }
    out.offsets.push(out.x.length);
  }
  return out;
}

/**
 * A summary image for the plane: the table's `reference_images`, an Images container beside the
 * segmentation (the maximum-intensity projection preferred, as the Allen Brain Observatory files
 * are read, then a mean image), or the first frame of a TwoPhotonSeries.
 */
async function findSummaryImage(
  nwb: NwbFile,
  table: string,
  signal?: AbortSignal,
): Promise<ImageFrame | undefined> {
  const r = nwb.reader;
  const refs = joinPath(table, 'reference_images');
  for (const child of await r.typedChildren(refs)) {
    return await imageFrame(nwb, child.path, 0, 0, signal);
  }
  const segmentation = parentPath(table);
  const module = parentPath(segmentation);
  const candidates: H5Entry[] = [];
  for (const child of await r.typedChildren(module)) {
    if (await nwb.isA(child.path, 'Images'))
      for (const e of await r.typedChildren(child.path)) candidates.push(e);
  }
  const images = candidates.filter(e => e.kind === 'dataset');
  const preferred =
    images.find(e => /max/i.test(e.name)) ?? images.find(e => /mean|avg|average/i.test(e.name)) ?? images[0];
  if (preferred) return imageFrame(nwb, preferred.path, 0, 0, signal);
  for (const series of await r.typedChildren('/acquisition')) {
    if (await nwb.isA(series.path, 'TwoPhotonSeries')) return imageFrame(nwb, series.path, 0, 0, signal);
  }
  return undefined;
}

/** RoiResponseSeries under /processing and /acquisition whose `rois` region targets `table`. */
async function findResponses(nwb: NwbFile, table: string): Promise<RoiSet['responses']> {
  const r = nwb.reader;
  const out: RoiSet['responses'] = [];
  const containers: string[] = ['/acquisition'];
  if (await r.exists('/processing')) {
    for (const module of await r.list('/processing')) {
      containers.push(module.path);
      for (const child of await r.typedChildren(module.path)) containers.push(child.path);
    }
  }
  for (const container of containers) {
    for (const child of await r.typedChildren(container)) {
      if (!(await nwb.isA(child.path, 'RoiResponseSeries'))) continue;
      const rois = joinPath(child.path, 'rois');
      // The `table` attribute, or the table the region references point into (NWB 1.x, MatNWB).
      const target =
        refPath(await r.attr(rois, 'table').catch(() => undefined)) ??
        (await regionRows(nwb, rois, 1_000_000).catch(() => undefined))?.table;
      if (target === table)
        out.push({ path: child.path, name: child.name, neurodataType: child.neurodataType });
    }
  }
  return out;
}
