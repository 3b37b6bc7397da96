/**
 * The worker's block cache: fixed-size pages in an LRU bounded by `cacheBytes`, filled by a
 * synchronous fetch (the worker blocks on the host while it runs). Remote reading is bound by
 * round trips, so each miss fetches one coalesced span whose size adapts to the access pattern:
 * metadata reads grow their window while misses stay close together; data reads that continue
 * sequentially prefetch up to what the current selection still needs. A span is kept as fetched
 * and its pages are copied out when a read needs them. Pages touched while answering metadata
 * calls are pinned so the persistent metadata cache can save them.
 */
import { STREAM, type BlockPolicy, type PageRun, type StreamRun } from './protocol';
import { streamLanded } from './streamLanding';

/** Synchronous byte fetch of [start, end); throws on failure. */
export type FetchFn = (start: number, end: number) => Uint8Array;

export type AccessMode = 'metadata' | 'data';

/** What a data read will need, so prefetch stops where the selection ends. */
export interface DataHint {
  /** Upper bound of the raw bytes the read needs (uncompressed chunks, or the contiguous span). */
  expectedBytes: number;
  /** Chunks the selection touches (0 for contiguous storage). */
  chunkCount: number;
}

export interface CacheOptions {
  cacheBytes: number;
  policy: BlockPolicy;
  /** Page size override (tests). */
  pageSize?: number;
  /** Bytes that transfer in one round trip on the link now (0: unknown); see LinkMeter. */
  linkBytes?: () => number;
}

export interface CacheCounters {
  hits: number;
  misses: number;
  bytes: number;
  peakBytes: number;
  pinnedBytes: number;
  /** Milliseconds spent blocked on bytes not there yet: fetches, and waits on a stream. */
  waitMs: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Smallest metadata fetch, and its ceiling while misses keep landing close together. */
const META_MIN = 64 * KiB;
const META_MAX = 2 * MiB;
/** Files up to this size are fetched whole on the first miss: one round trip beats several. */
export const SMALL_FILE = 4 * MiB;
const DATA_AHEAD_MAX = 8 * MiB;
const REQUEST_MAX = 16 * MiB;
/** Ceiling of a read sized by the link (a fast link far away: hundreds of MB/s × tens of ms). */
const LINK_READ_MAX = 32 * MiB;
/** Fetched spans kept whole (each page lookup scans them): a read's own pages outlive its span. */
const RECENT_SPANS = 32;

export class BlockCache {
  readonly pageSize: number;
  private readonly lru = new Map<number, Uint8Array>();
  private readonly pinned = new Map<number, Uint8Array>();
  private readonly pinBudget: number;
  private counters: CacheCounters = { hits: 0, misses: 0, bytes: 0, peakBytes: 0, pinnedBytes: 0, waitMs: 0 };
  private mode: AccessMode = 'metadata';
  private metaSpan = META_MIN;
  private lastMissStart = -1;
  private lastMissEnd = -1;
  private hint: DataHint = { expectedBytes: 0, chunkCount: 0 };
  private servedThisOp = 0;
  private largestRead = 0;
  private chunkReads = 0;
  private chunkBytes = 0;
  private stream: StreamRun | null = null;
  private streamWaitMs = 0;
  /**
   * Fetched spans whose pages are copied out only when a read needs them: most of a metadata
   * window is never read, and copying all of it into pages cost more than parsing what was read.
   * Newest last; counted in the cache's bytes and evicted first.
   */
  private recent: PageRun[] = [];

  constructor(
    readonly size: number,
    private readonly fetch: FetchFn,
    private readonly options: CacheOptions,
  ) {
    this.pageSize = options.pageSize ?? (options.policy === 'fixed-100k' ? 100 * KiB : 16 * KiB);
    this.pinBudget = Math.min(64 * MiB, Math.floor(options.cacheBytes / 2));
  }

  /** Starts an engine call: metadata calls pin what they touch, data reads may prefetch. */
  beginOp(mode: AccessMode, hint?: DataHint): void {
    this.mode = mode;
    this.hint = hint ?? { expectedBytes: 0, chunkCount: 0 };
    this.servedThisOp = 0;
    this.largestRead = 0;
    this.chunkReads = 0;
    this.chunkBytes = 0;
  }

  stats(): CacheCounters {
    return { ...this.counters };
  }

  /** Pages known before the first read (size probe or persistent cache); pinned when they fit. */
  seed(runs: PageRun[]): void {
    for (const run of runs) {
      const P = this.pageSize;
      // Only whole pages (or the file's last page) can be stored.
      const firstPage = Math.ceil(run.offset / P);
      for (let page = firstPage; ; page++) {
        const start = page * P;
        const end = Math.min(start + P, this.size);
        if (start >= this.size || end > run.offset + run.bytes.length) break;
        // Views, not copies: seeds are never written to, and the host shares them (see engine.ts).
        this.store(page, run.bytes.subarray(start - run.offset, end - run.offset), true);
      }
    }
  }

  /**
   * A request's bytes still arriving (see StreamRun): a read of its pages waits for them to land
   * (at most `waitMs`); what never lands (a failed request) is fetched as any miss.
   */
  seedStream(run: StreamRun, waitMs: number): void {
    this.stream = run;
    this.streamWaitMs = waitMs;
  }

  /** The pinned pages as runs of adjacent pages (what the metadata cache persists). */
  pinnedRuns(): PageRun[] {
    const pages = [...this.pinned.keys()].sort((a, b) => a - b);
    const runs: PageRun[] = [];
    let i = 0;
    while (i < pages.length) {
      let j = i;
      while (j + 1 < pages.length && pages[j + 1] === pages[j] + 1) j++;
      const parts = pages.slice(i, j + 1).map(p => this.pinned.get(p) as Uint8Array);
      const bytes = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
      let at = 0;
      for (const part of parts) {
        bytes.set(part, at);
        at += part.length;
      }
      runs.push({ offset: pages[i] * this.pageSize, bytes });
      i = j + 1;
    }
    return runs;
  }

  /** Copies [position, position + target.length) of the file into target; returns bytes copied. */
  read(position: number, target: Uint8Array): number {
    const length = Math.max(0, Math.min(target.length, this.size - position));
    if (length === 0) return 0;
    const P = this.pageSize;
    const first = Math.floor(position / P);
    const last = Math.floor((position + length - 1) / P);
    const missing: number[] = [];
    for (let page = first; page <= last; page++)
      if (!this.has(page) && !this.fromStream(page, true) && !this.fromRecent(page)) missing.push(page);
    this.servedThisOp += length;
    this.largestRead = Math.max(this.largestRead, length);
    // HDF5 reads each chunk with one read; the small reads in between are chunk index nodes.
    if (this.hint.chunkCount > 0 && length >= this.largestRead / 2) {
      this.chunkReads++;
      this.chunkBytes += length;
    }

    const fetched = new Map<number, Uint8Array>();
    if (missing.length === 0) this.counters.hits++;
    else {
      this.counters.misses++;
      let fetchedEnd = position + length;
      if (this.options.policy === 'fixed-100k') {
        for (const page of missing) this.fetchPages(page, page, fetched, page, page);
      } else {
        const [from, to] = this.span(position, length, missing[0], missing[missing.length - 1]);
        this.fetchPages(from, to, fetched, first, last);
        fetchedEnd = Math.max(fetchedEnd, Math.min((to + 1) * P, this.size));
      }
      this.lastMissStart = position;
      this.lastMissEnd = fetchedEnd;
    }
    for (let page = first; page <= last; page++) {
      const bytes = fetched.get(page) ?? this.touch(page);
      const pageStart = page * P;
      const from = Math.max(position, pageStart);
      const to = Math.min(position + length, pageStart + bytes.length);
      target.set(bytes.subarray(from - pageStart, to - pageStart), from - position);
      if (this.mode === 'metadata') this.pin(page, bytes);
    }
    return length;
  }

  /** Page range [from, to] of one adaptive fetch that covers the missing pages. */
  private span(
    position: number,
    length: number,
    firstMissing: number,
    lastMissing: number,
  ): [number, number] {
    const P = this.pageSize;
    const lastPage = Math.floor((this.size - 1) / P);
    let start: number;
    let end: number;
    const link = this.options.linkBytes?.() ?? 0;
    // A read up to a round trip's worth of bytes costs about what the smallest read does.
    const linkRead = link >= P ? Math.min(LINK_READ_MAX, 2 ** Math.floor(Math.log2(link))) : 0;
    if (
      this.size <= Math.min(Math.max(SMALL_FILE, link), this.options.cacheBytes / 4) &&
      !this.streamSkipped()
    ) {
      // The whole file costs less than one more round trip (unless the stream skipped part of it:
      // the link was too slow for that, see streamRun.ts).
      start = 0;
      end = this.size;
    } else if (this.mode === 'metadata') {
      // Metadata is scattered through the file and every miss is a round trip: each further miss
      // doubles the window (metadata written together tends to sit together), from what the
      // link moves in one round trip.
      if (this.lastMissStart >= 0) this.metaSpan = Math.min(this.metaSpan * 2, Math.max(META_MAX, linkRead));
      this.metaSpan = Math.max(this.metaSpan, linkRead);
      start = Math.floor(position / this.metaSpan) * this.metaSpan;
      end = Math.max(start + this.metaSpan, position + length);
    } else {
      const sequential = this.lastMissEnd >= 0 && Math.abs(position - this.lastMissEnd) <= P;
      start = position;
      end = position + length + (sequential ? this.dataAhead(linkRead) : 0);
    }
    let from = Math.min(firstMissing, Math.floor(start / P));
    let to = Math.max(lastMissing, Math.min(lastPage, Math.floor((end - 1) / P)));
    // Cached pages at the edges need no fetch; cached pages in the middle ride along (a few
    // re-fetched bytes cost less than another round trip).
    const known = (page: number) => this.has(page) || this.fromStream(page, false) || this.inRecent(page);
    while (from < firstMissing && known(from)) from++;
    while (to > lastMissing && known(to)) to--;
    const maxPages = Math.max(
      lastMissing - firstMissing + 1,
      Math.floor(Math.max(REQUEST_MAX, linkRead) / P),
    );
    return [from, Math.min(to, from + maxPages - 1)];
  }

  /** Bytes worth fetching beyond the current data read: what the selection still needs. */
  private dataAhead(linkRead: number): number {
    // servedThisOp and chunkReads already count the read being answered.
    let remaining = this.hint.expectedBytes - this.servedThisOp;
    if (this.hint.chunkCount > 0) {
      const averageChunk = this.chunkReads > 0 ? this.chunkBytes / this.chunkReads : this.largestRead;
      remaining = Math.min(remaining, Math.ceil((this.hint.chunkCount - this.chunkReads) * averageChunk));
    }
    return Math.max(0, Math.min(Math.max(DATA_AHEAD_MAX, linkRead), remaining));
  }

  /** Fetches pages [from, to]; those in [first, last] (the read's) are stored now, the rest when read. */
  private fetchPages(
    from: number,
    to: number,
    into: Map<number, Uint8Array>,
    first: number,
    last: number,
  ): void {
    const P = this.pageSize;
    const start = from * P;
    const end = Math.min((to + 1) * P, this.size);
    const asked = performance.now();
    const bytes = this.fetch(start, end);
    this.counters.waitMs += performance.now() - asked;
    if (bytes.length !== end - start) throw new Error(`short read: ${bytes.length} of ${end - start} bytes`);
    const cacheable = end - start <= this.options.cacheBytes / 2;
    for (let page = Math.max(from, first); page <= Math.min(to, last); page++) {
      const part = bytes.slice(page * P - start, Math.min((page + 1) * P, end) - start);
      into.set(page, part);
      if (cacheable) this.store(page, part, false);
    }
    if (cacheable && (from < first || to > last)) {
      this.evictFor(bytes.length);
      if (this.recent.length >= RECENT_SPANS) this.dropOldestSpan();
      this.recent.push({ offset: start, bytes });
      this.counters.bytes += bytes.length;
      this.counters.peakBytes = Math.max(this.counters.peakBytes, this.counters.bytes);
    }
  }

  /** Stores `page` from a recently fetched span that holds it; false if none does. */
  private fromRecent(page: number): boolean {
    const run = this.recentWith(page);
    if (!run) return false;
    const start = page * this.pageSize - run.offset;
    const bytes = run.bytes.slice(start, Math.min(start + this.pageSize, run.bytes.length));
    this.store(page, bytes, this.mode === 'metadata');
    return true;
  }

  private inRecent(page: number): boolean {
    return this.recentWith(page) !== undefined;
  }

  private recentWith(page: number): PageRun | undefined {
    const start = page * this.pageSize;
    const end = Math.min(start + this.pageSize, this.size);
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const run = this.recent[i];
      if (start >= run.offset && end <= run.offset + run.bytes.length) return run;
    }
    return undefined;
  }

  /** Stores `page` from the stream if it has landed (waiting for it when `wait`); false if not. */
  private fromStream(page: number, wait: boolean): boolean {
    const stream = this.stream;
    if (!stream) return false;
    const start = page * this.pageSize;
    const end = Math.min(start + this.pageSize, this.size);
    if (start < stream.offset || end > stream.offset + stream.bytes.length) return false;
    const { progress, offset } = stream;
    if (!streamLanded(progress, start - offset, end - offset, wait, this.streamWaitMs, this.counters))
      return false;
    this.store(
      page,
      stream.bytes.subarray(start - stream.offset, end - stream.offset),
      this.mode === 'metadata',
    );
    return true;
  }

  /** Whether the host stopped the stream and went on further (what lay between was too slow to wait for). */
  private streamSkipped(): boolean {
    return this.stream !== null && Atomics.load(this.stream.progress, STREAM.tailAt) > 0;
  }

  private has(page: number): boolean {
    return this.lru.has(page) || this.pinned.has(page);
  }

  private touch(page: number): Uint8Array {
    const pinned = this.pinned.get(page);
    if (pinned) return pinned;
    const bytes = this.lru.get(page);
    if (!bytes) throw new Error(`page ${page} missing from the cache`);
    this.lru.delete(page);
    this.lru.set(page, bytes);
    return bytes;
  }

  private store(page: number, bytes: Uint8Array, pin: boolean): void {
    if (this.has(page)) return;
    if (pin && this.counters.pinnedBytes + bytes.length <= this.pinBudget) {
      this.pinned.set(page, bytes);
      this.counters.pinnedBytes += bytes.length;
    } else {
      this.evictFor(bytes.length);
      this.lru.set(page, bytes);
    }
    this.counters.bytes += bytes.length;
    this.counters.peakBytes = Math.max(this.counters.peakBytes, this.counters.bytes);
  }

  private pin(page: number, bytes: Uint8Array): void {
    if (this.pinned.has(page) || this.counters.pinnedBytes + bytes.length > this.pinBudget) return;
    if (this.lru.delete(page)) this.counters.bytes -= bytes.length;
    this.pinned.set(page, bytes);
    this.counters.pinnedBytes += bytes.length;
    this.counters.bytes += bytes.length;
    this.counters.peakBytes = Math.max(this.counters.peakBytes, this.counters.bytes);
  }

  private dropOldestSpan(): void {
    this.counters.bytes -= (this.recent.shift() as PageRun).bytes.length;
  }

  private evictFor(incoming: number): void {
    // Fetched spans first, oldest first: their pages that were read are stored on their own.
    while (this.recent.length > 0 && this.counters.bytes + incoming > this.options.cacheBytes) {
      this.dropOldestSpan();
    }
    for (const [page, bytes] of this.lru) {
      if (this.counters.bytes + incoming <= this.options.cacheBytes) break;
      this.lru.delete(page);
      this.counters.bytes -= bytes.length;
    }
  }
}
