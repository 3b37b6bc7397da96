/**
 * A file's hierarchy for people and scripts (`npm run inspect`): the NWB summary fields, then
 * every group and dataset with its neurodata type, shape, dtype, chunks and filters. Metadata only:
 * reads no data beyond the small scalar summary datasets.
 */
import type { DatasetInfo, H5Entry, H5Value, Hdf5File } from './types';

export interface InspectNode {
  path: string;
  kind: H5Entry['kind'];
  neurodataType?: string;
  namespace?: string;
  target?: string;
  shape?: number[];
  dtype?: string;
  chunks?: number[] | null;
  filters?: string[];
  children?: number;
  /** Small region-reference datasets: where each reference points, e.g. `/units/spike_times[0:4]`. */
  regions?: string[];
}

export interface InspectReport {
  file: string;
  size: number;
  summary: Record<string, H5Value>;
  nodes: InspectNode[];
  /** Set when the file has more objects than the walk returns (see Hdf5File.walk's maxEntries). */
  truncated?: boolean;
}

/** Root attributes and datasets an NWB file describes itself with (NWB 1.x and 2.x). */
const SUMMARY_ATTRIBUTES = ['nwb_version', 'neurodata_type', 'namespace'];
const SUMMARY_DATASETS = [
  'nwb_version',
  'identifier',
  'session_description',
  'session_start_time',
  'timestamps_reference_time',
  'file_create_date',
  'general/experimenter',
  'general/institution',
  'general/lab',
  'general/session_id',
  'general/subject/subject_id',
  'general/subject/species',
];
const SUMMARY_MAX_ELEMENTS = 16;

export async function inspectFile(file: Hdf5File): Promise<InspectReport> {
  const summary: Record<string, H5Value> = {};
  for (const attr of await file.attributes('/')) {
    if (SUMMARY_ATTRIBUTES.includes(attr.name)) summary[attr.name] = attr.value;
  }
  for (const name of SUMMARY_DATASETS) {
    const value = await smallValue(file, `/${name}`);
    if (value !== undefined && !(name === 'nwb_version' && summary.nwb_version !== undefined))
      summary[name] = value;
  }
  const nodes: InspectNode[] = [];
  const truncated = await walk(file, '/', nodes);
  return { file: file.info.label, size: file.info.size, summary, nodes, ...(truncated ? { truncated } : {}) };
}

async function smallValue(file: Hdf5File, path: string): Promise<H5Value | undefined> {
  try {
    const entry = await file.entry(path);
    if (entry.kind !== 'dataset') return undefined;
    const result = await file.read(path, undefined, { maxElements: SUMMARY_MAX_ELEMENTS });
    const values = ArrayBuffer.isView(result.data)
      ? Array.from(result.data as ArrayLike<number | bigint>, v => (typeof v === 'bigint' ? v.toString() : v))
      : result.data;
    return result.shape.length === 0 || values.length === 1 ? values[0] : values;
  } catch {
    return undefined;
  }
}

/** Every object in one engine call (no attributes: the report does not show them); true if cut short. */
async function walk(file: Hdf5File, path: string, nodes: InspectNode[]): Promise<boolean> {
  const snapshot = await file.walk(path, { attributes: false });
  for (const entry of snapshot.entries) {
    const node: InspectNode = { path: entry.path, kind: entry.kind };
    if (entry.neurodataType) node.neurodataType = entry.neurodataType;
    if (entry.namespace) node.namespace = entry.namespace;
    if (entry.target) node.target = entry.target;
    if (entry.kind === 'group') node.children = entry.childCount;
    const info: DatasetInfo | undefined = snapshot.datasets[entry.path];
    if (entry.kind === 'dataset' && info) {
      node.shape = info.shape;
      node.dtype = info.dtype.display;
      node.chunks = info.chunks;
      node.filters = info.filters.map(f => (f.supported ? f.name : `${f.name} (unsupported)`));
      if (info.dtype.refType === 'region' && info.size <= SUMMARY_MAX_ELEMENTS)
        node.regions = await regionTargets(file, entry.path);
    }
    nodes.push(node);
  }
  return snapshot.truncated;
}

/** Each region reference of a small dataset as `target[selection]` (h5py: `f[ref][ref]`'s source). */
async function regionTargets(file: Hdf5File, path: string): Promise<string[]> {
  try {
    const { data } = await file.read(path, undefined, { maxElements: SUMMARY_MAX_ELEMENTS });
    if (ArrayBuffer.isView(data)) return [];
    return data.map(v =>
      v !== null && typeof v === 'object' && 'ref' in v && typeof v.ref === 'string'
        ? `${v.ref}${typeof v.region === 'string' ? v.region : ''}`
        : 'null',
    );
  } catch (error) {
    return [`unreadable (${error instanceof Error ? error.message : String(error)})`];
  }
}

/** The report as indented text, one object per line. */
export function formatReport(report: InspectReport): string {
  const lines = [`${report.file} (${report.size} bytes)`];
  for (const [key, value] of Object.entries(report.summary))
    lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  lines.push('');
  for (const node of report.nodes) {
    const depth = node.path.split('/').length - 2;
    const name = node.path.slice(node.path.lastIndexOf('/') + 1);
    const parts = [`${'  '.repeat(depth)}${name}${node.kind === 'group' ? '/' : ''}`];
    if (node.neurodataType)
      parts.push(`<${node.namespace ? `${node.namespace}.` : ''}${node.neurodataType}>`);
    if (node.kind !== 'group' && node.kind !== 'dataset')
      parts.push(`[${node.kind}${node.target ? ` -> ${node.target}` : ''}]`);
    if (node.kind === 'dataset') {
      parts.push(`${node.dtype} [${(node.shape ?? []).join(' x ') || 'scalar'}]`);
      if (node.chunks) parts.push(`chunks [${node.chunks.join(' x ')}]`);
      if (node.filters && node.filters.length > 0) parts.push(`filters ${node.filters.join(', ')}`);
      if (node.regions) parts.push(`-> ${node.regions.join(', ')}`);
    }
    lines.push(parts.join('  '));
  }
  if (report.truncated) lines.push(`… (stopped after ${report.nodes.length} objects)`);
  return lines.join('\n');
}
