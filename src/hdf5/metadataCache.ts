/**
 * Persistent metadata cache: the file bytes that answering metadata calls needed (the worker's
 * pinned pages), saved per blob identity, so that opening the same blob again and repeating those
 * calls costs no request. One file per identity; whole files are evicted least recently used
 * first to stay under the byte bound.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PageRun } from './protocol';

const VERSION = 1;
const SUFFIX = '.h5meta';

interface Header {
  version: number;
  identity: string;
  size: number;
  runs: { offset: number; length: number }[];
}

export interface CachedMetadata {
  size: number;
  runs: PageRun[];
}

export class MetadataCache {
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  private fileFor(identity: string): string {
    return join(this.dir, createHash('sha256').update(identity).digest('hex').slice(0, 40) + SUFFIX);
  }

  /** The saved bytes for this identity, or null (a damaged entry counts as absent). */
  async load(identity: string): Promise<CachedMetadata | null> {
    const file = this.fileFor(identity);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch {
      return null;
    }
    try {
      const data = await handle.readFile();
      const headerLength = data.readUInt32LE(0);
      const header = JSON.parse(data.subarray(4, 4 + headerLength).toString('utf8')) as Header;
      if (header.version !== VERSION || header.identity !== identity) return null;
      let at = 4 + headerLength;
      const runs: PageRun[] = [];
      for (const run of header.runs) {
        if (at + run.length > data.length) return null;
        runs.push({ offset: run.offset, bytes: new Uint8Array(data.subarray(at, at + run.length)) });
        at += run.length;
      }
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return { size: header.size, runs };
    } catch {
      return null;
    } finally {
      await handle.close();
    }
  }

  async save(identity: string, size: number, runs: PageRun[]): Promise<void> {
    const header: Header = {
      version: VERSION,
      identity,
      size,
      runs: runs.map(r => ({ offset: r.offset, length: r.bytes.length })),
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32LE(json.length, 0);
    const total = 4 + json.length + runs.reduce((n, r) => n + r.bytes.length, 0);
    if (total > this.maxBytes) return;
    await mkdir(this.dir, { recursive: true });
    const file = this.fileFor(identity);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, Buffer.concat([prefix, json, ...runs.map(r => r.bytes)]));
    await rename(temp, file);
    await this.evict();
  }

  /** Deletes least recently used entries until the folder fits the bound. */
  private async evict(): Promise<void> {
    const names = (await readdir(this.dir)).filter(n => n.endsWith(SUFFIX));
    const entries = [];
    for (const name of names) {
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
