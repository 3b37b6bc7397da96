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
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

type Scalars = Omit<VideoIndex, ArrayName | 'description'>;

interface Header {
  version: number;
  identity: string;
  private: boolean;
  sha256: string;
  scalars: Scalars;
  /** Byte lengths of the arrays in NAMES order, then of the description (-1: none). */
  lengths: number[];
}

export interface VideoIndexCacheOptions {
  /** Entries this cache saves are private (the video was read with an API key). */
  private?: boolean;
}

export class VideoIndexCache {
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly options: VideoIndexCacheOptions = {},
  ) {}

  private fileFor(identity: string): string {
    return join(this.dir, createHash('sha256').update(identity).digest('hex').slice(0, 40) + SUFFIX);
  }

  /** The saved index for this identity, or null; a damaged or outdated entry is deleted. */
  async get(identity: string): Promise<VideoIndex | null> {
    const file = this.fileFor(identity);
    const data = await readFile(file).catch(() => null);
    if (!data) return null;
    const entry = parseEntry(data);
    if (!entry) {
      await unlink(file).catch(() => undefined);
      return null;
    }
    if (entry.identity !== identity) return null;
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return entry.index;
  }

  async put(identity: string, index: VideoIndex): Promise<void> {
    const parts: Uint8Array[] = NAMES.map(
      name => new Uint8Array(index[name].buffer, index[name].byteOffset, index[name].byteLength),
    );
    parts.push(index.description ?? new Uint8Array(0));
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    const scalars: Record<string, unknown> = { ...index };
    for (const name of [...NAMES, 'description']) delete scalars[name];
    const header: Header = {
      version: VERSION,
      identity,
      private: this.options.private ?? false,
      sha256: hash.digest('hex'),
      scalars: scalars as unknown as Scalars,
      lengths: [
        ...parts.slice(0, -1).map(p => p.byteLength),
        index.description ? index.description.byteLength : -1,
      ],
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32LE(json.length, 0);
    const total = 4 + json.length + parts.reduce((n, p) => n + p.byteLength, 0);
    if (total > this.maxBytes) return;
    await mkdir(this.dir, { recursive: true });
    const file = this.fileFor(identity);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(temp, Buffer.concat([prefix, json, ...parts]));
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await this.evict();
  }

  /** Deletes every private entry (and any unreadable one): at sign-out. Returns how many. */
  async forgetPrivate(): Promise<number> {
    let removed = 0;
    for (const name of await this.names()) {
      const data = await readFile(join(this.dir, name)).catch(() => null);
      const entry = data && parseEntry(data);
      if (!entry || entry.private) {
        await unlink(join(this.dir, name)).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }

  private async names(): Promise<string[]> {
    return (await readdir(this.dir).catch(() => [] as string[])).filter(n => n.endsWith(SUFFIX));
  }

  /** Deletes least recently used entries until the folder fits the bound. */
  private async evict(): Promise<void> {
    const entries = [];
    for (const name of await this.names()) {
      const s = await stat(join(this.dir, name)).catch(() => null);
      if (s) entries.push({ name, size: s.size, used: s.mtimeMs });
    }
    let total = entries.reduce((n, e) => n + e.size, 0);
    entries.sort((a, b) => a.used - b.used);
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      await unlink(join(this.dir, entry.name)).catch(() => undefined);
      total -= entry.size;
    }
  }
}

function parseEntry(data: Buffer): { identity: string; private: boolean; index: VideoIndex } | null {
  try {
    if (data.length < 4) return null;
    const headerLength = data.readUInt32LE(0);
    if (4 + headerLength > data.length) return null;
    const header = JSON.parse(data.subarray(4, 4 + headerLength).toString('utf8')) as Header;
    if (
      header.version !== VERSION ||
      !Array.isArray(header.lengths) ||
      header.lengths.length !== NAMES.length + 1
    )
      return null;
    const body = data.subarray(4 + headerLength);
    if (createHash('sha256').update(body).digest('hex') !== header.sha256) return null;
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
    const descriptionLength = header.lengths[NAMES.length];
    const description =
      descriptionLength >= 0 ? new Uint8Array(body.subarray(at, at + descriptionLength)) : undefined;
    at += Math.max(0, descriptionLength);
    if (at !== body.length) return null;
    const index = { ...header.scalars, ...arrays, description } as VideoIndex;
    return { identity: header.identity, private: header.private, index };
  } catch {
    return null;
  }
}
