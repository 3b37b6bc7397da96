/**
 * A Zarr store's hierarchy for people and scripts (`npm run inspect`): every group and array with
 * shape, dtype, chunks, codecs and NWB neurodata type, and for OME-Zarr images the multiscale
 * levels with their shapes and scales. Metadata only. Children come from consolidated metadata or
 * a cheap listing, plus the paths the metadata itself names (OME multiscale levels, plate wells,
 * well fields, bioformats2raw series), so a store without consolidated metadata on a plain HTTP
 * prefix is still walked without listing it.
 */
import { joinKey } from './hierarchy';
import type { ZarrJson, ZarrNodeInfo, ZarrReader } from './types';

export interface ZarrInspectNode {
  path: string;
  kind: 'group' | 'array';
  neurodataType?: string;
  namespace?: string;
  shape?: number[];
  dtype?: string;
  chunks?: number[];
  codecs?: string[];
  fillValue?: ZarrJson;
  unreadable?: string;
}

export interface MultiscaleLevel {
  path: string;
  shape?: number[];
  scale?: number[];
  translation?: number[];
}

export interface Multiscale {
  /** The image group. */
  path: string;
  name?: string;
  version?: string;
  axes: { name: string; type?: string; unit?: string }[];
  levels: MultiscaleLevel[];
}

export interface ZarrInspectReport {
  store: string;
  zarrFormat: 2 | 3;
  consolidated: boolean;
  nodes: ZarrInspectNode[];
  multiscales: Multiscale[];
}

type JsonObject = { [key: string]: ZarrJson };
const isObject = (v: ZarrJson | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const asNumbers = (v: ZarrJson | undefined): number[] | undefined =>
  Array.isArray(v) && v.every(n => typeof n === 'number') ? (v as number[]) : undefined;

/** OME attributes: NGFF 0.5 nests them under `ome`; 0.4 keeps them at the top. */
function omeOf(attributes: JsonObject): JsonObject {
  return isObject(attributes.ome) ? attributes.ome : attributes;
}

function transforms(list: ZarrJson | undefined): { scale?: number[]; translation?: number[] } {
  const out: { scale?: number[]; translation?: number[] } = {};
  for (const t of Array.isArray(list) ? list : []) {
    if (!isObject(t)) continue;
    if (t.type === 'scale') out.scale = asNumbers(t.scale);
    if (t.type === 'translation') out.translation = asNumbers(t.translation);
  }
  return out;
}

/** Paths below a group that its own metadata names (multiscale levels, wells, fields, series). */
function namedChildren(attributes: JsonObject): string[] {
  const ome = omeOf(attributes);
  const names: string[] = [];
  for (const m of Array.isArray(ome.multiscales) ? ome.multiscales : [])
    if (isObject(m) && Array.isArray(m.datasets))
      for (const d of m.datasets) if (isObject(d) && typeof d.path === 'string') names.push(d.path);
  if (isObject(ome.plate) && Array.isArray(ome.plate.wells))
    for (const w of ome.plate.wells) if (isObject(w) && typeof w.path === 'string') names.push(w.path);
  if (isObject(ome.well) && Array.isArray(ome.well.images))
    for (const i of ome.well.images) if (isObject(i) && typeof i.path === 'string') names.push(i.path);
  return names;
}

/** A bioformats2raw container's series: listed in `OME/.zattrs` (`series`), else just `0`. */
async function seriesOf(reader: ZarrReader, group: ZarrNodeInfo): Promise<string[]> {
  if (omeOf(group.attributes)['bioformats2raw.layout'] === undefined) return [];
  const ome = await reader.node(joinKey(group.path, 'OME'));
  const series = ome ? omeOf(ome.attributes).series : undefined;
  const names = Array.isArray(series) ? series.filter((s): s is string => typeof s === 'string') : ['0'];
  return ['OME', ...names];
}

function describe(node: ZarrNodeInfo): ZarrInspectNode {
  const out: ZarrInspectNode = { path: node.path || '/', kind: node.kind };
  const type = node.attributes.neurodata_type;
  if (typeof type === 'string') out.neurodataType = type;
  if (typeof node.attributes.namespace === 'string') out.namespace = node.attributes.namespace;
  if (node.kind === 'array') {
    Object.assign(out, {
      shape: node.shape,
      dtype: node.dtype,
      chunks: node.chunks,
      codecs: node.codecs,
      fillValue: node.fillValue,
    });
    if (node.unreadable) out.unreadable = node.unreadable;
  }
  return out;
}

async function multiscalesOf(reader: ZarrReader, group: ZarrNodeInfo): Promise<Multiscale[]> {
  const ome = omeOf(group.attributes);
  const out: Multiscale[] = [];
  for (const m of Array.isArray(ome.multiscales) ? ome.multiscales : []) {
    if (!isObject(m)) continue;
    const axes = (Array.isArray(m.axes) ? m.axes : []).map(a =>
      isObject(a)
        ? {
            name: String(a.name),
            ...(typeof a.type === 'string' ? { type: a.type } : {}),
            ...(typeof a.unit === 'string' ? { unit: a.unit } : {}),
          }
        : { name: String(a) },
    );
    const levels: MultiscaleLevel[] = [];
    for (const d of Array.isArray(m.datasets) ? m.datasets : []) {
      if (!isObject(d) || typeof d.path !== 'string') continue;
      const path = joinKey(group.path, d.path);
      const level = await reader.node(path);
      levels.push({
        path,
        ...(level?.kind === 'array' ? { shape: level.shape } : {}),
        ...transforms(d.coordinateTransformations),
      });
    }
    const version =
      typeof m.version === 'string' ? m.version : typeof ome.version === 'string' ? ome.version : undefined;
    out.push({
      path: group.path || '/',
      ...(typeof m.name === 'string' ? { name: m.name } : {}),
      ...(version ? { version } : {}),
      axes,
      levels,
    });
  }
  return out;
}

/** Walks the store from its root; at most `maxNodes` nodes. */
export async function inspectZarr(reader: ZarrReader, maxNodes = 100_000): Promise<ZarrInspectReport> {
  const root = await reader.node('');
  const nodes: ZarrInspectNode[] = [];
  const multiscales: Multiscale[] = [];
  const seen = new Set<string>();
  const visit = async (node: ZarrNodeInfo): Promise<void> => {
    if (seen.has(node.path) || nodes.length >= maxNodes) return;
    seen.add(node.path);
    nodes.push(describe(node));
    if (node.kind !== 'group') return;
    multiscales.push(...(await multiscalesOf(reader, node)));
    const children = await reader.children(node.path);
    const known = new Set(children.map(c => c.path));
    for (const name of [...namedChildren(node.attributes), ...(await seriesOf(reader, node))]) {
      const path = joinKey(node.path, name);
      if (known.has(path)) continue;
      const child = await reader.node(path);
      if (child) children.push(child);
      known.add(path);
    }
    for (const child of children.sort((a, b) => (a.path < b.path ? -1 : 1))) await visit(child);
  };
  if (root) await visit(root);
  return {
    store: reader.label,
    zarrFormat: root?.zarrFormat ?? 2,
    consolidated: reader.consolidated,
    nodes,
    multiscales,
  };
}

/** The report as indented text. */
export function formatZarrReport(report: ZarrInspectReport): string {
  const lines = [
    `${report.store} (Zarr v${report.zarrFormat}${report.consolidated ? ', consolidated' : ''})`,
  ];
  for (const n of report.nodes) {
    const type = n.neurodataType ? ` [${n.namespace ? `${n.namespace}:` : ''}${n.neurodataType}]` : '';
    if (n.kind === 'group') lines.push(`${n.path === '/' ? '' : n.path}/${type}`);
    else
      lines.push(
        `${n.path}${type}  ${n.dtype} (${(n.shape ?? []).join(' × ')}) chunks (${(n.chunks ?? []).join(', ')}) ${(n.codecs ?? []).join(' | ') || 'raw'}` +
          (n.unreadable ? `  UNREADABLE: ${n.unreadable}` : ''),
      );
  }
  for (const m of report.multiscales) {
    lines.push(
      `\nOME-Zarr image ${m.path}${m.name ? ` "${m.name}"` : ''}${m.version ? ` (NGFF ${m.version})` : ''}, axes ${m.axes.map(a => a.name + (a.unit ? ` [${a.unit}]` : '')).join(', ')}`,
    );
    for (const l of m.levels)
      lines.push(
        `  ${l.path}  (${(l.shape ?? []).join(' × ')})  scale ${(l.scale ?? []).join(', ')}${l.translation ? `  translation ${l.translation.join(', ')}` : ''}`,
      );
  }
  return lines.join('\n');
}
