/**
 * An hdmf-zarr store (or any Zarr) read through the NWB layer's {@link NwbBackend}: groups and
 * arrays become HDF5-style entries, `.zattrs` become attributes, hdmf-zarr's links (`zarr_link`
 * lists, v3 `_LINKS`) soft or external links, and its wrapped scalars scalars. Everything above
 * (overview, tree, inspector, every view) then reads it exactly as it reads an HDF5 file.
 */
import { checkSelection } from '../hdf5/selection';
import {
  type DatasetInfo,
  type FileInfo,
  type H5Attribute,
  type H5Entry,
  Hdf5Error,
  type ReadResult,
  type Selection,
  type SourceStats,
} from '../hdf5/types';
import type { NwbBackend } from '../nwb/backend';
import { inspectZarr, type ZarrInspectReport } from '../zarr/inspect';
import type { ZarrArrayInfo, ZarrJson, ZarrNodeInfo, ZarrReader, ZarrSelection } from '../zarr/types';
import {
  arrayDtype,
  arrayFilters,
  isBookkeeping,
  isWrappedScalar,
  toAttribute,
  toH5Value,
  zarrPathOf,
} from './values';
import { shortDtype } from '../hdf5/dtypes';
import { ValueCache } from './valueCache';

/** A link as hdmf-zarr lists it on the group holding it. */
interface ZarrLink {
  name: string;
  /** `.` for this store, else the other store's path (an external link). */
  source: string;
  path: string;
}

/** Hops through links before a path is called broken (pynwb links at most a few deep). */
const MAX_LINK_HOPS = 8;

export class ZarrNwbBackend implements NwbBackend {
  readonly info: FileInfo;

  /** Children by name per group path, kept while the store is open (its hierarchy does not change). */
  private readonly childMaps = new Map<string, Promise<Map<string, ZarrNodeInfo>>>();

  /**
   * @param values small values kept between opens (the overview's scalars and spec files).
   * @param size the store's total bytes when known (the archive's asset size; a store is never
   * listed to learn it).
   */
  constructor(
    private readonly zarr: ZarrReader,
    private readonly values: ValueCache = ValueCache.none(),
    size = 0,
  ) {
    this.info = { size, identity: zarr.label, label: zarr.label };
  }

  /**
   * The child `name` of a group, or null. With consolidated metadata the group's children are the
   * whole answer (the NWB layer asks for many optional fields that are absent, and probing each
   * by key would cost a request); without, the node is asked for by key.
   */
  private async child(group: ZarrNodeInfo, name: string): Promise<ZarrNodeInfo | null> {
    if (!this.zarr.consolidated) return this.zarr.node(joinZarr(group.path, name));
    let children = this.childMaps.get(group.path);
    if (!children) {
      children = this.zarr
        .children(group.path)
        .then(list => new Map(list.map(node => [lastName(node.path), node])));
      this.childMaps.set(group.path, children);
      children.catch(() => this.childMaps.delete(group.path));
    }
    return (await children).get(name) ?? null;
  }

  /** Every group and array of the store, as `npm run inspect` walks it (src/zarr/inspect.ts). */
  inspect(): Promise<ZarrInspectReport> {
    return inspectZarr(this.zarr);
  }

  async list(path: string): Promise<H5Entry[]> {
    const group = await this.resolve(path);
    if (group?.kind !== 'group') throw notFound(path, group ? 'is not a group' : undefined);
    const base = absolute(path);
    const children = await this.zarr.children(group.path);
    const entries = await Promise.all(
      children.map(child => this.describe(joinAbsolute(base, lastName(child.path)), child)),
    );
    for (const link of linksOf(group)) entries.push(linkEntry(base, link));
    return entries;
  }

  async entry(path: string): Promise<H5Entry> {
    const abs = absolute(path);
    if (abs === '/') {
      const root = await this.zarr.node('');
      if (!root) throw notFound(path);
      return this.describe('/', root);
    }
    // The last step may be a link itself: HDF5 describes it as one, and the NWB reader follows it.
    const parent = await this.resolve(parentOf(abs));
    if (parent?.kind !== 'group') throw notFound(path);
    const name = lastName(abs);
    const node = await this.child(parent, name);
    if (node) return this.describe(abs, node);
    const link = linksOf(parent).find(l => l.name === name);
    if (link) return linkEntry(parentOf(abs), link);
    throw notFound(path);
  }

  async attributes(path: string): Promise<H5Attribute[]> {
    const node = await this.existing(path);
    return Object.entries(node.attributes)
      .filter(([name]) => !isBookkeeping(name))
      .map(([name, value]) => toAttribute(name, value));
  }

  async datasetInfo(path: string): Promise<DatasetInfo> {
    return datasetInfoOf(absolute(path), await this.array(path));
  }

  async read(
    path: string,
    selection: Selection = {},
    options: { signal?: AbortSignal; maxElements?: number } = {},
  ): Promise<ReadResult> {
    const info = await this.array(path);
    if (info.unreadable) {
      // A codec JavaScript cannot run reads like the HDF5 engine's unsupported filter; a structured
      // dtype the reader cannot decode says so.
      const codec = info.codecs.some(c => info.unreadable?.toLowerCase().includes(c.toLowerCase()));
      throw new Hdf5Error(
        'unsupported-filter',
        codec ? `unsupported compression: ${info.unreadable}` : `${path}: ${info.unreadable}`,
      );
    }
    const dtype = arrayDtype(info);
    const scalar = isWrappedScalar(info);
    const shape = scalar ? [] : info.shape;
    const start = selection.start ?? shape.map(() => 0);
    const stride = selection.stride ?? shape.map(() => 1);
    const count = selection.count ?? shape.map((n, i) => Math.max(0, Math.ceil((n - start[i]) / stride[i])));
    checkSelection(path, shape, start, count, stride);
    const elements = count.reduce((a, b) => a * b, 1);
    const maxElements = options.maxElements ?? Number.POSITIVE_INFINITY;
    if (elements > maxElements)
      throw new Hdf5Error(
        'too-large',
        `selection of ${elements} elements exceeds the limit of ${maxElements}`,
      );
    const zarrSelection: ZarrSelection = scalar
      ? [null]
      : count.map((n, i) => ({ start: start[i], stop: start[i] + (n - 1) * stride[i] + 1, step: stride[i] }));
    if (elements === 0) return { shape: count, dtype, data: [] };
    const key = `${info.path}[${start.join(',')}|${count.join(',')}|${stride.join(',')}]`;
    const kept = this.values.get(key);
    if (kept) return kept;
    const result = await this.zarr.read(info.path, zarrSelection, options.signal);
    const values = result.values;
    const read: ReadResult = Array.isArray(values)
      ? { shape: count, dtype, data: (values as ZarrJson[]).map(v => toH5Value(v)) }
      : { shape: count, dtype, data: values };
    this.values.put(
      key,
      info.shape.reduce((a, b) => a * b, 1),
      read,
    );
    return read;
  }

  stats(): SourceStats {
    return {
      requests: this.zarr.requests,
      bytesFetched: this.zarr.bytesFetched,
      cacheHits: 0,
      cacheMisses: 0,
      cacheBytes: 0,
      metadataCacheHits: 0,
    };
  }

  async close(): Promise<void> {
    await this.values.save().catch(() => undefined);
    await this.zarr.close();
  }

  /** The node at an absolute path, links on the way followed; null when nothing is there. */
  private async resolve(path: string, hops = 0): Promise<ZarrNodeInfo | null> {
    const parts = zarrPathOf(path).split('/').filter(Boolean);
    let node = await this.zarr.node('');
    for (let i = 0; i < parts.length && node; i++) {
      if (node.kind !== 'group') return null;
      const child = await this.child(node, parts[i]);
      if (child) {
        node = child;
        continue;
      }
      const link = linksOf(node).find(l => l.name === parts[i]);
      if (!link || !isLocal(link) || hops >= MAX_LINK_HOPS) return null;
      const rest = parts.slice(i + 1).join('/');
      return this.resolve(joinZarr(zarrPathOf(link.path), rest), hops + 1);
    }
    return node;
  }

  private async existing(path: string): Promise<ZarrNodeInfo> {
    const node = await this.resolve(path);
    if (!node) throw notFound(path);
    return node;
  }

  private async array(path: string): Promise<ZarrArrayInfo & { kind: 'array' }> {
    const node = await this.existing(path);
    if (node.kind !== 'array') throw notFound(path, 'is a group, not a dataset');
    return node;
  }

  private async describe(path: string, node: ZarrNodeInfo): Promise<H5Entry> {
    const entry: H5Entry = { name: path === '/' ? '/' : lastName(path), path, kind: 'group' };
    if (node.kind === 'array') {
      entry.kind = 'dataset';
      entry.shape = isWrappedScalar(node) ? [] : node.shape;
      entry.dtype = shortDtype(arrayDtype(node));
    } else {
      entry.childCount = (await this.zarr.children(node.path)).length + linksOf(node).length;
    }
    const type = textAttribute(node, 'neurodata_type') ?? textAttribute(node, 'data_type');
    const namespace = textAttribute(node, 'namespace');
    if (type !== undefined) entry.neurodataType = type;
    if (namespace !== undefined) entry.namespace = namespace;
    return entry;
  }
}

function datasetInfoOf(path: string, info: ZarrArrayInfo): DatasetInfo {
  const scalar = isWrappedScalar(info);
  const shape = scalar ? [] : info.shape;
  return {
    path,
    shape,
    maxshape: null,
    dtype: arrayDtype(info),
    chunks: scalar ? null : info.chunks,
    filters: arrayFilters(info),
    size: shape.reduce((a, b) => a * b, 1),
  };
}

function textAttribute(node: ZarrNodeInfo, name: string): string | undefined {
  const v = node.attributes[name];
  return typeof v === 'string' ? v : undefined;
}

/** The links a group holds: v2 `zarr_link` list, v3 `_LINKS`. */
function linksOf(node: ZarrNodeInfo): ZarrLink[] {
  const raw = node.attributes.zarr_link ?? node.attributes._LINKS;
  if (!Array.isArray(raw)) return [];
  const out: ZarrLink[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    if (typeof item.name !== 'string' || typeof item.path !== 'string') continue;
    out.push({
      name: item.name,
      path: item.path,
      source: typeof item.source === 'string' ? item.source : '.',
    });
  }
  return out;
}

function isLocal(link: ZarrLink): boolean {
  return link.source === '.' || link.source === '';
}

function linkEntry(parent: string, link: ZarrLink): H5Entry {
  const path = joinAbsolute(parent, link.name);
  const target = '/' + zarrPathOf(link.path);
  if (isLocal(link)) return { name: link.name, path, kind: 'softLink', target };
  return { name: link.name, path, kind: 'externalLink', target: `${link.source}:/${target}` };
}

function notFound(path: string, why = 'does not exist'): Hdf5Error {
  return new Hdf5Error('not-found', `${path} ${why}`);
}

function absolute(path: string): string {
  return '/' + zarrPathOf(path);
}

function parentOf(abs: string): string {
  return '/' + abs.split('/').filter(Boolean).slice(0, -1).join('/');
}

function lastName(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

function joinAbsolute(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

function joinZarr(parent: string, name: string): string {
  return [parent, name].filter(Boolean).join('/');
}
