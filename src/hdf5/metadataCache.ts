/**
 * Persistent metadata cache: the file bytes that answering metadata calls needed (the worker's
 * pinned pages), saved per blob identity, so that opening the same blob again and repeating those
 * calls costs no request. Answers that are expensive to recompute (a whole-file walk: thousands of
 * h5wasm calls) are kept beside them, structured-cloned: the bytes behind an identity never change,
 * so neither do they. One file per identity; whole files are evicted least recently used first to
 * stay under the byte bound.
 *
 * Each entry carries the sha256 of its bytes: an entry that does not match (a damaged disk, a
 * write cut short) is deleted on load rather than failing that file forever. Entries of files read
 * with an API key are marked private, so signing out can delete them.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { PageRun } from './protocol';

/** 3: answers after the runs. An entry of another version is deleted on load (and rewritten at close). */
const VERSION = 3;
const SUFFIX = '.h5meta';
const TEMP_SUFFIX = '.tmp';
/** A temp file this old was left by a write that never finished (writes take milliseconds). */
const STALE_TEMP_MS = 10 * 60_000;

interface Header {
  version: number;
  identity: string;
  size: number;
  /** sha256 (hex) of everything after the header: the runs' bytes, then the answers', in order. */
  sha256: string;
  /** Read with an API key (possibly embargoed): deleted at sign-out. */
  private: boolean;
  runs: { offset: number; length: number }[];
  /** Serialized answers (node:v8, as postMessage clones them), by call key. */
  answers: { key: string; length: number }[];
}

/** Answers to metadata calls, by a key naming the call (see engine.ts). */
export type MetadataAnswers = Map<string, unknown>;

export interface CachedMetadata {
  size: number;
  runs: PageRun[];
  answers: MetadataAnswers;
}

export interface MetadataCacheOptions {
  /** Entries this cache saves are private (the file was read with an API key). */
  private?: boolean;
}

/** Folders already swept of leftover temp files by this process. */
const swept = new Set<string>();

export class MetadataCache {
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly options: MetadataCacheOptions = {},
  ) {}

  private fileFor(identity: string): string {
    return join(this.dir, createHash('sha256').update(identity).digest('hex').slice(0, 40) + SUFFIX);
  }

  /** The saved bytes for this identity, or null; a damaged or outdated entry is deleted. */
  async load(identity: string): Promise<CachedMetadata | null> {
    await this.sweepOnce();
    const file = this.fileFor(identity);
    let data: Buffer;
    try {
      const handle = await open(file, 'r');
      try {
        data = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch {
      return null;
    }
    const entry = parseEntry(data);
    if (!entry) {
      await unlink(file).catch(() => undefined);
      return null;
    }
    // Another identity's hash prefix collision is not damage: leave that entry alone.
    if (entry.header.identity !== identity) return null;
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return { size: entry.header.size, runs: entry.runs, answers: entry.answers };
  }

  /** Deletes this identity's entry (an open seeded from it failed). */
  async drop(identity: string): Promise<void> {
    await unlink(this.fileFor(identity)).catch(() => undefined);
  }

  async save(
    identity: string,
    size: number,
    runs: PageRun[],
    answers: MetadataAnswers = new Map(),
  ): Promise<void> {
    const answerBytes = [...answers].map(([key, value]) => ({ key, bytes: serialize(value) }));
    const body = [...runs.map(r => r.bytes), ...answerBytes.map(a => a.bytes)];
    const hash = createHash('sha256');
    for (const part of body) hash.update(part);
    const header: Header = {
      version: VERSION,
      identity,
      size,
      sha256: hash.digest('hex'),
      private: this.options.private ?? false,
      runs: runs.map(r => ({ offset: r.offset, length: r.bytes.length })),
      answers: answerBytes.map(a => ({ key: a.key, length: a.bytes.length })),
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32LE(json.length, 0);
    const total = 4 + json.length + body.reduce((n, b) => n + b.length, 0);
    if (total > this.maxBytes) {
      // The pages alone still spare the next open its requests.
      if (answers.size > 0) await this.save(identity, size, runs);
      return;
    }
    await mkdir(this.dir, { recursive: true });
    const file = this.fileFor(identity);
    const temp = `${file}.${process.pid}.${Date.now()}${TEMP_SUFFIX}`;
    try {
      await writeFile(temp, Buffer.concat([prefix, json, ...body]));
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
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

  /** Once per folder and process: temp files of writes that died (their process is gone, or long ago). */
  private async sweepOnce(): Promise<void> {
    if (swept.has(this.dir)) return;
    swept.add(this.dir);
    await removeStaleTemps(this.dir);
  }
}

/** Removes temp files left by interrupted writes: their writer is gone, or they are old. */
async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter(n => n.endsWith(TEMP_SUFFIX))) {
    const path = join(dir, name);
    const pid = Number(/\.h5meta\.(\d+)\.\d+\.tmp$/.exec(name)?.[1] ?? NaN);
    const s = await stat(path).catch(() => null);
    if (!s) continue;
    if (!isAlive(pid) || Date.now() - s.mtimeMs > STALE_TEMP_MS) {
      await unlink(path).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}

/** Deletes every private entry (files read with an API key): at sign-out. Returns how many. */
export async function forgetPrivateMetadata(dir: string): Promise<number> {
  let removed = 0;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter(n => n.endsWith(SUFFIX))) {
    const path = join(dir, name);
    const header = await readHeader(path);
    // An unreadable entry may be private: delete it too.
    if (header === null || header.private !== false) {
      await unlink(path).catch(() => undefined);
      removed++;
    }
  }
  return removed;
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

async function readHeader(path: string): Promise<Header | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const prefix = Buffer.alloc(4);
      if ((await handle.read(prefix, 0, 4, 0)).bytesRead !== 4) return null;
      const length = prefix.readUInt32LE(0);
      if (length > 64 * 1024 * 1024) return null;
      const json = Buffer.alloc(length);
      if ((await handle.read(json, 0, length, 4)).bytesRead !== length) return null;
      return JSON.parse(json.toString('utf8')) as Header;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** The entry's header, runs and answers when the bytes match its digest; null for anything damaged. */
function parseEntry(data: Buffer): { header: Header; runs: PageRun[]; answers: MetadataAnswers } | null {
  try {
    if (data.length < 4) return null;
    const headerLength = data.readUInt32LE(0);
    if (4 + headerLength > data.length) return null;
    const header = JSON.parse(data.subarray(4, 4 + headerLength).toString('utf8')) as Header;
    if (header.version !== VERSION || !Array.isArray(header.runs) || !Array.isArray(header.answers))
      return null;
    const body = data.subarray(4 + headerLength);
    if (createHash('sha256').update(body).digest('hex') !== header.sha256) return null;
    let at = 0;
    const runs: PageRun[] = [];
    for (const run of header.runs) {
      if (!Number.isSafeInteger(run.offset) || !Number.isSafeInteger(run.length) || run.length < 0)
        return null;
      if (at + run.length > body.length) return null;
      runs.push({ offset: run.offset, bytes: new Uint8Array(body.subarray(at, at + run.length)) });
      at += run.length;
    }
    const answers: MetadataAnswers = new Map();
    for (const answer of header.answers) {
      if (typeof answer.key !== 'string' || !Number.isSafeInteger(answer.length) || answer.length < 0)
        return null;
      if (at + answer.length > body.length) return null;
      answers.set(answer.key, deserialize(body.subarray(at, at + answer.length)));
      at += answer.length;
    }
    return at === body.length ? { header, runs, answers } : null;
  } catch {
    return null;
  }
}
