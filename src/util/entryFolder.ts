/**
 * A folder of checksummed cache entries, one file per key: a little-endian u32 header length, the
 * JSON header (with the sha256 of the body, a format version and whether the entry is private),
 * then the body. Writes go through a temp file renamed into place; least recently used entries are
 * evicted to a byte bound; temp files of writes that died are swept once per folder and process;
 * private entries (files read with an API key) can be deleted at sign-out. The metadata cache and
 * the overview pyramids share this; each parses its own header fields and body.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A temp file this old was left by a write that never finished (writes take milliseconds). */
const STALE_TEMP_MS = 10 * 60_000;
const TEMP_SUFFIX = '.tmp';
/** A header longer than this is damage, not an entry. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

export interface EntryHeader {
  version: number;
  /** sha256 (hex) of the body. */
  sha256: string;
  /** Read with an API key (possibly embargoed): deleted at sign-out. */
  private: boolean;
}

/** Folders already swept of leftover temp files by this process. */
const swept = new Set<string>();

export class EntryFolder {
  constructor(
    readonly dir: string,
    private readonly suffix: string,
    private readonly maxBytes: number,
  ) {}

  /** The file of a key (a hash, so any key makes a safe file name). */
  fileFor(key: string): string {
    return join(this.dir, createHash('sha256').update(key).digest('hex').slice(0, 40) + this.suffix);
  }

  /**
   * The header and body of the entry when its body matches its digest, or null; a damaged entry is
   * deleted. A found entry counts as used now (eviction goes by last use).
   */
  async read<H extends EntryHeader>(file: string): Promise<{ header: H; body: Buffer } | null> {
    await this.sweepOnce();
    const data = await readFile(file).catch(() => null);
    if (!data) return null;
    const entry = splitEntry<H>(data);
    if (!entry || createHash('sha256').update(entry.body).digest('hex') !== entry.header.sha256) {
      await this.drop(file);
      return null;
    }
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return entry;
  }

  async drop(file: string): Promise<void> {
    await unlink(file).catch(() => undefined);
  }

  /**
   * Writes the entry (its digest filled in) atomically, then evicts to the bound. Returns false,
   * writing nothing, when the entry alone is larger than the bound.
   */
  async write<H extends EntryHeader>(
    file: string,
    header: Omit<H, 'sha256'>,
    body: readonly Uint8Array[],
  ): Promise<boolean> {
    const hash = createHash('sha256');
    for (const part of body) hash.update(part);
    const json = Buffer.from(JSON.stringify({ ...header, sha256: hash.digest('hex') }), 'utf8');
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32LE(json.length, 0);
    const total = 4 + json.length + body.reduce((n, part) => n + part.byteLength, 0);
    if (total > this.maxBytes) return false;
    await mkdir(this.dir, { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}${TEMP_SUFFIX}`;
    try {
      await writeFile(temp, Buffer.concat([prefix, json, ...body]));
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await this.evict();
    return true;
  }

  /** Deletes every private entry, and any whose header cannot be read (it may be private). */
  async forgetPrivate(): Promise<number> {
    let removed = 0;
    for (const name of await this.names()) {
      const path = join(this.dir, name);
      const header = await readHeader(path);
      if (header === null || header.private !== false) {
        await unlink(path).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }

  private async names(): Promise<string[]> {
    return (await readdir(this.dir).catch(() => [] as string[])).filter(n => n.endsWith(this.suffix));
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

  /** Once per folder and process: temp files whose writer is gone, or that are old. */
  private async sweepOnce(): Promise<void> {
    if (swept.has(this.dir)) return;
    swept.add(this.dir);
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const tempName = /\.(\d+)\.\d+\.tmp$/;
    for (const name of names.filter(n => n.endsWith(TEMP_SUFFIX) && n.includes(`${this.suffix}.`))) {
      const path = join(this.dir, name);
      const pid = Number(tempName.exec(name)?.[1] ?? NaN);
      const s = await stat(path).catch(() => null);
      if (s && (!isAlive(pid) || Date.now() - s.mtimeMs > STALE_TEMP_MS))
        await unlink(path).catch(() => undefined);
    }
  }
}

function splitEntry<H extends EntryHeader>(data: Buffer): { header: H; body: Buffer } | null {
  if (data.length < 4) return null;
  const length = data.readUInt32LE(0);
  if (length > MAX_HEADER_BYTES || 4 + length > data.length) return null;
  try {
    const header = JSON.parse(data.subarray(4, 4 + length).toString('utf8')) as H;
    if (typeof header !== 'object' || header === null || typeof header.sha256 !== 'string') return null;
    return { header, body: data.subarray(4 + length) };
  } catch {
    return null;
  }
}

/** Only the header (at sign-out every entry is checked; bodies can be large). */
async function readHeader(path: string): Promise<EntryHeader | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const prefix = Buffer.alloc(4);
      if ((await handle.read(prefix, 0, 4, 0)).bytesRead !== 4) return null;
      const length = prefix.readUInt32LE(0);
      if (length > MAX_HEADER_BYTES) return null;
      const json = Buffer.alloc(length);
      if ((await handle.read(json, 0, length, 4)).bytesRead !== length) return null;
      return JSON.parse(json.toString('utf8')) as EntryHeader;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
