/**
 * `openZarr`: a ZarrReader over a local folder, a public HTTP prefix or an archive Zarr asset.
 * Metadata comes from consolidated metadata when the store has it (one request), else key by key;
 * a metadata cache keyed by the Zarr's checksum (or a local folder's path and metadata mtimes)
 * makes a second open cost no request. Values are decoded in a worker when one is given (the
 * extension host), in-process otherwise (command-line tools).
 */
import { decodeSelection, type ArrayDocuments, type ChunkSource, type DecodeResult } from './decode';
import { ZarrError } from './errors';
import { Hierarchy, joinKey, normalizePath, type MetadataSnapshot } from './hierarchy';
import { ZarrMetadataCache } from './metadataCache';
import { DandiApiStore, HttpStore, LocalStore, type RemoteStoreOptions, type ZarrStore } from './stores';
import type { ZarrNodeInfo, ZarrReader, ZarrSelection, ZarrStoreSpec } from './types';

/** Largest selection one read may return, in decoded bytes, unless told. */
export const DEFAULT_MAX_SELECTION_BYTES = 256 * 1024 * 1024;

/** Decodes a selection somewhere else (the worker), fetching chunk bytes through `fetchChunk`. */
export interface SelectionDecoder {
  decode(
    docs: ArrayDocuments,
    selection: ZarrSelection,
    chunks: ChunkSource,
    options: { signal?: AbortSignal; maxBytes: number },
  ): Promise<DecodeResult>;
  close(): Promise<void>;
}

export interface OpenZarrOptions extends RemoteStoreOptions {
  /** Folder of the persistent metadata cache; none when absent. */
  metadataCacheDir?: string;
  metadataCacheMaxBytes?: number;
  /** Where values are decoded (a worker); in-process when absent. */
  decoder?: SelectionDecoder;
  maxSelectionBytes?: number;
  signal?: AbortSignal;
}

function storeFor(spec: ZarrStoreSpec, options: OpenZarrOptions): ZarrStore {
  switch (spec.kind) {
    case 'local':
      return new LocalStore(spec.path);
    case 'http':
      return new HttpStore(spec.baseUrl, options);
    case 'dandi':
      // A public prefix is read directly; an embargoed Zarr (no prefix) through the API per key.
      return spec.baseUrl
        ? new HttpStore(
            spec.baseUrl,
            options,
            new DandiApiStore(spec.apiUrl, spec.zarrId, spec.apiKey, options),
          )
        : new DandiApiStore(spec.apiUrl, spec.zarrId, spec.apiKey, options);
  }
}

/** What keys this store's cached metadata, or undefined when it has no stable identity. */
async function cacheIdentity(spec: ZarrStoreSpec): Promise<string | undefined> {
  switch (spec.kind) {
    case 'local': {
      const stamp = await LocalStore.consolidatedStamp(spec.path);
      return stamp ? `local:${stamp}` : undefined;
    }
    case 'http':
      return spec.identity;
    case 'dandi':
      return spec.checksum ? `dandi-zarr:${spec.zarrId}:${spec.checksum}` : undefined;
  }
}

class Reader implements ZarrReader {
  private readonly persistedKeys: number;

  constructor(
    readonly label: string,
    private readonly store: ZarrStore,
    private readonly hierarchy: Hierarchy,
    private readonly options: OpenZarrOptions,
    private readonly cache: { cache: ZarrMetadataCache; identity: string } | undefined,
  ) {
    this.persistedKeys = cache ? Object.keys(hierarchy.snapshot.docs).length : -1;
  }

  get consolidated(): boolean {
    return this.hierarchy.consolidated;
  }

  get requests(): number {
    return this.store.requests;
  }

  get bytesFetched(): number {
    return this.store.bytesFetched;
  }

  node(path: string): Promise<ZarrNodeInfo | null> {
    return this.hierarchy.node(path, this.options.signal);
  }

  async children(rawPath: string): Promise<ZarrNodeInfo[]> {
    const path = normalizePath(rawPath);
    const self = await this.node(path);
    if (!self || self.kind === 'array') return [];
    const names = (await this.hierarchy.childNames(path, this.options.signal)) ?? [];
    const nodes = await Promise.all(names.map(name => this.node(joinKey(path, name))));
    const found = nodes.filter((n): n is ZarrNodeInfo => n !== null);
    // A consolidated map may hold a deeper node without its parent group's document.
    if (this.consolidated) {
      for (const name of names) {
        const child = joinKey(path, name);
        if (!found.some(n => n.path === child))
          found.push({ kind: 'group', path: child, zarrFormat: this.hierarchy.format, attributes: {} });
      }
    }
    return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(rawPath: string, selection: ZarrSelection, signal?: AbortSignal): Promise<DecodeResult> {
    const path = normalizePath(rawPath);
    const info = await this.node(path);
    if (!info) throw new ZarrError('not-found', `${this.label}: no array at ${path || '/'}`);
    if (info.kind !== 'array')
      throw new ZarrError('not-found', `${this.label}: ${path || '/'} is a group, not an array`);
    if (info.unreadable)
      throw new ZarrError(
        'codec',
        `${path || '/'} cannot be read: ${info.unreadable} (codecs: ${info.codecs.join(', ')})`,
      );
    const docs = await this.documents(path, info.zarrFormat);
    const chunks: ChunkSource = {
      get: (key, s) => this.store.get(`/${key}`, { signal: s }),
      getRange: (key, range, s) => this.store.getRange(`/${key}`, range, { signal: s }),
    };
    const options = { signal, maxBytes: this.options.maxSelectionBytes ?? DEFAULT_MAX_SELECTION_BYTES };
    return this.options.decoder
      ? this.options.decoder.decode(docs, selection, chunks, options)
      : decodeSelection(docs, selection, chunks, options);
  }

  private async documents(path: string, format: 2 | 3): Promise<ArrayDocuments> {
    if (format === 3) {
      const array = await this.hierarchy.document(joinKey(path, 'zarr.json'));
      return { path, format, array: array ?? {} };
    }
    const [array, attributes] = await Promise.all([
      this.hierarchy.document(joinKey(path, '.zarray')),
      this.hierarchy.document(joinKey(path, '.zattrs')),
    ]);
    return { path, format, array: array ?? {}, attributes: attributes ?? {} };
  }

  /** Saves what metadata this reader learned, so the next open of the same Zarr asks for none. */
  async close(): Promise<void> {
    if (this.cache && Object.keys(this.hierarchy.snapshot.docs).length !== this.persistedKeys)
      await this.cache.cache.save(this.cache.identity, this.hierarchy.snapshot).catch(() => undefined);
    await this.options.decoder?.close();
  }
}

function labelOf(spec: ZarrStoreSpec): string {
  switch (spec.kind) {
    case 'local':
      return spec.path;
    case 'http':
      return spec.baseUrl;
    case 'dandi':
      return spec.baseUrl ?? `${spec.apiUrl.replace(/\/+$/, '')}/zarr/${spec.zarrId}/`;
  }
}

/** Opens a Zarr store; fails with a ZarrError when it is not one or cannot be reached. */
export async function openZarr(spec: ZarrStoreSpec, options: OpenZarrOptions = {}): Promise<ZarrReader> {
  const store = storeFor(spec, options);
  const identity = options.metadataCacheDir ? await cacheIdentity(spec) : undefined;
  const cache =
    options.metadataCacheDir && identity
      ? {
          cache: new ZarrMetadataCache(
            options.metadataCacheDir,
            options.metadataCacheMaxBytes ?? 64 * 1024 * 1024,
            {
              private: spec.kind === 'dandi' && !spec.baseUrl,
            },
          ),
          identity,
        }
      : undefined;
  let snapshot: MetadataSnapshot | null = null;
  if (cache) snapshot = await cache.cache.load(cache.identity);
  const hierarchy = snapshot
    ? Hierarchy.fromSnapshot(store, snapshot)
    : await Hierarchy.discover(store, options.signal);
  const reader = new Reader(labelOf(spec), store, hierarchy, options, cache);
  if (cache && !snapshot) await cache.cache.save(cache.identity, hierarchy.snapshot).catch(() => undefined);
  return reader;
}
