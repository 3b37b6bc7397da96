/**
 * A file's NWB objects in a few lines each, for chat tools and scripts: the engine's walk (the
 * nodes `npm run inspect` prints, from src/hdf5/inspect.ts or src/zarr/inspect.ts) with the NWB
 * semantics of each typed object added: the TimeSeries' unit and time range (./timeseries.ts),
 * a table's rows and columns. Reads metadata and, per series, at most its first and last timestamp.
 */
import type { NwbFile } from './nwbFile';
import { joinPath, valueToStrings, valueToText } from './reader';
import { seriesInfo } from './timeseries';

/** One node of the engine's walk, whichever backend walked it (absolute, `/`-rooted paths). */
export interface WalkedNode {
  path: string;
  kind: 'group' | 'dataset' | 'link';
  neurodataType?: string;
  shape?: number[];
  dtype?: string;
}

export interface ObjectDescription {
  path: string;
  neurodataType?: string;
  kind: 'group' | 'dataset';
  /** The data's shape and dtype (a TimeSeries': its `data`). */
  shape?: number[];
  dtype?: string;
  unit?: string;
  /** Seconds of the first and last sample (TimeSeries). */
  timeRange?: [number, number];
  /** Samples per second when the series has a rate rather than timestamps. */
  rate?: number;
  /** DynamicTable rows and column names. */
  rows?: number;
  columns?: string[];
  description?: string;
  /** What could not be read about this object (the rest of the file is still described). */
  error?: string;
}

export interface DescribeOptions {
  /** Only objects at or below this path. */
  under?: string;
  /** Untyped datasets too (by default only objects with a neurodata_type). */
  includeDatasets?: boolean;
  maxObjects: number;
  signal?: AbortSignal;
}

export interface ObjectsDescription {
  objects: ObjectDescription[];
  /** Objects that matched before `maxObjects` cut the list. */
  matched: number;
}

const MAX_DESCRIPTION = 160;
const MAX_COLUMNS = 40;

function isUnder(path: string, under: string): boolean {
  const root = under.replace(/\/+$/, '');
  return root === '' || path === root || path.startsWith(`${root}/`);
}

export async function describeObjects(
  nwb: NwbFile,
  nodes: readonly WalkedNode[],
  options: DescribeOptions,
): Promise<ObjectsDescription> {
  // The HDF5 walk lists what is below the root; the root is the NWBFile itself.
  const root = nodes.some(node => node.path === '/') ? [] : [await rootNode(nwb)];
  const selected = [...root, ...nodes].filter(
    node =>
      node.kind !== 'link' &&
      !node.path.startsWith('/specifications') &&
      isUnder(node.path, options.under ?? '/') &&
      (node.neurodataType !== undefined || (options.includeDatasets === true && node.kind === 'dataset')),
  );
  const objects: ObjectDescription[] = [];
  for (const node of selected.slice(0, options.maxObjects)) {
    options.signal?.throwIfAborted();
    objects.push(await describeObject(nwb, node));
  }
  return { objects, matched: selected.length };
}

async function rootNode(nwb: NwbFile): Promise<WalkedNode> {
  const entry = await nwb.reader.entry('/');
  return {
    path: '/',
    kind: 'group',
    ...(entry?.neurodataType ? { neurodataType: entry.neurodataType } : {}),
  };
}

async function describeObject(nwb: NwbFile, node: WalkedNode): Promise<ObjectDescription> {
  const kind = node.kind === 'group' ? 'group' : 'dataset';
  const out: ObjectDescription = { path: node.path, kind };
  try {
    const type = await nwb.typeOf(node.path);
    if (type) out.neurodataType = type;
    if (node.shape) out.shape = node.shape;
    if (node.dtype) out.dtype = node.dtype;
    const description = await nwb.reader.attrString(node.path, 'description');
    if (description && description !== 'no description')
      out.description =
        description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION)}…` : description;
    if (kind !== 'group') return out;
    if (await nwb.isA(node.path, 'TimeSeries')) {
      const info = await seriesInfo(nwb, node.path);
      Object.assign(out, { shape: info.shape, dtype: info.dtype.display, unit: info.unit });
      if (info.timing.kind !== 'none') out.timeRange = [info.tStart, info.tEnd];
      if (info.timing.kind === 'rate') out.rate = info.timing.rate;
    } else {
      const colnames = await nwb.reader.attr(node.path, 'colnames');
      if (colnames !== undefined) {
        const id = await nwb.reader.entry(joinPath(node.path, 'id'));
        out.rows = id?.shape?.[0] ?? 0;
        const names = valueToStrings(colnames);
        out.columns = names.length > MAX_COLUMNS ? [...names.slice(0, MAX_COLUMNS), '…'] : names;
      }
    }
  } catch (e) {
    out.error = e instanceof Error ? e.message : String(e);
  }
  return out;
}

/** The fields that say which session a file holds (those present, as text). */
const SESSION_FIELDS: [string, string][] = [
  ['identifier', '/identifier'],
  ['session_description', '/session_description'],
  ['session_start_time', '/session_start_time'],
  ['subject_id', '/general/subject/subject_id'],
  ['species', '/general/subject/species'],
];

export async function sessionFields(nwb: NwbFile): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, path] of SESSION_FIELDS) {
    const entry = await nwb.reader.entry(path);
    if (entry?.kind !== 'dataset') continue;
    const text = await nwb.reader.scalar(path, { maxElements: 16 }).then(valueToText, () => '');
    if (text) out[name] = text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}…` : text;
  }
  return out;
}
