/**
 * Background refinement of a series' overview: reads every chunk of the dataset once, in storage
 * order (whole chunks, a bounded number in flight; raw and decoded in parallel where the engine
 * can, see overviewChunks.ts), into its {@link OverviewPyramid}, and saves
 * the finished pyramid to the {@link OverviewStore} so the next open of the same blob answers
 * zoomed-out windows with no data request. Webviews follow it with long-polling `series/refine`
 * calls (each answered after progress, at most every {@link UPDATE_MS}); when no call has waited
 * for {@link IDLE_MS} (the user moved on, the panel closed) the reads stop, and a later call
 * resumes where they stopped. A series with `timestamps` has them read first (timestampReads.ts),
 * into the pyramid's block times; timestamps that are NaN or decrease refuse the refinement.
 */
import type { Selection } from '../hdf5/types';
import type { SeriesInfo } from '../shared/protocol';
import { ChunkFold, pyramidValues } from './overviewChunks';
import type { NwbReader } from './reader';
import { OverviewPyramid, pyramidShift } from './overviewPyramid';
import type { OverviewStore } from './overviewStore';
import { BlockTimes, TimestampsError } from './overviewTimes';
import { TimestampReads } from './timestampReads';

/** Reads in flight at once: one decoding while the next ones download. */
const CONCURRENCY = 3;
/**
 * Elements per read at most (whole chunks of consecutive rows, so one request fetches several
 * adjacent chunks): bounds the memory in flight (8 bytes an element as read) and the round trips.
 */
const READ_ELEMENTS = 1 << 22;
/** Least time between two answers to one follower: the plot redraws at most this often. */
export const UPDATE_MS = 400;
/** The reads stop when nobody has followed the refinement for this long. */
const IDLE_MS = 2_000;
/** Datasets whose partial or finished pyramid is kept in memory per file. */
const MAX_JOBS = 4;

/** What identifies a series' pyramid and tells whether a stored one fits. */
type SeriesShape = Pick<SeriesInfo, 'dataPath' | 'sampleCount' | 'channelCount'> & {
  timing: Pick<SeriesInfo['timing'], 'kind'>;
};

/** One read: rows × columns of the dataset, whole chunks where the read limit allows. */
interface ReadUnit {
  row: number;
  rows: number;
  column: number;
  columns: number;
}

export interface RefineState {
  pyramid: OverviewPyramid;
  /** Bumped after each read added to the pyramid. */
  version: number;
  done: boolean;
  /** Why the finished pyramid could not be kept for the next open (which then reads the data again). */
  notKept?: string;
}

class RefineJob {
  readonly pyramid: OverviewPyramid;
  private readonly units: ReadUnit[];
  private readonly unitDone: Uint8Array;
  /** The raw-chunk reads, null where the engine cannot read the dataset raw; undefined until asked. */
  private chunks: ChunkFold | null | undefined;
  version = 0;
  error: Error | null = null;
  /** Why this series cannot be refined (its timestamps): final, never retried. */
  refusal: Error | null = null;
  private readonly timeReads: TimestampReads | null = null;
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;
  private followers = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly reader: NwbReader,
    private readonly info: SeriesInfo,
    shift: number,
    maxElements: number,
    private readonly idleMs: () => number,
    private readonly onFinished: (pyramid: OverviewPyramid) => Promise<void>,
  ) {
    this.pyramid = new OverviewPyramid(info.sampleCount, info.channelCount, shift);
    if (info.timing.kind === 'timestamps') {
      const times = new BlockTimes(info.sampleCount, shift);
      this.pyramid.times = times;
      this.timeReads = new TimestampReads(reader, info.timing.path, times, maxElements);
    }
    this.units = readUnits(info, maxElements);
    this.unitDone = new Uint8Array(this.units.length);
  }

  /** Every read is in, the levels derived and the pyramid saved. */
  get done(): boolean {
    return this.saved;
  }
  private saved = false;
  /** Why saving the finished pyramid failed: it still answers this session, exact. */
  notKept: string | undefined;

  get idle(): boolean {
    return this.running === null;
  }

  /** Follows the refinement until it advances past `since` (throttled), finishes or fails. */
  async follow(since: number, signal?: AbortSignal): Promise<void> {
    this.followers++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    try {
      const started = Date.now();
      while (!this.done && !this.error && !this.refusal) {
        signal?.throwIfAborted();
        // (Re)starts the reads, also after reads stopped for want of followers settle.
        this.startTimesOrData();
        const elapsed = Date.now() - started;
        // Every read in but the pyramid not yet saved: the answer would say exact while the next
        // open of the file could not find it yet. The save takes milliseconds.
        const saving = this.pyramid.complete;
        if (this.version > since && elapsed >= UPDATE_MS && !saving) break;
        await this.changeOrTimeout(this.version > since ? UPDATE_MS - elapsed : UPDATE_MS, signal);
      }
      if (this.refusal) throw this.refusal;
      if (this.error) throw this.error;
    } finally {
      this.followers--;
      if (this.followers === 0 && !this.done) {
        this.idleTimer = setTimeout(() => this.stopIfUnfollowed(), this.idleMs());
        this.idleTimer.unref?.();
      }
    }
  }

  private stopIfUnfollowed(): void {
    this.idleTimer = null;
    if (this.followers === 0) this.controller?.abort(new Error('nobody follows the refinement'));
  }

  private changeOrTimeout(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise(resolve => {
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(finish);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(1, ms));
      this.listeners.add(finish);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  private changed(): void {
    this.version++;
    for (const listener of [...this.listeners]) listener();
  }

  /** A series with timestamps has them all read (its block times) before its data. */
  private startTimesOrData(): void {
    const times = this.pyramid.times;
    if (!this.timeReads || !times || times.complete) return this.start();
    if (this.running || this.refusal) return;
    this.error = null;
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.timeReads
      .readAll(controller.signal, () => this.changed())
      .then(() => times.finish())
      .catch((error: unknown) => {
        const stopped = controller.signal.aborted;
        controller.abort();
        if (error instanceof TimestampsError)
          this.refusal = new Error(`${this.info.dataPath}: ${error.message}; the overview stays sparse`);
        else if (!stopped) this.error = error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        this.running = null;
        this.changed();
      });
  }

  private start(): void {
    if (this.running || this.done || this.refusal) return;
    this.error = null;
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.readMissing(controller.signal)
      .then(async () => {
        if (this.pyramid.complete) {
          this.pyramid.finish();
          await this.onFinished(this.pyramid).catch((error: unknown) => {
            this.notKept = error instanceof Error ? error.message : String(error);
          });
          this.saved = true;
        }
      })
      .catch((error: unknown) => {
        // Stopped because nobody follows: not an error, the next follower resumes.
        const stopped = controller.signal.aborted;
        controller.abort();
        if (!stopped) this.error = error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        this.running = null;
        this.changed();
      });
  }

  /**
   * Reads what the pyramid still lacks: the stored chunks raw where the engine can (decoded in
   * parallel off its worker, overviewChunks.ts), else through read() a few units at a time.
   */
  private async readMissing(signal: AbortSignal): Promise<void> {
    if (this.chunks === undefined) {
      const limit = Math.min(READ_ELEMENTS, this.reader.maxElements);
      this.chunks = await ChunkFold.plan(this.reader.h5, this.info, limit);
    }
    if (this.chunks) return this.chunks.run(this.pyramid, signal, () => this.changed());
    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        while (next < this.units.length && this.unitDone[next]) next++;
        if (next >= this.units.length || signal.aborted) return;
        const index = next++;
        // Marked before the read so the other worker skips it; unmarked if the read fails.
        this.unitDone[index] = 1;
        try {
          await this.read(this.units[index], signal);
        } catch (error) {
          this.unitDone[index] = 0;
          throw error;
        }
        this.changed();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  private async read(unit: ReadUnit, signal: AbortSignal): Promise<void> {
    const reader = this.reader;
    const result = await reader.h5.read(this.info.dataPath, selectionOf(this.info, unit), {
      signal,
      maxElements: reader.maxElements,
    });
    const data = pyramidValues(result.data);
    const picks = Array.from({ length: unit.columns }, (_, k) => k);
    const channels = picks.map(k => unit.column + k);
    this.pyramid.add(data, unit.row, unit.rows, unit.columns, picks, channels, true);
  }
}

/** The reads that cover the dataset once: row bands of whole chunks, split by chunk columns when too wide. */
function readUnits(info: SeriesInfo, maxElements: number): ReadUnit[] {
  const n = info.sampleCount;
  const width = info.channelCount;
  const chunkRows = info.chunks?.[0] ?? 0;
  // Columns split only for 2-D data (higher ranks are read as whole flattened rows).
  const chunkCols =
    info.shape.length === 2 && info.chunks && info.chunks.length === 2 ? info.chunks[1] : width;
  let rows: number;
  let columns = width;
  const limit = Math.min(READ_ELEMENTS, maxElements);
  if (chunkRows > 0) {
    rows = chunkRows;
    if (rows * width > limit && chunkCols < width)
      columns = Math.max(chunkCols, Math.floor(limit / rows / chunkCols) * chunkCols);
    // A chunk larger than the read limit is read in parts of whole rows; small ones several at a time.
    if (rows * columns > limit) rows = Math.max(1, Math.floor(limit / columns));
    else if (columns === width) rows *= Math.max(1, Math.floor(limit / (rows * width)));
  } else {
    rows = Math.max(1, Math.floor(limit / width));
  }
  const units: ReadUnit[] = [];
  for (let row = 0; row < n; row += rows) {
    for (let column = 0; column < width; column += columns) {
      units.push({ row, rows: Math.min(rows, n - row), column, columns: Math.min(columns, width - column) });
    }
  }
  return units;
}

function selectionOf(info: SeriesInfo, unit: ReadUnit): Selection {
  if (info.shape.length === 1) return { start: [unit.row], count: [unit.rows] };
  if (info.shape.length === 2) return { start: [unit.row, unit.column], count: [unit.rows, unit.columns] };
  return {
    start: [unit.row, ...info.shape.slice(1).map(() => 0)],
    count: [unit.rows, ...info.shape.slice(1)],
  };
}

/** The overviews of one open file: pyramids being built or finished, and the persistent store. */
export class OverviewRefiner {
  private readonly jobs = new Map<string, RefineJob>();
  private readonly loaded = new Map<string, Promise<OverviewPyramid | null>>();
  /** How long the reads go on with nobody following (tests shorten it). */
  idleMs = IDLE_MS;

  constructor(
    private readonly reader: NwbReader,
    private readonly identity: () => string,
    private readonly maxElements: number,
    private readonly store: OverviewStore | null,
  ) {}

  /** Whether a pyramid could answer windows of this series (few enough channels). */
  static supports(info: SeriesShape): boolean {
    return pyramidShift(info.sampleCount, info.channelCount) !== null;
  }

  /** Why this series' refinement was refused (its timestamps hold NaN or decrease), or null. */
  refusal(info: SeriesInfo): Error | null {
    return this.jobs.get(info.dataPath)?.refusal ?? null;
  }

  /** The block size a pyramid of this series would have (its finest resolution), or null. */
  static blockSize(info: SeriesInfo): number | null {
    const shift = OverviewRefiner.supports(info) ? pyramidShift(info.sampleCount, info.channelCount) : null;
    return shift === null ? null : 2 ** shift;
  }

  /** The finished pyramid of the series, from memory or the persistent store (no data read). */
  async finished(info: SeriesShape): Promise<OverviewPyramid | null> {
    const job = this.jobs.get(info.dataPath);
    if (job?.done) return job.pyramid;
    if (!this.store || !this.identity() || !OverviewRefiner.supports(info)) return null;
    let pending = this.loaded.get(info.dataPath);
    if (!pending) {
      pending = this.store.load(this.identity(), info.dataPath).then(p => fits(p, info));
      this.loaded.set(info.dataPath, pending);
      // A miss is not remembered: the pyramid may be saved later by another window of this file.
      void pending.then(p => (p ? undefined : this.loaded.delete(info.dataPath)));
    }
    return pending;
  }

  /** The first and last timestamps of a series from its finished pyramid (no read), or null. */
  async timeBounds(
    dataPath: string,
    sampleCount: number,
    channelCount: number,
  ): Promise<[number, number] | null> {
    const shape = { dataPath, sampleCount, channelCount, timing: { kind: 'timestamps' as const } };
    const times = (await this.finished(shape))?.times;
    return times ? [times.first[0], times.last[times.blocks - 1]] : null;
  }

  /** The pyramid being built for the series (made, not started, on first use), for probes to widen. */
  building(info: SeriesInfo): { pyramid: OverviewPyramid; version: number } {
    const job = this.jobFor(info);
    return { pyramid: job.pyramid, version: job.version };
  }

  /** Starts or resumes the refinement and resolves after progress past `since`, or when done. */
  async refine(info: SeriesInfo, since: number, signal?: AbortSignal): Promise<RefineState> {
    const stored = await this.finished(info);
    if (stored) return { pyramid: stored, version: Number.MAX_SAFE_INTEGER, done: true };
    const job = this.jobFor(info);
    await job.follow(since, signal);
    const notKept = job.notKept === undefined ? {} : { notKept: job.notKept };
    return { pyramid: job.pyramid, version: job.version, done: job.done, ...notKept };
  }

  private jobFor(info: SeriesInfo): RefineJob {
    let job = this.jobs.get(info.dataPath);
    if (job) {
      // Most recently used last.
      this.jobs.delete(info.dataPath);
      this.jobs.set(info.dataPath, job);
      return job;
    }
    const shift = pyramidShift(info.sampleCount, info.channelCount);
    if (shift === null || !OverviewRefiner.supports(info))
      throw new Error(`${info.dataPath} has too many channels for an exact overview`);
    const identity = this.identity();
    job = new RefineJob(
      this.reader,
      info,
      shift,
      this.maxElements,
      () => this.idleMs,
      async pyramid => {
        if (this.store && identity) await this.store.save(identity, info.dataPath, pyramid);
      },
    );
    this.jobs.set(info.dataPath, job);
    for (const [path, other] of this.jobs) {
      if (this.jobs.size <= MAX_JOBS) break;
      if (other !== job && other.idle) this.jobs.delete(path);
    }
    return job;
  }
}

/** A stored pyramid only when it matches the dataset as it is now (with its times when timestamped). */
function fits(pyramid: OverviewPyramid | null, info: SeriesShape): OverviewPyramid | null {
  return pyramid &&
    pyramid.sampleCount === info.sampleCount &&
    pyramid.channelCount === info.channelCount &&
    (info.timing.kind !== 'timestamps' || pyramid.times !== null)
    ? pyramid
    : null;
}
