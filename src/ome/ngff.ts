/**
 * OME-NGFF metadata (0.4 in `.zattrs`, 0.5 under `attributes.ome` of `zarr.json`, and the 0.1-0.3
 * shapes that writers still emit): multiscales with axes and per-level transforms, `omero`
 * channels, `bioformats2raw.layout`, HCS `plate` and `well`, label images. Pure functions over
 * attribute JSON; src/ome/image.ts joins them with the arrays' shapes from the reader.
 */
import type { ZarrJson } from '../zarr/types';
import type { OmeAxis, OmeChannel, OmePlate } from '../shared/omeProtocol';

type JsonObject = { [key: string]: ZarrJson };

export class OmeMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OmeMetadataError';
  }
}

function isObject(v: ZarrJson | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numbers(v: ZarrJson | undefined): number[] | undefined {
  return Array.isArray(v) && v.every(n => typeof n === 'number') ? (v as number[]) : undefined;
}

/** The NGFF attributes of a group: `attributes.ome` (0.5) with its version, else the attributes (≤ 0.4). */
export function ngffAttributes(attributes: Record<string, ZarrJson>): {
  attrs: JsonObject;
  version?: string;
} {
  const ome = attributes.ome;
  if (isObject(ome))
    return { attrs: ome, version: typeof ome.version === 'string' ? ome.version : undefined };
  return { attrs: attributes };
}

export interface MultiscaleLevelSpec {
  path: string;
  /** Absent for NGFF ≤ 0.3, which has no transforms: derived from the shapes later. */
  scale?: number[];
  translation?: number[];
}

export interface MultiscaleSpec {
  version: string;
  name?: string;
  axes: OmeAxis[];
  levels: MultiscaleLevelSpec[];
}

const AXIS_TYPES: Record<string, string> = { t: 'time', c: 'channel', z: 'space', y: 'space', x: 'space' };

function parseAxes(raw: ZarrJson | undefined): OmeAxis[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.map((a, i) => {
    // NGFF 0.3 lists axis names as strings.
    if (typeof a === 'string') return { name: a, type: AXIS_TYPES[a] ?? 'space' };
    if (!isObject(a) || typeof a.name !== 'string') throw new OmeMetadataError(`axis ${i} has no name`);
    const type = typeof a.type === 'string' ? a.type : (AXIS_TYPES[a.name] ?? 'space');
    return typeof a.unit === 'string' ? { name: a.name, type, unit: a.unit } : { name: a.name, type };
  });
}

/** Scale and translation of a `coordinateTransformations` list (scales multiply, translations add). */
function parseTransforms(
  raw: ZarrJson | undefined,
  rank: number,
  where: string,
): { scale?: number[]; translation?: number[] } {
  if (!Array.isArray(raw)) return {};
  let scale: number[] | undefined;
  let translation: number[] | undefined;
  for (const t of raw) {
    if (!isObject(t)) continue;
    if (t.type === 'scale') {
      const s = numbers(t.scale);
      if (!s || s.length !== rank) throw new OmeMetadataError(`${where}: scale needs ${rank} numbers`);
      scale = scale ? scale.map((v, i) => v * (s[i] as number)) : s;
    } else if (t.type === 'translation') {
      const s = numbers(t.translation);
      if (!s || s.length !== rank) throw new OmeMetadataError(`${where}: translation needs ${rank} numbers`);
      translation = translation ? translation.map((v, i) => v + (s[i] as number)) : s;
    }
  }
  return { scale, translation };
}

/** The first multiscale of a group's attributes, or undefined when the group is not an NGFF image. */
export function parseMultiscales(attributes: Record<string, ZarrJson>): MultiscaleSpec | undefined {
  const { attrs, version: omeVersion } = ngffAttributes(attributes);
  const list = attrs.multiscales;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const ms = list[0];
  if (!isObject(ms)) throw new OmeMetadataError('multiscales[0] is not an object');
  const version = omeVersion ?? (typeof ms.version === 'string' ? ms.version : '0.4');
  const datasets = ms.datasets;
  if (!Array.isArray(datasets) || datasets.length === 0)
    throw new OmeMetadataError('multiscales[0] has no datasets');
  let axes = parseAxes(ms.axes);
  // Rank from the axes, else from the first dataset's scale (0.1/0.2 have no axes: t,c,z,y,x).
  const rank =
    axes?.length ??
    (isObject(datasets[0]) && Array.isArray(datasets[0].coordinateTransformations)
      ? (numbers((datasets[0].coordinateTransformations[0] as JsonObject | undefined)?.scale)?.length ?? 5)
      : 5);
  axes ??= ['t', 'c', 'z', 'y', 'x']
    .slice(5 - rank)
    .map(name => ({ name, type: AXIS_TYPES[name] as string }));
  const global = parseTransforms(ms.coordinateTransformations, rank, 'multiscales[0]');
  const levels = datasets.map((d, i): MultiscaleLevelSpec => {
    if (!isObject(d) || typeof d.path !== 'string') throw new OmeMetadataError(`dataset ${i} has no path`);
    const own = parseTransforms(d.coordinateTransformations, rank, `dataset ${d.path}`);
    let scale = own.scale;
    let translation = own.translation;
    // The multiscale-level transform applies after each dataset's own.
    if (global.scale) {
      scale = (scale ?? global.scale.map(() => 1)).map((v, k) => v * (global.scale?.[k] as number));
      translation = translation?.map((v, k) => v * (global.scale?.[k] as number));
    }
    if (global.translation)
      translation = (translation ?? global.translation.map(() => 0)).map(
        (v, k) => v + (global.translation?.[k] as number),
      );
    return { path: d.path, ...(scale ? { scale } : {}), ...(translation ? { translation } : {}) };
  });
  return { version, ...(typeof ms.name === 'string' ? { name: ms.name } : {}), axes, levels };
}

function hexColor(v: ZarrJson | undefined, index: number): string {
  if (typeof v === 'string' && /^[0-9a-f]{6}$/i.test(v)) return v.toUpperCase();
  // No colour: white for a single channel, else a distinct primary per channel.
  return ['FFFFFF', 'FF0000', '00FF00', '0000FF', 'FFFF00', 'FF00FF', '00FFFF'][index % 7] as string;
}

/** `omero.channels`: label, colour, window and active flag per channel. */
export function parseOmero(attributes: Record<string, ZarrJson>, channelCount: number): OmeChannel[] {
  const { attrs } = ngffAttributes(attributes);
  const omero = attrs.omero;
  const raw = isObject(omero) && Array.isArray(omero.channels) ? omero.channels : [];
  const out: OmeChannel[] = [];
  for (let i = 0; i < channelCount; i++) {
    const c = raw[i];
    const o = isObject(c) ? c : {};
    const w = isObject(o.window) ? o.window : undefined;
    const window =
      w && typeof w.start === 'number' && typeof w.end === 'number' && w.end > w.start
        ? { start: w.start, end: w.end }
        : undefined;
    const label =
      typeof o.label === 'string' || typeof o.label === 'number' ? String(o.label) : `channel ${i}`;
    out.push({
      label,
      color: hexColor(o.color, channelCount === 1 && !isObject(c) ? 0 : i),
      active: typeof o.active === 'boolean' ? o.active : true,
      ...(window ? { window } : {}),
      ...(w && typeof w.min === 'number' && typeof w.max === 'number'
        ? { range: { min: w.min, max: w.max } }
        : {}),
    });
  }
  if (channelCount === 1 && !isObject(raw[0])) (out[0] as OmeChannel).color = 'FFFFFF';
  return out;
}

/** A `bioformats2raw.layout` root's declared layout version, if any. */
export function bioformatsLayout(attributes: Record<string, ZarrJson>): number | undefined {
  const { attrs } = ngffAttributes(attributes);
  const v = attrs['bioformats2raw.layout'];
  return typeof v === 'number' ? v : undefined;
}

/** `OME/.zattrs` `series` of a bioformats2raw store. */
export function parseSeries(attributes: Record<string, ZarrJson>): string[] | undefined {
  const { attrs } = ngffAttributes(attributes);
  const s = attrs.series;
  return Array.isArray(s) && s.every(p => typeof p === 'string') ? (s as string[]) : undefined;
}

function names(v: ZarrJson | undefined): string[] {
  return Array.isArray(v) ? v.map(r => (isObject(r) && typeof r.name === 'string' ? r.name : '?')) : [];
}

/** HCS `plate`: rows, columns and well paths. */
export function parsePlate(attributes: Record<string, ZarrJson>): OmePlate | undefined {
  const { attrs } = ngffAttributes(attributes);
  const p = attrs.plate;
  if (!isObject(p)) return undefined;
  if (!Array.isArray(p.wells)) throw new OmeMetadataError('plate has no wells');
  const wells = p.wells.map((w, i) => {
    if (!isObject(w) || typeof w.path !== 'string') throw new OmeMetadataError(`plate well ${i} has no path`);
    return { path: w.path };
  });
  return {
    ...(typeof p.name === 'string' ? { name: p.name } : {}),
    rows: names(p.rows),
    columns: names(p.columns),
    wells,
  };
}

/** HCS `well`: the field image paths. */
export function parseWell(attributes: Record<string, ZarrJson>): string[] | undefined {
  const { attrs } = ngffAttributes(attributes);
  const w = attrs.well;
  if (!isObject(w) || !Array.isArray(w.images)) return undefined;
  return w.images.flatMap(img => (isObject(img) && typeof img.path === 'string' ? [img.path] : []));
}

/** The label image names of a `labels` group, and whether an image is itself a label image. */
export function parseLabels(attributes: Record<string, ZarrJson>): string[] {
  const { attrs } = ngffAttributes(attributes);
  const l = attrs.labels;
  return Array.isArray(l) ? l.filter((n): n is string => typeof n === 'string') : [];
}

export function isLabelImage(attributes: Record<string, ZarrJson>): boolean {
  const { attrs } = ngffAttributes(attributes);
  return isObject(attrs['image-label']);
}
