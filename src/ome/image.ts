/**
 * An OME-Zarr store through the Zarr reader: what its root holds (an image, bioformats2raw series,
 * an HCS plate), each image's levels with their arrays' shapes, and tiles read chunk-aligned. Reads
 * keys by name (the reader's consolidated metadata when present); never lists the store.
 */
import type { ZarrNodeInfo, ZarrReader, ZarrSelection, ZarrValues } from '../zarr/types';
import {
  axisIndex,
  type OmeImageInfo,
  type OmeLevel,
  type OmeRoot,
  type TileReply,
  type TileRequest,
} from '../shared/omeProtocol';
import {
  bioformatsLayout,
  isLabelImage,
  OmeMetadataError,
  parseLabels,
  parseMultiscales,
  parseOmero,
  parsePlate,
  parseSeries,
  parseWell,
} from './ngff';

export function joinPath(...parts: string[]): string {
  return parts
    .flatMap(p => p.split('/'))
    .filter(p => p !== '')
    .join('/');
}

async function groupAttributes(
  reader: ZarrReader,
  path: string,
): Promise<ZarrNodeInfo['attributes'] | undefined> {
  const node = await reader.node(path);
  return node?.kind === 'group' ? node.attributes : undefined;
}

/** What the root holds; throws an {@link OmeMetadataError} when it is no OME-Zarr. */
export async function describeRoot(reader: ZarrReader, path = ''): Promise<OmeRoot> {
  const attrs = await groupAttributes(reader, path);
  if (!attrs) throw new OmeMetadataError(`${path || 'the root'} is not a Zarr group`);
  const plate = parsePlate(attrs);
  if (plate) return { kind: 'plate', plate };
  if (parseMultiscales(attrs)) return { kind: 'image', image: path };
  if (bioformatsLayout(attrs) !== undefined) {
    const omeAttrs = await groupAttributes(reader, joinPath(path, 'OME'));
    const declared = omeAttrs ? parseSeries(omeAttrs) : undefined;
    const series = declared ?? (await probeSeries(reader, path));
    if (series.length === 0) throw new OmeMetadataError('bioformats2raw layout without any series');
    return { kind: 'series', series: series.map(s => joinPath(path, s)) };
  }
  throw new OmeMetadataError('no OME-NGFF metadata (multiscales, bioformats2raw.layout or plate)');
}

/** bioformats2raw without `OME/.zattrs` series: images are 0, 1, 2... until one is missing. */
async function probeSeries(reader: ZarrReader, path: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const attrs = await groupAttributes(reader, joinPath(path, String(i)));
    if (!attrs || !parseMultiscales(attrs)) break;
    out.push(String(i));
  }
  return out;
}

/** The field image paths of a plate's well. */
export async function wellFields(reader: ZarrReader, wellPath: string): Promise<string[]> {
  const attrs = await groupAttributes(reader, wellPath);
  const fields = attrs ? parseWell(attrs) : undefined;
  if (!fields) throw new OmeMetadataError(`${wellPath} is not an HCS well`);
  return fields.map(f => joinPath(wellPath, f));
}

const LABEL_NAME = /(^|[^a-z])(label|labels|segmentation|segmentations|mask|masks)([^a-z]|$)/i;

/** One image: multiscales, the level arrays' shapes, channels and label images. */
export async function openImage(reader: ZarrReader, path: string, storeName = ''): Promise<OmeImageInfo> {
  const attrs = await groupAttributes(reader, path);
  const spec = attrs ? parseMultiscales(attrs) : undefined;
  if (!attrs || !spec) throw new OmeMetadataError(`${path || 'the root'} has no multiscales`);
  const levels: OmeLevel[] = [];
  for (const l of spec.levels) {
    const node = await reader.node(joinPath(path, l.path));
    if (node?.kind !== 'array') throw new OmeMetadataError(`level ${l.path} is not an array`);
    if (node.shape.length !== spec.axes.length)
      throw new OmeMetadataError(
        `level ${l.path} has ${node.shape.length} dimensions, the axes ${spec.axes.length}`,
      );
    levels.push({
      path: joinPath(path, l.path),
      shape: node.shape,
      chunks: node.chunks,
      dtype: node.dtype,
      scale: l.scale ?? [],
      translation: l.translation ?? node.shape.map(() => 0),
    });
  }
  // NGFF ≤ 0.3 has no transforms: each level's spacing is the shape ratio to level 0.
  const base = levels[0] as OmeLevel;
  for (const level of levels)
    if (level.scale.length === 0) level.scale = level.shape.map((n, i) => (base.shape[i] as number) / n);
  const axes = axisIndex(spec.axes);
  const channelCount = axes.c >= 0 ? (base.shape[axes.c] as number) : 1;
  const labelsAttrs = await groupAttributes(reader, joinPath(path, 'labels'));
  const labelPaths = labelsAttrs ? parseLabels(labelsAttrs).map(n => joinPath(path, 'labels', n)) : [];
  const name = spec.name && spec.name !== '/' ? spec.name : path || storeName;
  const integer = /^[<>|]?[iu]\d$|^u?int\d+$/.test(base.dtype);
  return {
    path,
    name,
    version: spec.version,
    axes: spec.axes,
    levels,
    channels: parseOmero(attrs, channelCount),
    labels: isLabelImage(attrs) || (integer && LABEL_NAME.test(`${storeName} ${path}`)),
    labelPaths,
  };
}

function typeName(values: ZarrValues): string {
  if (Array.isArray(values))
    throw new OmeMetadataError('an image level holds strings or objects, not numbers');
  return values.constructor.name;
}

/** One tile of one channel: a 2-D block of a level at (t, c, z). */
export async function readTile(
  reader: ZarrReader,
  image: OmeImageInfo,
  req: TileRequest,
  signal?: AbortSignal,
): Promise<{
  reply: Omit<TileReply, 'data'>;
  values: Exclude<ZarrValues, string[] | unknown[] | BigInt64Array | BigUint64Array>;
}> {
  const level = image.levels[req.level];
  if (!level) throw new OmeMetadataError(`no level ${req.level}`);
  const ax = axisIndex(image.axes);
  const selection: ZarrSelection = image.axes.map((_, i) => {
    if (i === ax.y) return { start: req.y0, stop: req.y1 };
    if (i === ax.x) return { start: req.x0, stop: req.x1 };
    if (i === ax.c) return req.channel;
    if (i === ax.z) return req.z;
    if (i === ax.t) return req.t;
    return 0;
  });
  const read = (await reader.read(level.path, selection, signal)).values;
  typeName(read);
  // 64-bit integers (label ids, counts) are drawn as doubles: exact below 2^53.
  const values =
    read instanceof BigInt64Array || read instanceof BigUint64Array
      ? Float64Array.from(read, Number)
      : (read as Exclude<ZarrValues, string[] | unknown[] | BigInt64Array | BigUint64Array>);
  return {
    reply: { height: req.y1 - req.y0, width: req.x1 - req.x0, type: typeName(values) },
    values,
  };
}

/** Per channel the 0.5 and 99.5 percentiles of the coarsest level's plane (NaNs skipped). */
export async function coarseContrast(
  reader: ZarrReader,
  image: OmeImageInfo,
  z: number,
  t: number,
  signal?: AbortSignal,
): Promise<[number, number][]> {
  const last = image.levels.length - 1;
  const level = image.levels[last] as OmeLevel;
  const ax = axisIndex(image.axes);
  const out: [number, number][] = [];
  for (let c = 0; c < image.channels.length; c++) {
    const zc =
      ax.z >= 0
        ? Math.min(
            Math.round((z * (image.levels[0]?.scale[ax.z] ?? 1)) / (level.scale[ax.z] as number)),
            (level.shape[ax.z] as number) - 1,
          )
        : 0;
    const { values } = await readTile(
      reader,
      image,
      {
        image: image.path,
        level: last,
        channel: c,
        z: zc,
        t,
        y0: 0,
        y1: level.shape[ax.y] as number,
        x0: 0,
        x1: level.shape[ax.x] as number,
      },
      signal,
    );
    out.push(percentiles(values, 0.005, 0.995));
  }
  return out;
}

export function percentiles(values: ArrayLike<number | bigint>, low: number, high: number): [number, number] {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length === 0) return [0, 1];
  finite.sort((a, b) => a - b);
  const at = (q: number): number =>
    finite[Math.min(finite.length - 1, Math.floor(q * (finite.length - 1)))] as number;
  const lo = at(low);
  const hi = at(high);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}
