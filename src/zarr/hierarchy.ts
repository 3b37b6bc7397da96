/**
 * A store's metadata documents (`.zarray`, `.zgroup`, `.zattrs`, `zarr.json`) by key, and the node
 * descriptions built from them. Consolidated metadata (v2 `.zmetadata`, v3 inline
 * `consolidated_metadata` in the root `zarr.json`) fills the whole map in one request and makes it
 * complete: a metadata key it lacks is known absent without asking. Otherwise documents are
 * fetched as asked for and remembered, absent ones too.
 */
import { unreadableReason } from './codecs';
import { ZarrError } from './errors';
import type { ZarrStore } from './stores';
import type { ZarrArrayInfo, ZarrJson, ZarrNodeInfo } from './types';

const METADATA_NAMES = new Set(['.zarray', '.zgroup', '.zattrs', '.zmetadata', 'zarr.json']);

export function isMetadataKey(key: string): boolean {
  return METADATA_NAMES.has(key.slice(key.lastIndexOf('/') + 1));
}

/** "", "/", "/a/b/", "a/b" → "" or "a/b". */
export function normalizePath(path: string): string {
  return path.split('/').filter(Boolean).join('/');
}

export function joinKey(path: string, name: string): string {
  return path ? `${path}/${name}` : name;
}

type JsonObject = { [key: string]: ZarrJson };

/** `a/b/.zarray` → `a/b/`; `.zarray` → ``. */
function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON of a metadata document; an HTML page or broken text is a clear error naming the key. */
export function parseDocument(key: string, bytes: Uint8Array, where: string): JsonObject {
  const text = new TextDecoder().decode(bytes);
  if (/^\s*</.test(text))
    throw new ZarrError(
      'metadata',
      `${key} in ${where} is an HTML page, not Zarr metadata (a login page, a proxy or the wrong URL?)`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    try {
      // Python's json writes bare NaN and Infinity (fill values); the Zarr spec spells them as strings.
      parsed = JSON.parse(text.replace(/:\s*(-?Infinity|NaN)\b/g, ': "$1"'));
    } catch {
      throw new ZarrError('metadata', `${key} in ${where} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(parsed)) throw new ZarrError('metadata', `${key} in ${where} is not a JSON object`);
  return parsed;
}

export interface MetadataSnapshot {
  format: 2 | 3;
  consolidated: boolean;
  /** Documents by store key; null marks a key known to be absent. */
  docs: Record<string, JsonObject | null>;
  /** Node folders (`a/b/`) that consolidated metadata lacks but the store holds: their documents were fetched. */
  outside?: string[];
}

/** The metadata of a store: consolidated when it has it, else fetched lazily key by key. */
export class Hierarchy {
  private constructor(
    private readonly store: ZarrStore,
    readonly snapshot: MetadataSnapshot,
  ) {}

  /** Restores a snapshot (from the metadata cache): no request at all. */
  static fromSnapshot(store: ZarrStore, snapshot: MetadataSnapshot): Hierarchy {
    return new Hierarchy(store, snapshot);
  }

  /** Finds the format and consolidated metadata: `.zmetadata`, then `zarr.json`, then v2 root keys. */
  static async discover(store: ZarrStore, signal?: AbortSignal): Promise<Hierarchy> {
    const where = store.label;
    const zmetadata = await store.get('/.zmetadata', { signal });
    if (zmetadata) {
      const doc = parseDocument('.zmetadata', zmetadata, where);
      const metadata = doc.metadata;
      if (!isObject(metadata))
        throw new ZarrError('metadata', `.zmetadata in ${where} has no "metadata" object`);
      const docs: MetadataSnapshot['docs'] = {};
      for (const [key, value] of Object.entries(metadata)) if (isObject(value)) docs[key] = value;
      return new Hierarchy(store, { format: 2, consolidated: true, docs });
    }
    const rootBytes = await store.get('/zarr.json', { signal });
    if (rootBytes) {
      const root = parseDocument('zarr.json', rootBytes, where);
      const docs: MetadataSnapshot['docs'] = { 'zarr.json': root };
      const consolidated = root.consolidated_metadata;
      if (isObject(consolidated) && isObject(consolidated.metadata)) {
        for (const [path, node] of Object.entries(consolidated.metadata))
          if (isObject(node)) docs[joinKey(normalizePath(path), 'zarr.json')] = node;
        return new Hierarchy(store, { format: 3, consolidated: true, docs });
      }
      return new Hierarchy(store, { format: 3, consolidated: false, docs });
    }
    const hierarchy = new Hierarchy(store, {
      format: 2,
      consolidated: false,
      docs: { '.zmetadata': null, 'zarr.json': null },
    });
    const [group, array] = await Promise.all([
      hierarchy.document('.zgroup', signal),
      hierarchy.document('.zarray', signal),
    ]);
    if (!group && !array)
      throw new ZarrError(
        'not-found',
        `${where} is not a Zarr store: it has no .zmetadata, zarr.json, .zgroup or .zarray`,
      );
    return hierarchy;
  }

  get format(): 2 | 3 {
    return this.snapshot.format;
  }

  get consolidated(): boolean {
    return this.snapshot.consolidated;
  }

  /** A metadata document, from the map when known, else fetched once and remembered. */
  async document(key: string, signal?: AbortSignal): Promise<JsonObject | null> {
    const known = this.snapshot.docs[key];
    if (known !== undefined) return known;
    // Consolidated metadata speaks for the nodes it holds. A node it lacks may still exist
    // (written after consolidation, like the AIND store's core 2.8.0 spec): asked for by path, it is fetched.
    if (this.snapshot.consolidated && this.coversNodeOf(key)) return null;
    const bytes = await this.store.get(`/${key}`, { signal });
    const doc = bytes ? parseDocument(key, bytes, this.store.label) : null;
    this.snapshot.docs[key] = doc;
    if (doc && this.snapshot.consolidated) (this.snapshot.outside ??= []).push(folderOf(key));
    return doc;
  }

  /** True when the map holds a document of the node `key` belongs to (its other documents are then known absent). */
  private coversNodeOf(key: string): boolean {
    const dir = folderOf(key);
    if (this.snapshot.outside?.includes(dir)) return false;
    return ['.zarray', '.zgroup', 'zarr.json'].some(name => this.snapshot.docs[dir + name]);
  }

  /** The node at `path`, or null when there is none. */
  async node(rawPath: string, signal?: AbortSignal): Promise<ZarrNodeInfo | null> {
    const path = normalizePath(rawPath);
    if (this.format === 3) {
      const doc = await this.document(joinKey(path, 'zarr.json'), signal);
      if (!doc) return null;
      const attributes = isObject(doc.attributes) ? doc.attributes : {};
      if (doc.node_type === 'array') return { kind: 'array', ...arrayInfoV3(path, doc, attributes) };
      return { kind: 'group', path, zarrFormat: 3, attributes };
    }
    const [array, group] = await Promise.all([
      this.document(joinKey(path, '.zarray'), signal),
      this.document(joinKey(path, '.zgroup'), signal),
    ]);
    if (!array && !group) return null;
    const attrsDoc = await this.document(joinKey(path, '.zattrs'), signal);
    const attributes = attrsDoc ?? {};
    if (array) return { kind: 'array', ...arrayInfoV2(path, array, attributes) };
    return { kind: 'group', path, zarrFormat: 2, attributes };
  }

  /**
   * Direct child names of a group known from the map (consolidated), or from the store's listing
   * where it can list cheaply; undefined when neither can tell.
   */
  async childNames(rawPath: string, signal?: AbortSignal): Promise<string[] | undefined> {
    const path = normalizePath(rawPath);
    const prefix = path ? `${path}/` : '';
    const names = new Set<string>();
    if (this.consolidated) {
      for (const [key, doc] of Object.entries(this.snapshot.docs)) {
        if (!doc || !key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length).split('/');
        if (rest.length >= 2 && rest[0]) names.add(rest[0]);
      }
      // Where listing costs nothing (a local folder), nodes added after consolidation show too.
      if (!this.store.listingIsFree) return [...names].sort();
    }
    const listed = await this.store.list?.(path, signal);
    if (!listed) return this.consolidated ? [...names].sort() : undefined;
    for (const name of listed) if (!isMetadataKey(name) && !name.startsWith('.')) names.add(name);
    return [...names].sort();
  }
}

function numbers(value: ZarrJson | undefined, what: string, path: string): number[] {
  if (!Array.isArray(value) || !value.every(n => typeof n === 'number' && Number.isInteger(n) && n >= 0))
    throw new ZarrError('metadata', `${path || '/'}: ${what} is not a list of whole numbers`);
  return value as number[];
}

function codecId(codec: ZarrJson): string {
  if (isObject(codec)) {
    if (typeof codec.id === 'string') return codec.id;
    if (typeof codec.name === 'string') return codec.name;
  }
  return String(codec);
}

function arrayInfoV2(path: string, doc: JsonObject, attributes: JsonObject): ZarrArrayInfo {
  const filters = Array.isArray(doc.filters) ? doc.filters : [];
  const codecs = [...filters.map(codecId), ...(doc.compressor ? [codecId(doc.compressor)] : [])];
  const shape = numbers(doc.shape, 'shape', path);
  const info: ZarrArrayInfo = {
    path,
    zarrFormat: 2,
    shape,
    chunks: numbers(doc.chunks, 'chunks', path),
    dtype: typeof doc.dtype === 'string' ? doc.dtype : JSON.stringify(doc.dtype),
    fillValue: doc.fill_value ?? null,
    codecs,
    attributes,
  };
  if (typeof doc.dtype !== 'string') info.unreadable = `structured dtype ${info.dtype} is not supported`;
  const reason = info.unreadable ?? unreadableReason(codecs);
  if (reason) info.unreadable = reason;
  return info;
}

/** v3 codec names, a sharding codec's inner codecs after it. */
function v3CodecNames(codecs: ZarrJson | undefined): string[] {
  if (!Array.isArray(codecs)) return [];
  return codecs.flatMap(codec => {
    const name = codecId(codec);
    const inner =
      name === 'sharding_indexed' && isObject(codec) && isObject(codec.configuration)
        ? v3CodecNames(codec.configuration.codecs)
        : [];
    return [name, ...inner];
  });
}

function arrayInfoV3(path: string, doc: JsonObject, attributes: JsonObject): ZarrArrayInfo {
  const grid =
    isObject(doc.chunk_grid) && isObject(doc.chunk_grid.configuration) ? doc.chunk_grid.configuration : {};
  const codecs = v3CodecNames(doc.codecs);
  const dtype = typeof doc.data_type === 'string' ? doc.data_type : JSON.stringify(doc.data_type);
  const info: ZarrArrayInfo = {
    path,
    zarrFormat: 3,
    shape: numbers(doc.shape, 'shape', path),
    chunks: numbers(grid.chunk_shape, 'chunk_shape', path),
    dtype,
    fillValue: doc.fill_value ?? null,
    codecs,
    attributes,
  };
  const reason =
    typeof doc.data_type !== 'string' ? `data type ${dtype} is not supported` : unreadableReason(codecs);
  if (reason) info.unreadable = reason;
  return info;
}
