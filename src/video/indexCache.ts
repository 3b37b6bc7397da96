/**
 * Persistent video index cache: the parsed index of each video, saved per source identity, so a
 * second open sends no request for it (IBL's moov is at the end of a several-GB file: without the
 * cache every open costs a round trip to the head and one to the tail). Like the HDF5 metadata
 * cache (src/hdf5/metadataCache.ts): one file per identity, a sha256 of the body checked on load
 * (a damaged entry is deleted, not trusted), least recently used entries evicted to a byte bound,
 * entries of files read with an API key marked private and deleted at sign-out.
 *
 * Entry: u32le header length, JSON header (scalars and array layout), then the typed arrays' bytes.
 */
import { EntryFolder, type EntryHeader } from '../util/entryFolder';
import type { VideoIndex } from './types';

const VERSION = 1;
const SUFFIX = '.vindex';

const ARRAYS = {
  offsets: Float64Array,
  sizes: Uint32Array,
  presentationSeconds: Float64Array,
  decodeSeconds: Float64Array,
  keyframe: Uint8Array,
  frameToSample: Uint32Array,
} as const;
type ArrayName = keyof typeof ARRAYS;
const NAMES = Object.keys(ARRAYS) as ArrayName[];

/** Byte strings that may be absent. */
const OPTIONAL = ['description', 'seiPrelude'] as const;
type OptionalName = (typeof OPTIONAL)[number];

type Scalars = Omit<VideoIndex, ArrayName | OptionalName>;

interface Header extends EntryHeader {
  identity: string;
  scalars: Scalars;
  /** Byte lengths of the arrays in NAMES order, then of the OPTIONAL byte strings (-1: absent). */
  lengths: number[];
}

export interface VideoIndexCacheOptions {
  /** Entries this cache saves are private (the video was read with an API key). */
  private?: boolean;
}

export class VideoIndexCache {
  private readonly folder: EntryFolder;

  constructor(
    dir: string,
    maxBytes: number,
    private readonly options: VideoIndexCacheOptions = {},
  ) {
    this.folder = new EntryFolder(dir, SUFFIX, maxBytes);
  }

  /** The saved index for this identity, or null; a damaged or outdated entry is deleted. */
  async get(identity: string): Promise<VideoIndex | null> {
    const file = this.folder.fileFor(identity);
    const read = await this.folder.read<Header>(file);
    if (!read) return null;
    const index = parseIndex(read.header, read.body);
    if (!index) {
      await this.folder.drop(file);
      return null;
    }
    return read.header.identity === identity ? index : null;
  }

  async put(identity: string, index: VideoIndex): Promise<void> {
    const parts: Uint8Array[] = NAMES.map(
      name => new Uint8Array(index[name].buffer, index[name].byteOffset, index[name].byteLength),
    );
    for (const name of OPTIONAL) parts.push(index[name] ?? new Uint8Array(0));
    const scalars: Record<string, unknown> = { ...index };
    for (const name of [...NAMES, ...OPTIONAL]) delete scalars[name];
    const header: Omit<Header, 'sha256'> = {
      version: VERSION,
      identity,
      private: this.options.private ?? false,
      scalars: scalars as unknown as Scalars,
      lengths: [
        ...parts.slice(0, NAMES.length).map(p => p.byteLength),
        ...OPTIONAL.map(name => index[name]?.byteLength ?? -1),
      ],
    };
    await this.folder.write(this.folder.fileFor(identity), header, parts);
  }

  /** Deletes every private entry (and any unreadable one): at sign-out. Returns how many. */
  forgetPrivate(): Promise<number> {
    return this.folder.forgetPrivate();
  }
}

/** The index a verified entry holds, when its header is of this version and matches its body. */
function parseIndex(header: Header, body: Buffer): VideoIndex | null {
  try {
    if (
      header.version !== VERSION ||
      !Array.isArray(header.lengths) ||
      header.lengths.length !== NAMES.length + OPTIONAL.length
    )
      return null;
    let at = 0;
    const arrays: Partial<Record<ArrayName, Float64Array | Uint32Array | Uint8Array>> = {};
    for (const [i, name] of NAMES.entries()) {
      const length = header.lengths[i];
      const Type = ARRAYS[name];
      if (
        !Number.isSafeInteger(length) ||
        length < 0 ||
        length % Type.BYTES_PER_ELEMENT !== 0 ||
        at + length > body.length
      )
        return null;
      // A copy: the entry's bytes need not sit at the array's alignment.
      arrays[name] = new Type(new Uint8Array(body.subarray(at, at + length)).buffer);
      at += length;
    }
    const index = { ...header.scalars, ...arrays } as VideoIndex;
    for (const [i, name] of OPTIONAL.entries()) {
      const length = header.lengths[NAMES.length + i];
      if (!Number.isSafeInteger(length) || at + Math.max(0, length) > body.length) return null;
      if (length >= 0) index[name] = new Uint8Array(body.subarray(at, at + length));
      at += Math.max(0, length);
    }
    if (at !== body.length) return null;
    return index;
  } catch {
    return null;
  }
}
