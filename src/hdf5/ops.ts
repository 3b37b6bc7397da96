/**
 * The engine calls, answered inside the worker with h5wasm's low-level functions on an open file.
 * Runs synchronously; byte reads block in the file node while the host fetches.
 */
import type { Metadata } from 'h5wasm';
import { readAttribute, unreadableAttribute, type AttributeSource } from './attributeRead';
import type { BlockCache, DataHint } from './blockCache';
import { h5wasmCannotConvert, orderChangeFails, swapLeftBigEndian } from './byteOrder';
import { hasVlen, isLibraryError, malloc, readQuietly, type H5Module } from './h5calls';
import { describeFilters } from './filters';
import { checkSelection } from './selection';
import { ReferenceNames } from './referenceNames';
import { decodeRegion } from './regions';
import { storedChunkPlan } from './chunkPlan';
import { storedDatasetBytes, type StoredAccess } from './storedData';
import {
  Hdf5Error,
  type ChunkPlan,
  type DatasetInfo,
  type H5Attribute,
  type H5Entry,
  type H5Value,
  type MetadataSnapshot,
  type ReadResult,
  type Selection,
} from './types';
import { isNumeric, shortDtype, toDtype, toTypedArray, toValues, type ValueContext } from './values';

/** Wasm heap ceiling for one read (the module has 2 GiB in all). */
const MAX_READ_BYTES = 1024 * 1024 * 1024;
/** Answers kept per file before the memo starts over (a walk of 100k objects stays in bounds). */
const MEMO_LIMIT = 200_000;
/** Attribute values larger than this are read again rather than kept. */
const MEMO_ATTRIBUTE_BYTES = 64 * 1024;

export class FileOps {
  private readonly ctx: ValueContext;
  /**
   * HDF5 answers by call and path. The file is read-only, so an answer stays true; a viewer asks
   * for the same entries, attributes and metadata many times (listing a group describes every
   * child, then each child's attributes and info are asked for), and each call into the library
   * walks the path again. Failures are never kept (a failed fetch may succeed next time). By
   * kind of call, then by path.
   */
  private readonly memo = new Map<string, Map<string, unknown>>();
  /** Answers kept, over all kinds. */
  private memoSize = 0;
  /** References that could not be resolved (maybe bytes that failed to arrive): values holding one are not kept. */
  private refFailures = 0;

  /** Where the superblock sits: HDF5 addresses count from there (a user block moves it). */
  private baseAddress: number | null = null;
  private readonly references: ReferenceNames;
  private readonly attributeSource: AttributeSource;

  constructor(
    private readonly m: H5Module,
    private readonly fileId: bigint,
    private readonly cache: BlockCache,
    private readonly plugins: ReadonlySet<number>,
    /** Whether a byte fetch failed during the current call (such failures must fail the call). */
    private readonly fetchFailed: () => boolean = () => false,
  ) {
    this.references = new ReferenceNames(m, fileId, fetchFailed);
    this.ctx = {
      heap: () => m.HEAPU8,
      region: bytes => {
        try {
          return decodeRegion(bytes, (at, target) => cache.read(at, target), this.superblockAt());
        } catch (error) {
          if (this.fetchFailed()) throw error;
          this.refFailures++;
          return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
        }
      },
      resolveRef: (bytes, isObject) => {
        if (bytes.every(b => b === 0)) return null;
        // HDF5 finds a referenced object's name by searching the file: once per reference is enough.
        const resolve = (): string | null | undefined => {
          try {
            return this.references.name(bytes, isObject);
          } catch {
            this.refFailures++;
            return undefined;
          }
        };
        return (
          this.remember(
            'ref',
            `${isObject ? 'o' : 'r'}${bytes.join(',')}`,
            resolve,
            name => name !== undefined,
          ) ?? null
        );
      },
    };
    this.attributeSource = {
      m,
      fileId,
      ctx: this.ctx,
      fetchFailed,
      storedAccess: path => this.storedAccess(path),
    };
  }

  list(path: string): H5Entry[] {
    this.cache.beginOp('metadata');
    const type = this.typeOf(path);
    if (type !== this.m.H5G_GROUP)
      throw new Hdf5Error('not-found', type < 0 ? `no such group: ${path}` : `not a group: ${path}`);
    return this.namesOf(path).map(name => this.describe(joinPath(path, name), name));
  }

  entry(path: string): H5Entry {
    this.cache.beginOp('metadata');
    const name = path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
    return this.describe(path, name);
  }

  attributes(path: string): H5Attribute[] {
    this.cache.beginOp('metadata');
    this.requireObject(path);
    return this.attributeNamesOf(path).map(name => this.attribute(path, name));
  }

  /** The superblock's offset: 0, or 512, 1024, 2048… after a user block. */
  private superblockAt(): number {
    if (this.baseAddress !== null) return this.baseAddress;
    const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    const probe = new Uint8Array(8);
    for (let at = 0; at < 1 << 30; at = at === 0 ? 512 : at * 2) {
      if (this.cache.read(at, probe) < 8) break;
      if (probe.every((b, i) => b === signature[i])) return (this.baseAddress = at);
    }
    return (this.baseAddress = 0);
  }

  datasetInfo(path: string): DatasetInfo {
    this.cache.beginOp('metadata');
    return this.remember('info', path, () => this.computeDatasetInfo(path));
  }

  private computeDatasetInfo(path: string): DatasetInfo {
    const meta = this.datasetMeta(path);
    const shape = meta.shape ?? [];
    return {
      path,
      shape,
      maxshape: meta.maxshape ? meta.maxshape.map(n => (n >= Number.MAX_SAFE_INTEGER ? null : n)) : null,
      dtype: toDtype(meta),
      chunks: meta.chunks ?? null,
      filters: meta.chunks ? this.filters(path) : [],
      size: meta.shape ? shape.reduce((a, b) => a * b, 1) : 0,
    };
  }

  /** Depth first from `root`: entries, dataset infos and (optionally) attributes, in one call. */
  walk(root: string, withAttributes: boolean, maxEntries: number): MetadataSnapshot {
    const snapshot: MetadataSnapshot = { entries: [], attributes: {}, datasets: {}, truncated: false };
    const visit = (path: string): void => {
      if (withAttributes) snapshot.attributes[path] = this.attributes(path);
      for (const entry of this.list(path)) {
        if (snapshot.entries.length >= maxEntries) {
          snapshot.truncated = true;
          return;
        }
        snapshot.entries.push(entry);
        if (entry.kind === 'group') visit(entry.path);
        else if (entry.kind === 'dataset') {
          if (withAttributes) snapshot.attributes[entry.path] = this.attributes(entry.path);
          snapshot.datasets[entry.path] = this.datasetInfo(entry.path);
        }
        if (snapshot.truncated) return;
      }
    };
    visit(root);
    return snapshot;
  }

  read(path: string, selection: Selection, maxElements: number): ReadResult {
    this.cache.beginOp('metadata');
    const meta = this.datasetMeta(path);
    const unsupported = meta.chunks ? this.filters(path).find(f => !f.supported) : undefined;
    if (unsupported)
      throw new Hdf5Error('unsupported-filter', `unsupported compression: ${unsupported.name}`);
    const dtype = toDtype(meta);
    if (!meta.shape) return { shape: [], dtype, data: [] };
    const shape = meta.shape;
    const start = selection.start ?? shape.map(() => 0);
    const stride = selection.stride ?? shape.map(() => 1);
    const count = selection.count ?? shape.map((n, i) => Math.max(0, Math.ceil((n - start[i]) / stride[i])));
    checkSelection(path, shape, start, count, stride);
    const elements = count.reduce((a, b) => a * b, 1);
    if (elements > maxElements) {
      throw new Hdf5Error(
        'too-large',
        `selection of ${elements} elements exceeds the limit of ${maxElements}`,
      );
    }
    const nbytes = elements * meta.size;
    if (nbytes > MAX_READ_BYTES)
      throw new Hdf5Error('too-large', `selection of ${nbytes} bytes exceeds the read limit`);
    this.cache.beginOp('data', dataHint(meta, start, count, stride));
    if (h5wasmCannotConvert(meta)) {
      const bytes = storedDatasetBytes(this.storedAccess(path), path, meta, { start, count, stride });
      return { shape: shape.length === 0 ? [] : count, dtype, data: toValues(bytes, meta, this.ctx) };
    }
    const ptr = malloc(this.m, nbytes);
    try {
      const scalar = shape.length === 0;
      const big = (a: number[]) => a.map(BigInt);
      const get = () =>
        this.m.get_dataset_data(
          this.fileId,
          path,
          scalar ? null : big(count),
          scalar ? null : big(start),
          scalar ? null : big(stride),
          BigInt(ptr),
        );
      if (orderChangeFails(meta)) readQuietly(this.m, path, get);
      else get();
      const bytes = this.m.HEAPU8.slice(ptr, ptr + nbytes);
      swapLeftBigEndian(bytes, meta);
      const data = isNumeric(meta) ? toTypedArray(bytes, meta) : toValues(bytes, meta, this.ctx);
      if (hasVlen(meta))
        this.m.reclaim_vlen_memory_count(this.fileId, path, '', BigInt(ptr), scalar ? [] : big(count));
      return { shape: scalar ? [] : count, dtype, data };
    } finally {
      this.m._free(ptr);
    }
  }

  /** Where the stored pieces of `path` are, for reading them raw on the host (chunkPlan.ts). */
  chunkPlan(path: string): ChunkPlan {
    this.cache.beginOp('metadata');
    return storedChunkPlan(this.storedAccess(path), path, this.datasetMeta(path));
  }

  /** Where the stored bytes of `path` are, for what h5wasm cannot convert (storedData.ts). */
  private storedAccess(path: string): StoredAccess {
    const ref = Uint8Array.from(this.m.create_object_reference(this.fileId, path));
    return {
      readAt: (at, target) => this.cache.read(at, target),
      base: this.superblockAt(),
      objectAddress: Number(new DataView(ref.buffer).getBigUint64(0, true)),
      fetchFailed: this.fetchFailed,
    };
  }

  private describe(path: string, name: string): H5Entry {
    return this.remember('entry', path, () => this.computeEntry(path, name));
  }

  private computeEntry(path: string, name: string): H5Entry {
    const m = this.m;
    const type = this.typeOf(path);
    if (type < 0) throw new Hdf5Error('not-found', `no such object: ${path}`);
    if (type === m.H5G_UDLINK) {
      const ext = m.get_external_link(this.fileId, path);
      return { name, path, kind: 'externalLink', target: `${ext.filename}://${ext.obj_path}` };
    }
    if (type === m.H5G_LINK)
      return { name, path, kind: 'brokenLink', target: m.get_symbolic_link(this.fileId, path) ?? undefined };
    const soft =
      path === '/' ? null : this.remember('soft', path, () => m.get_symbolic_link(this.fileId, path));
    const entry: H5Entry = { name, path, kind: 'group' };
    if (soft) {
      entry.kind = 'softLink';
      entry.target = soft;
    } else if (type === m.H5G_DATASET) entry.kind = 'dataset';
    else if (type === m.H5G_TYPE) entry.kind = 'datatype';
    if (type === m.H5G_DATASET) {
      const meta = this.metadataOf(path);
      entry.shape = meta.shape ?? [];
      entry.dtype = shortDtype(toDtype(meta));
    } else if (type === m.H5G_GROUP) {
      entry.childCount = this.namesOf(path).length;
    }
    if (type === m.H5G_DATASET || type === m.H5G_GROUP) {
      const names = this.attributeNamesOf(path);
      const text = (attr: string) => {
        if (!names.includes(attr)) return undefined;
        const v = this.attribute(path, attr).value;
        const first = Array.isArray(v) ? v[0] : v;
        return typeof first === 'string' ? first : undefined;
      };
      const neurodataType = nwb1Type(text('neurodata_type'), name, () =>
        names.includes('ancestry') ? this.attribute(path, 'ancestry').value : null,
      );
      const namespace = text('namespace');
      if (neurodataType !== undefined) entry.neurodataType = neurodataType;
      if (namespace !== undefined) entry.namespace = namespace;
    }
    return entry;
  }

  /**
   * One attribute; when HDF5 cannot read it (not when its bytes failed to arrive), the attribute
   * carries the error and its siblings and the walk go on, as h5py reads each attribute alone.
   */
  private attribute(path: string, name: string): H5Attribute {
    try {
      return this.rememberedAttribute(path, name);
    } catch (error) {
      if (this.fetchFailed() || !isLibraryError(error)) throw error;
      return unreadableAttribute(this.attributeSource, path, name, error);
    }
  }

  private rememberedAttribute(path: string, name: string): H5Attribute {
    const read = () => {
      const failuresBefore = this.refFailures;
      return {
        ...readAttribute(this.attributeSource, path, name),
        complete: this.refFailures === failuresBefore,
      };
    };
    return this.remember(
      'attr',
      `${path}\0${name}`,
      read,
      r => r.complete && r.nbytes <= MEMO_ATTRIBUTE_BYTES,
    ).value;
  }

  private datasetMeta(path: string): Metadata {
    const type = this.typeOf(path);
    if (type !== this.m.H5G_DATASET)
      throw new Hdf5Error('not-found', type < 0 ? `no such dataset: ${path}` : `not a dataset: ${path}`);
    return this.metadataOf(path);
  }

  private filters(path: string): DatasetInfo['filters'] {
    return this.remember('filters', path, () =>
      describeFilters(this.m.get_dataset_filters(this.fileId, path), this.plugins),
    );
  }

  private typeOf(path: string): number {
    // "No such object" is not kept: it may come from bytes that failed to arrive.
    return this.remember(
      'type',
      path,
      () => this.m.get_type(this.fileId, path),
      type => type >= 0,
    );
  }

  private namesOf(path: string): string[] {
    return this.remember('names', path, () => this.m.get_names(this.fileId, path, false));
  }

  private attributeNamesOf(path: string): string[] {
    return this.remember('attrNames', path, () => this.m.get_attribute_names(this.fileId, path));
  }

  private metadataOf(path: string): Metadata {
    return this.remember('meta', path, () => this.m.get_dataset_metadata(this.fileId, path));
  }

  /** The kept answer, else `compute()`'s, kept when `worthKeeping` says so. */
  private remember<T>(
    kind: string,
    key: string,
    compute: () => T,
    worthKeeping: (value: T) => boolean = () => true,
  ): T {
    let kept = this.memo.get(kind);
    if (kept?.has(key)) return kept.get(key) as T;
    const value = compute();
    if (worthKeeping(value)) {
      if (this.memoSize >= MEMO_LIMIT) {
        this.memo.clear();
        this.memoSize = 0;
      }
      kept = this.memo.get(kind);
      if (!kept) this.memo.set(kind, (kept = new Map()));
      kept.set(key, value);
      this.memoSize++;
    }
    return value;
  }

  private requireObject(path: string): void {
    const type = this.typeOf(path);
    if (type !== this.m.H5G_GROUP && type !== this.m.H5G_DATASET && type !== this.m.H5G_TYPE) {
      throw new Hdf5Error('not-found', `no such object: ${path}`);
    }
  }
}

/**
 * The most specific neurodata type. NWB 1.x writes `neurodata_type` `TimeSeries` on every series
 * and lists the real type last in `ancestry`; its interfaces are `Interface` groups named after
 * their type (`Fluorescence`, `ImageSegmentation`…) and its processing modules are `Module`.
 */
function nwb1Type(declared: string | undefined, name: string, ancestry: () => H5Value): string | undefined {
  if (declared === 'Interface') return name;
  if (declared === 'Module') return 'ProcessingModule';
  const chain = ancestry();
  const list = Array.isArray(chain) ? chain : [chain];
  const last = list[list.length - 1];
  return typeof last === 'string' && last !== '' ? last : declared;
}

export function joinPath(parent: string, name: string): string {
  return parent.endsWith('/') ? parent + name : `${parent}/${name}`;
}

/** What the read will need from the file, so prefetch stops at the end of the selection. */
function dataHint(meta: Metadata, start: number[], count: number[], stride: number[]): DataHint {
  const shape = meta.shape ?? [];
  if (count.some(c => c === 0)) return { expectedBytes: 0, chunkCount: 0 };
  if (meta.chunks && meta.chunks.length === shape.length) {
    const chunks = meta.chunks;
    let chunkCount = 1;
    shape.forEach((_, i) => {
      const last = start[i] + (count[i] - 1) * stride[i];
      chunkCount *= Math.floor(last / chunks[i]) - Math.floor(start[i] / chunks[i]) + 1;
    });
    const chunkBytes = chunks.reduce((a, b) => a * b, 1) * meta.size;
    return { expectedBytes: chunkCount * chunkBytes, chunkCount };
  }
  let first = 0;
  let last = 0;
  shape.forEach((n, i) => {
    first = first * n + start[i];
    last = last * n + start[i] + (count[i] - 1) * stride[i];
  });
  return { expectedBytes: (last - first + 1) * meta.size, chunkCount: 0 };
}
