/**
 * The engine's metadata answers (entries, link and attribute names, attributes, dataset infos)
 * read from the file's own structures in JavaScript, without a call into h5wasm: a walk used to
 * spend about 70% of its time in h5wasm's by-path calls, each walking the path again. Paths
 * resolve as libhdf5 resolves them; whatever this reader does not read throws FormatUnsupported,
 * and the caller (ops.ts) asks libhdf5 for that one answer instead.
 */
import { describeFilters } from '../filters';
import { parseFilters, parseLayout } from './storedLayout';
import { nwb1Type } from '../neurodataType';
import type { DatasetInfo, H5Attribute, H5Entry } from '../types';
import { shortDtype, toDatasetInfo, toDtype } from '../dtypes';
import { attributeValue, type ReferenceResolver } from './attributeValue';
import { objectAttributes } from './objectAttributes';
import type { StoredAttribute } from './attributeMessage';
import { parseDataspace } from './dataspace';
import { parseDatatype } from './datatype';
import { Cursor, type StoredFile } from './fileCursor';
import { groupLinks, isGroupHeader, type Link } from './groupLinks';
import { FormatUnsupported, firstMessage, readObjectHeader, type ObjectHeader } from './objectHeader';
import { rootGroupAddress } from './superblock';
import type { Metadata } from 'h5wasm';

/** libhdf5's object type codes (H5G_obj_t), as h5wasm's get_type returns them. */
export interface TypeCodes {
  group: number;
  dataset: number;
  datatype: number;
  softLink: number;
  externalLink: number;
}

const DATASPACE = 0x01;
const DATATYPE = 0x03;
const LAYOUT = 0x08;
const FILTERS = 0x0b;
/** H5T_STRING. */
const STRING = 3;
/** Soft links followed in one lookup before giving up, as libhdf5 (H5L_NUM_LINKS). */
const MAX_SOFT_LINKS = 16;
/** Headers, link tables and attribute lists kept before the caches start over. */
const CACHE_LIMIT = 50_000;

type ObjectClass = 'group' | 'dataset' | 'datatype';

/** What a path names: an object (reached by `soft` when its last link is a soft link), or a link. */
type Target =
  | { kind: 'object'; address: number; soft: string | null }
  | { kind: 'dangling'; soft: string }
  | { kind: 'external'; file: string; path: string }
  | { kind: 'missing' };

export class FormatAnswers {
  private root: number | null = null;
  private readonly headers = new Map<number, ObjectHeader>();
  private readonly links = new Map<number, Map<string, Link>>();
  private readonly attributeLists = new Map<number, ReturnType<typeof objectAttributes>>();
  /** Every call names its object by path: resolved once per path. */
  private readonly targets = new Map<string, Target>();
  private readonly classes = new Map<number, ObjectClass>();
  private readonly datasetMetas = new Map<number, Metadata>();
  /** String attribute values (no references inside), read once for the entry and the attribute list. */
  private readonly texts = new Map<StoredAttribute, { value: H5Attribute; nbytes: number }>();

  constructor(
    private readonly file: StoredFile,
    private readonly codes: TypeCodes,
    private readonly plugins: ReadonlySet<number>,
    private readonly refs: ReferenceResolver,
  ) {}

  /**
   * As h5wasm's get_type: the object's type through soft links, the link's for dangling or
   * external ones. A path this reader finds nothing at is left to libhdf5 to say so.
   */
  typeCode(path: string): number {
    const target = this.lookup(path);
    switch (target.kind) {
      case 'missing':
        throw new FormatUnsupported(`nothing at ${path}`);
      case 'dangling':
        return this.codes.softLink;
      case 'external':
        return this.codes.externalLink;
      case 'object':
        return this.codes[this.classOf(target.address)];
    }
  }

  /** The group's link names in the order libhdf5 lists them. */
  linkNames(path: string): string[] {
    return [...this.linkTable(this.groupAt(path)).keys()];
  }

  attributeNames(path: string): string[] {
    return this.attributesOf(this.objectAt(path)).map(a => a.name);
  }

  attribute(path: string, name: string): { value: H5Attribute; nbytes: number } {
    const stored = this.attributesOf(this.objectAt(path)).find(a => a.name === name);
    if (!stored) throw new FormatUnsupported(`no attribute ${name} at ${path}`);
    return this.valueOf(stored);
  }

  private valueOf(stored: StoredAttribute): { value: H5Attribute; nbytes: number } {
    const kept = this.texts.get(stored);
    if (kept) return kept;
    const value = attributeValue(this.file, stored, this.refs);
    if (stored.meta.type === STRING) bounded(this.texts).set(stored, value);
    return value;
  }

  entry(path: string, name: string): H5Entry {
    const target = this.lookup(path);
    if (target.kind === 'missing') throw new FormatUnsupported(`nothing at ${path}`);
    if (target.kind === 'external')
      return { name, path, kind: 'externalLink', target: `${target.file}://${target.path}` };
    if (target.kind === 'dangling') return { name, path, kind: 'brokenLink', target: target.soft };
    const objectClass = this.classOf(target.address);
    const entry: H5Entry = { name, path, kind: objectClass };
    if (target.soft !== null && path !== '/') {
      entry.kind = 'softLink';
      entry.target = target.soft;
    }
    if (objectClass === 'datatype') return entry;
    if (objectClass === 'dataset') {
      const meta = this.datasetMetadata(this.header(target.address));
      entry.shape = meta.shape ?? [];
      entry.dtype = shortDtype(toDtype(meta));
    } else entry.childCount = this.linkTable(target.address).size;
    const attributes = this.attributesOf(target.address);
    const valueOf = (attr: string) => {
      const stored = attributes.find(a => a.name === attr);
      return stored ? this.valueOf(stored).value.value : undefined;
    };
    const text = (attr: string) => {
      const v = valueOf(attr);
      const first = Array.isArray(v) ? v[0] : v;
      return typeof first === 'string' ? first : undefined;
    };
    const neurodataType = nwb1Type(text('neurodata_type'), name, () => valueOf('ancestry') ?? null);
    const namespace = text('namespace');
    if (neurodataType !== undefined) entry.neurodataType = neurodataType;
    if (namespace !== undefined) entry.namespace = namespace;
    return entry;
  }

  datasetInfo(path: string): DatasetInfo {
    const address = this.objectAt(path);
    if (this.classOf(address) !== 'dataset') throw new FormatUnsupported(`${path} is not a dataset`);
    const header = this.header(address);
    return toDatasetInfo(path, this.datasetMetadata(header), () => this.filtersOf(header));
  }

  /**
   * Path by object reference (its 8 address bytes, joined), from one pass over every link as
   * libhdf5's H5Lvisit makes it (by name, depth first, each group entered once); null where
   * several links reach the object. Soft links count as links to their target.
   */
  referenceIndex(): Map<string, string | null> {
    const index = new Map<string, string | null>();
    const entered = new Set<number>();
    const add = (address: number, path: string) => {
      const key = addressKey(address);
      index.set(key, index.has(key) ? null : path);
    };
    const visit = (address: number, prefix: string) => {
      entered.add(address);
      for (const [name, link] of this.linkTable(address)) {
        const path = `${prefix}/${name}`;
        if (link.kind === 'soft') {
          const target = this.lookup(path);
          if (target.kind === 'object') add(target.address, path);
        } else if (link.kind === 'hard') {
          add(link.address, path);
          if (!entered.has(link.address) && this.classOf(link.address) === 'group') visit(link.address, path);
        }
      }
    };
    visit(this.rootAddress(), '');
    return index;
  }

  private datasetMetadata(header: ObjectHeader): Metadata {
    let meta = this.datasetMetas.get(header.address);
    if (!meta) bounded(this.datasetMetas).set(header.address, (meta = this.readDatasetMetadata(header)));
    return meta;
  }

  private readDatasetMetadata(header: ObjectHeader): Metadata {
    const type = firstMessage(header, DATATYPE);
    const space = firstMessage(header, DATASPACE);
    if (!type || !space) throw new FormatUnsupported(`no datatype or dataspace at ${header.address}`);
    if (space.flags & 0x02) throw new FormatUnsupported('a shared dataspace message');
    const { shape, maxshape } = parseDataspace(this.file, space.body);
    const dtype = parseDatatype(this.file, type.body, (type.flags & 0x02) !== 0);
    const layout = firstMessage(header, LAYOUT);
    let chunks: number[] | null = null;
    if (layout && shape) {
      const parsed = parseLayout(new Cursor(layout.body, this.file), shape.length);
      if (parsed.kind === 'chunked' && parsed.dims.length === shape.length) chunks = parsed.dims;
    }
    const total = shape ? shape.reduce((a, b) => a * b, 1) : 0;
    return { ...dtype, shape, maxshape, chunks, total_size: total };
  }

  private filtersOf(header: ObjectHeader): DatasetInfo['filters'] {
    const message = firstMessage(header, FILTERS);
    if (!message) return [];
    if (message.flags & 0x02) throw new FormatUnsupported('a shared filter pipeline message');
    return describeFilters(parseFilters(new Cursor(message.body, this.file)), this.plugins);
  }

  /** As libhdf5 classifies an object (H5O__obj_class): group, then dataset, then datatype. */
  private classOf(address: number): ObjectClass {
    let known = this.classes.get(address);
    if (!known) bounded(this.classes).set(address, (known = this.readClass(address)));
    return known;
  }

  private readClass(address: number): ObjectClass {
    const header = this.header(address);
    const has = (type: number) => header.messages.some(m => m.type === type);
    if (isGroupHeader(header)) return 'group';
    if (has(DATATYPE) && has(DATASPACE)) return 'dataset';
    if (has(DATATYPE)) return 'datatype';
    throw new FormatUnsupported(`the object at ${address} is of no known type`);
  }

  private rootAddress(): number {
    if (this.root === null) this.root = rootGroupAddress(this.file);
    return this.root;
  }

  private objectAt(path: string): number {
    const target = this.lookup(path);
    if (target.kind !== 'object') throw new FormatUnsupported(`${path} is not an object`);
    return target.address;
  }

  private groupAt(path: string): number {
    const address = this.objectAt(path);
    if (this.classOf(address) !== 'group') throw new FormatUnsupported(`${path} is not a group`);
    return address;
  }

  private lookup(path: string): Target {
    let target = this.targets.get(path);
    if (!target) bounded(this.targets).set(path, (target = this.lookupFrom(this.rootAddress(), path, 0)));
    return target;
  }

  /** Resolves `path` from the group at `start` (from the root when absolute). */
  private lookupFrom(start: number, path: string, softLinks: number): Target {
    const parts = path.split('/').filter(p => p !== '' && p !== '.');
    let address = path.startsWith('/') ? this.rootAddress() : start;
    if (parts.length === 0) return { kind: 'object', address, soft: null };
    for (let i = 0; i < parts.length; i++) {
      if (this.classOf(address) !== 'group') return { kind: 'missing' };
      const link = this.linkTable(address).get(parts[i]);
      if (!link) return { kind: 'missing' };
      const last = i === parts.length - 1;
      if (link.kind === 'hard') {
        if (last) return { kind: 'object', address: link.address, soft: null };
        address = link.address;
      } else if (link.kind === 'external') {
        if (last) return { kind: 'external', file: link.file, path: link.path };
        throw new FormatUnsupported(`${path} goes through an external link`);
      } else {
        if (softLinks >= MAX_SOFT_LINKS) throw new FormatUnsupported(`${path}: too many soft links`);
        const resolved = this.lookupFrom(address, link.target, softLinks + 1);
        if (resolved.kind === 'object') {
          if (last) return { kind: 'object', address: resolved.address, soft: link.target };
          address = resolved.address;
        } else if (last) return { kind: 'dangling', soft: link.target };
        else throw new FormatUnsupported(`${path} goes through a soft link that does not reach an object`);
      }
    }
    return { kind: 'missing' };
  }

  private header(address: number): ObjectHeader {
    let header = this.headers.get(address);
    if (!header) {
      header = readObjectHeader(this.file, address);
      bounded(this.headers).set(address, header);
    }
    return header;
  }

  private linkTable(address: number): Map<string, Link> {
    let table = this.links.get(address);
    if (!table) {
      const list = groupLinks(this.file, this.header(address));
      if (!list) throw new FormatUnsupported(`the object at ${address} is not a group`);
      table = new Map(list.map(link => [link.name, link]));
      bounded(this.links).set(address, table);
    }
    return table;
  }

  private attributesOf(address: number): ReturnType<typeof objectAttributes> {
    let list = this.attributeLists.get(address);
    if (!list) {
      list = objectAttributes(this.file, this.header(address));
      bounded(this.attributeLists).set(address, list);
    }
    return list;
  }
}

function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= CACHE_LIMIT) map.clear();
  return map;
}

/** An object's address as libhdf5's object reference holds it (8 little-endian bytes), joined: the index's key. */
export function addressKey(address: number): string {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(address), true);
  return bytes.join(',');
}
