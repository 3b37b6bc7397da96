/**
 * Recently closed files, kept open for a grace period: closing a view and opening it again (or
 * another view of the same file) reuses the running worker, its open h5wasm file and its block
 * cache, chunk data included, instead of paying the open and the reads again. Files are keyed by
 * their source's identity (what the persistent metadata cache keys on) plus whatever changes
 * how they are read (credentials, cache bounds), and leased: each open gets its own handle and
 * close() returns it; the file itself closes after `keepAliveMs` without a lease, or earlier when
 * more idle files (or their caches' bytes) than the bounds below wait.
 */
import type { Hdf5File, SourceStats } from './types';
import { Hdf5Error } from './types';

/**
 * What becomes of a closed file's worker: 'spare' hands it to the next open (or starts a fresh
 * spare when it cannot be kept); 'quiet' hands it on if it can, starting nothing; 'stop' ends it
 * (deactivation, sign-out).
 */
export type AfterClose = 'spare' | 'quiet' | 'stop';

/** The file behind the leases. */
export interface PoolableFile extends Hdf5File {
  /** Really closes it (worker and source), leaving its worker for the next open as `afterwards` says. */
  dispose(afterwards: AfterClose): Promise<void>;
  /** Starts a spare worker for the next open of another file (this one keeps its own). */
  prepareSpare(): void;
}

const MiB = 1024 * 1024;
/** Idle files kept at once, and the block cache bytes they may hold together. */
const MAX_IDLE_FILES = 4;
const MAX_IDLE_CACHE_BYTES = 512 * MiB;

interface Entry {
  key: string;
  file: PoolableFile;
  /** Read with an API key: closed at sign-out. */
  isPrivate: boolean;
  keepAliveMs: number;
  leases: number;
  /** Not to be kept once its last lease closes (its credentials were withdrawn). */
  retired: boolean;
  idleSince: number;
  timer: NodeJS.Timeout | null;
}

const entries = new Map<string, Entry>();

const ZERO_STATS: SourceStats = {
  requests: 0,
  bytesFetched: 0,
  cacheHits: 0,
  cacheMisses: 0,
  cacheBytes: 0,
  metadataCacheHits: 0,
  workerRestarts: 0,
  waitMs: 0,
};

/** A new lease on the kept file for `key`, or undefined when none is kept. */
export function leaseKept(key: string): Hdf5File | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  if (entry.timer) clearTimeout(entry.timer);
  entry.timer = null;
  entry.leases++;
  return new FileLease(entry, entry.file.stats());
}

/** Keeps `file` under `key` once opened, and returns the caller's lease on it. */
export function keep(key: string, file: PoolableFile, keepAliveMs: number, isPrivate: boolean): Hdf5File {
  // Two opens of the same file raced: the first one is kept, this one closes with its lease.
  const entry: Entry = {
    key,
    file,
    isPrivate,
    keepAliveMs,
    leases: 1,
    retired: entries.has(key),
    idleSince: 0,
    timer: null,
  };
  if (!entry.retired) entries.set(key, entry);
  // This lease opened the file: its open's requests are its own.
  return new FileLease(entry, ZERO_STATS);
}

/**
 * Closes the kept files that `which` selects (all by default): idle ones now, leased ones when
 * their last lease closes. At sign-out (private files) and deactivation (all).
 */
export async function closeKeptFiles(which: (file: { isPrivate: boolean }) => boolean = () => true) {
  const closing: Promise<void>[] = [];
  for (const entry of [...entries.values()]) {
    if (!which(entry)) continue;
    entry.retired = true;
    entries.delete(entry.key);
    if (entry.leases === 0) closing.push(dispose(entry, 'stop'));
  }
  await Promise.all(closing);
}

/** How many files are kept, how many wait without a lease, and their caches' bytes (tests, diagnostics). */
export function keptFiles(): { kept: number; idle: number; idleCacheBytes: number } {
  const idle = [...entries.values()].filter(e => e.leases === 0);
  return {
    kept: entries.size,
    idle: idle.length,
    idleCacheBytes: idle.reduce((n, e) => n + e.file.stats().cacheBytes, 0),
  };
}

async function release(entry: Entry): Promise<void> {
  entry.leases--;
  if (entry.leases > 0) return;
  if (entry.retired || entry.keepAliveMs <= 0) {
    if (entries.get(entry.key) === entry) entries.delete(entry.key);
    await dispose(entry, 'spare');
    return;
  }
  entry.idleSince = Date.now();
  entry.file.prepareSpare();
  entry.timer = setTimeout(() => {
    if (entries.get(entry.key) === entry && entry.leases === 0) {
      entries.delete(entry.key);
      void dispose(entry, 'quiet');
    }
  }, entry.keepAliveMs);
  // A kept file must not keep the process alive.
  entry.timer.unref();
  await enforceBounds();
}

/** Closes the longest idle files while more, or more cached bytes, wait than the bounds allow. */
async function enforceBounds(): Promise<void> {
  const idle = [...entries.values()].filter(e => e.leases === 0).sort((a, b) => a.idleSince - b.idleSince);
  let bytes = idle.reduce((n, e) => n + e.file.stats().cacheBytes, 0);
  const closing: Promise<void>[] = [];
  for (let i = 0; i < idle.length; i++) {
    if (idle.length - i <= MAX_IDLE_FILES && bytes <= MAX_IDLE_CACHE_BYTES) break;
    const entry = idle[i];
    entries.delete(entry.key);
    bytes -= entry.file.stats().cacheBytes;
    closing.push(dispose(entry, 'quiet'));
  }
  await Promise.all(closing);
}

async function dispose(entry: Entry, afterwards: AfterClose): Promise<void> {
  if (entry.timer) clearTimeout(entry.timer);
  entry.timer = null;
  await entry.file.dispose(afterwards).catch(() => undefined);
}

/** One open's handle: its own stats (counted from its open) and its own close. */
class FileLease implements Hdf5File {
  private released = false;

  constructor(
    private readonly kept: Entry,
    /** The file's counters when this lease began (what earlier leases cost). */
    private readonly base: SourceStats,
  ) {}

  get info() {
    return this.kept.file.info;
  }

  async list(path: string) {
    return this.live().list(path);
  }

  async entry(path: string) {
    return this.live().entry(path);
  }

  async attributes(path: string) {
    return this.live().attributes(path);
  }

  async datasetInfo(path: string) {
    return this.live().datasetInfo(path);
  }

  async read(...args: Parameters<Hdf5File['read']>) {
    return this.live().read(...args);
  }

  async walk(...args: Parameters<Hdf5File['walk']>) {
    return this.live().walk(...args);
  }

  async chunkPlan(path: string) {
    const file = this.live();
    if (!file.chunkPlan) throw new Hdf5Error('unsupported-layout', 'this file reads through HDF5 only');
    return file.chunkPlan(path);
  }

  async readChunks(...args: Parameters<NonNullable<Hdf5File['readChunks']>>) {
    const file = this.live();
    if (!file.readChunks) throw new Hdf5Error('unsupported-layout', 'this file reads through HDF5 only');
    return file.readChunks(...args);
  }

  /** What this open cost: requests and hits since it was leased; the cache as it is now. */
  stats(): SourceStats {
    const now = this.kept.file.stats();
    return {
      ...now,
      requests: now.requests - this.base.requests,
      bytesFetched: now.bytesFetched - this.base.bytesFetched,
      cacheHits: now.cacheHits - this.base.cacheHits,
      cacheMisses: now.cacheMisses - this.base.cacheMisses,
      metadataCacheHits: now.metadataCacheHits - this.base.metadataCacheHits,
      workerRestarts: (now.workerRestarts ?? 0) - (this.base.workerRestarts ?? 0),
      waitMs: (now.waitMs ?? 0) - (this.base.waitMs ?? 0),
    };
  }

  async saveMetadata(): Promise<void> {
    await this.live().saveMetadata?.();
  }

  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // Saved at every close, as an unkept file is (the next session starts from it), but not
    // waited for: the disk write comes after the answer. Closing the file itself waits for it.
    // The cache is an accelerator; failing to save it must not fail close().
    this.kept.file.saveMetadata?.().catch(() => undefined);
    await release(this.kept);
  }

  private live(): Hdf5File {
    if (this.released) throw new Hdf5Error('closed', `${this.kept.file.info.label} is closed`);
    return this.kept.file;
  }
}
