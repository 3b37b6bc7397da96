/**
 * The engine calls, answered inside the worker with h5wasm's low-level functions on an open file.
 * Runs synchronously; byte reads block in the file node while the host fetches.
 */
import type { Metadata } from 'h5wasm';
import { readAttribute, unreadableAttribute, type AttributeSource } from './attributeRead';
import type { BlockCache } from './blockCache';
import { isLibraryError, type H5Module } from './h5calls';
import { describeFilters } from './filters';
import { ReferenceNames } from './referenceNames';
import { nwb1Type } from './neurodataType';
import { AnswerMemo } from './answerMemo';
import { JavaScriptFirst } from './javascriptFirst';
import { openStoredFile, superblockOffset, type ReadAt, type StoredFile } from './format/fileCursor';
import { decodeRegion, regionDataset } from './regions';
import { storedChunkPlan } from './chunkPlan';
import { readSelection, type DatasetAccess } from './datasetRead';
import type { StoredAccess } from './storedData';
import {
  Hdf5Error,
  type ChunkPlan,
  type DatasetInfo,
  type H5Attribute,
  type H5Entry,
  type MetadataSnapshot,
  type ReadResult,
  type Selection,
} from './types';
import { shortDtype, toDatasetInfo, toDtype } from './dtypes';
import type { ValueContext } from './values';

/** Attribute values larger than this are read again rather than kept. */
const MEMO_ATTRIBUTE_BYTES = 64 * 1024;

export interface FileOpsOptions {
  /** Reads file bytes through the cache, keeping why a fetch failed (fileNode.ts). */
  readAt?: ReadAt;
  /** Answer metadata from the JavaScript reader first (default true). */
  javascriptMetadata?: boolean;
}

export class FileOps {
  private readonly ctx: ValueContext;
  private readonly memo = new AnswerMemo();
  /** References that could not be resolved (maybe bytes that failed to arrive): values holding one are not kept. */
  private refFailures = 0;

  /** Where the superblock sits: HDF5 addresses count from there (a user block moves it). */
  private baseAddress: number | null = null;
  /** The file as region references are decoded from it: one, so its global heap cache serves them all. */
  private storedFile: StoredFile | null = null;
  private readonly references: ReferenceNames;
  private libhdf5FileId: bigint | null = null;
  /** What reading attributes and selections through libhdf5 needs of this file. */
  private readonly access: AttributeSource & DatasetAccess;
  private readonly readAt: ReadAt;
  /** Metadata read in JavaScript first, from libhdf5 when that reader cannot. */
  readonly javascript: JavaScriptFirst;

  constructor(
    private readonly m: H5Module,
    /**
     * Opens the file in libhdf5, at the first answer the JavaScript reader leaves to it: a walk
     * it reads whole never waits for libhdf5's open (or for the bytes that open reads).
     */
    private readonly openLibhdf5: () => bigint,
    private readonly cache: BlockCache,
    private readonly plugins: ReadonlySet<number>,
    /** Whether a byte fetch failed during the current call (such failures must fail the call). */
    private readonly fetchFailed: () => boolean = () => false,
    options: FileOpsOptions = {},
  ) {
    this.readAt = options.readAt ?? ((at, target) => cache.read(at, target));
    const fileId = () => this.fileId;
    this.references = new ReferenceNames(m, fileId, fetchFailed, undefined, () =>
      this.javascript.answer(
        format => format.referenceIndex(),
        () => null,
      ),
    );
    this.ctx = {
      heap: () => m.HEAPU8,
      region: bytes => {
        try {
          return decodeRegion(bytes, this.regionFile());
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
            if (isObject) return this.references.name(bytes, isObject);
            // A region reference names its dataset in its heap object, read here first: libhdf5,
            // given one whose selection does not fit its object, never returns (h5py's crashes).
            const file = this.regionFile();
            return this.references.name(bytes, isObject, {
              dataset: regionDataset(bytes, file),
              readable: () => {
                try {
                  decodeRegion(bytes, file);
                  return true;
                } catch {
                  return false;
                }
              },
            });
          } catch {
            this.refFailures++;
            return undefined;
          }
        };
        return (
          this.memo.remember(
            'ref',
            `${isObject ? 'o' : 'r'}${bytes.join(',')}`,
            resolve,
            name => name !== undefined,
          ) ?? null
        );
      },
    };
    this.javascript = new JavaScriptFirst({
      enabled: options.javascriptMetadata ?? true,
      readAt: this.readAt,
      size: cache.size,
      base: () => this.superblockAt(),
      codes: {
        group: m.H5G_GROUP,
        dataset: m.H5G_DATASET,
        datatype: m.H5G_TYPE,
        softLink: m.H5G_LINK,
        externalLink: m.H5G_UDLINK,
      },
      plugins,
      refs: this.ctx,
      fetchFailed,
    });
    const storedAccess = (path: string) => this.storedAccess(path);
    this.access = {
      m,
      fileId,
      ctx: this.ctx,
      fetchFailed,
      storedAccess,
      beginData: hint => cache.beginOp('data', hint),
    };
  }

  /** libhdf5's id of the file, opened at the first call that needs it. */
  private get fileId(): bigint {
    return (this.libhdf5FileId ??= this.openLibhdf5());
  }

  /**
   * Reads the file's root group in JavaScript; when that reader cannot (or is off), opens the file
   * in libhdf5 at once, so a file libhdf5 cannot open either fails its open with libhdf5's message.
   */
  openRoot(): void {
    const readable = this.javascript.answer(
      format => format.typeCode('/') === this.m.H5G_GROUP,
      () => false,
    );
    if (!readable) void this.fileId;
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

  /** The file as regions.ts reads it (one per file: it caches the global heap's collections). */
  private regionFile(): StoredFile {
    return (this.storedFile ??= openStoredFile(this.readAt, this.superblockAt()));
  }

  /** The superblock's offset: 0, or 512, 1024, 2048… after a user block. */
  private superblockAt(): number {
    return (this.baseAddress ??= superblockOffset((at, target) => this.cache.read(at, target)));
  }

  datasetInfo(path: string): DatasetInfo {
    this.cache.beginOp('metadata');
    return this.memo.remember('info', path, () =>
      this.javascript.answer(
        format => format.datasetInfo(path),
        () => this.computeDatasetInfo(path),
      ),
    );
  }

  private computeDatasetInfo(path: string): DatasetInfo {
    return toDatasetInfo(path, this.datasetMeta(path), () => this.filters(path));
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
    return readSelection(this.access, path, meta, selection, maxElements);
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
      readAt: this.readAt,
      base: this.superblockAt(),
      objectAddress: Number(new DataView(ref.buffer).getBigUint64(0, true)),
      fetchFailed: this.fetchFailed,
    };
  }

  private describe(path: string, name: string): H5Entry {
    return this.memo.remember('entry', path, () =>
      this.javascript.answer(
        format => format.entry(path, name),
        () => this.computeEntry(path, name),
      ),
    );
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
      path === '/' ? null : this.memo.remember('soft', path, () => m.get_symbolic_link(this.fileId, path));
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
      return unreadableAttribute(this.access, path, name, error);
    }
  }

  private rememberedAttribute(path: string, name: string): H5Attribute {
    const read = () => {
      const failuresBefore = this.refFailures;
      return {
        ...this.javascript.answer(
          format => format.attribute(path, name),
          () => readAttribute(this.access, path, name),
        ),
        complete: this.refFailures === failuresBefore,
      };
    };
    return this.memo.remember(
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
    return this.memo.remember('filters', path, () =>
      describeFilters(this.m.get_dataset_filters(this.fileId, path), this.plugins),
    );
  }

  private typeOf(path: string): number {
    // "No such object" is not kept: it may come from bytes that failed to arrive.
    return this.memo.remember(
      'type',
      path,
      () =>
        this.javascript.answer(
          format => format.typeCode(path),
          () => this.m.get_type(this.fileId, path),
        ),
      type => type >= 0,
    );
  }

  private namesOf(path: string): string[] {
    return this.memo.remember('names', path, () =>
      this.javascript.answer(
        format => format.linkNames(path),
        () => this.m.get_names(this.fileId, path, false),
      ),
    );
  }

  private attributeNamesOf(path: string): string[] {
    return this.memo.remember('attrNames', path, () =>
      this.javascript.answer(
        format => format.attributeNames(path),
        () => this.m.get_attribute_names(this.fileId, path),
      ),
    );
  }

  private metadataOf(path: string): Metadata {
    return this.memo.remember('meta', path, () => this.m.get_dataset_metadata(this.fileId, path));
  }

  private requireObject(path: string): void {
    const type = this.typeOf(path);
    if (type !== this.m.H5G_GROUP && type !== this.m.H5G_DATASET && type !== this.m.H5G_TYPE) {
      throw new Hdf5Error('not-found', `no such object: ${path}`);
    }
  }
}

export function joinPath(parent: string, name: string): string {
  return parent.endsWith('/') ? parent + name : `${parent}/${name}`;
}
