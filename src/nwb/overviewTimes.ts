/**
 * The time axis of a series with `timestamps` at the resolution of its min/max pyramid: for each
 * finest block (2^shift samples, the last one may be shorter) the time of its first and last
 * sample and its longest step between two samples. Built from reads of the timestamps in any
 * order, it maps a time window to columns of whole blocks without reading anything: a column is
 * exact in time (its samples are those stamped from its start to the next column's start), and a
 * pause longer than {@link GAP_STEPS} typical sample intervals ends a column and leaves a break.
 */

/** A step longer than this many typical sample intervals is a pause in the recording (a gap). */
export const GAP_STEPS = 5;

/** The timestamps cannot be mapped (NaN, decreasing, too few): the overview stays sparse. */
export class TimestampsError extends Error {}

/** Columns of whole blocks for a time window; `break` columns hold no samples (a gap follows). */
export interface TimeColumns {
  columns: number;
  /** Time of each column's first sample; of a break, the time of the last sample before the gap. */
  time: Float64Array;
  /** Blocks [blockStart, blockEnd) of each column (empty for a break). */
  blockStart: Uint32Array;
  blockEnd: Uint32Array;
  /** 1 for a break (no samples: the line stops there). */
  isBreak: Uint8Array;
}

export class BlockTimes {
  readonly blocks: number;
  /** Time of each block's first and last sample; NaN until read. */
  readonly first: Float64Array;
  readonly last: Float64Array;
  /** Longest step between consecutive samples inside each block (0 for one-sample blocks). */
  readonly maxStep: Float64Array;
  /** Samples read so far (each once). */
  private covered = 0;
  /** The first and last value of each read, by the row it starts at and the row after it ends. */
  private readonly readStart = new Map<number, number>();
  private readonly readEnd = new Map<number, number>();
  private typicalStep: number | null = null;

  constructor(
    readonly sampleCount: number,
    readonly shift: number,
    stored?: { first: Float64Array; last: Float64Array; maxStep: Float64Array },
  ) {
    this.blocks = Math.ceil(sampleCount / 2 ** shift);
    if (stored) {
      if ([stored.first, stored.last, stored.maxStep].some(a => a.length !== this.blocks))
        throw new Error(`block times hold ${stored.first.length} blocks, not ${this.blocks}`);
      this.first = stored.first;
      this.last = stored.last;
      this.maxStep = stored.maxStep;
      this.covered = sampleCount;
      return;
    }
    this.first = new Float64Array(this.blocks).fill(NaN);
    this.last = new Float64Array(this.blocks).fill(NaN);
    this.maxStep = new Float64Array(this.blocks);
  }

  get blockSize(): number {
    return 2 ** this.shift;
  }

  get progress(): number {
    return this.sampleCount > 0 ? Math.min(1, this.covered / this.sampleCount) : 1;
  }

  get complete(): boolean {
    return this.covered >= this.sampleCount;
  }

  /**
   * Adds the timestamps of samples [firstRow, firstRow + values.length) (each sample by exactly
   * one read). Throws when they hold NaN or decrease: such a time axis cannot be mapped.
   */
  add(values: ArrayLike<number>, firstRow: number): void {
    const n = Math.min(values.length, this.sampleCount - firstRow);
    if (n <= 0) return;
    const size = this.blockSize;
    for (let r = 0; r < n;) {
      const row = firstRow + r;
      const block = Math.floor(row / size);
      const runEnd = Math.min(n, (block + 1) * size - firstRow);
      let step = this.maxStep[block];
      for (let i = r; i < runEnd; i++) {
        const v = values[i];
        if (v !== v) throw new TimestampsError(`its timestamps hold NaN at sample ${firstRow + i}`);
        if (i > 0) {
          const d = v - values[i - 1];
          if (d < 0) throw decrease(firstRow + i, values[i - 1], v);
          // A step from the previous block is the gap between blocks, not inside one.
          if (i > r && d > step) step = d;
        }
      }
      this.maxStep[block] = step;
      if (row === block * size) this.first[block] = values[r];
      if (firstRow + runEnd === Math.min(this.sampleCount, (block + 1) * size))
        this.last[block] = values[runEnd - 1];
      r = runEnd;
    }
    this.readStart.set(firstRow, values[0]);
    this.readEnd.set(firstRow + n, values[n - 1]);
    this.covered += n;
    // Where this read meets one already in: refused at once, not after every read.
    const before = this.readEnd.get(firstRow);
    const after = this.readStart.get(firstRow + n);
    if (before !== undefined && values[0] < before) throw decrease(firstRow, before, values[0]);
    if (after !== undefined && after < values[n - 1]) throw decrease(firstRow + n, values[n - 1], after);
  }

  /** Once every sample is in: the steps where two reads meet inside a block count as that block's. */
  finish(): void {
    const size = this.blockSize;
    for (const [row, value] of this.readStart) {
      const before = this.readEnd.get(row);
      if (row === 0 || before === undefined) continue;
      // A read that starts inside a block: its first step belongs to that block.
      if (row % size !== 0) {
        const block = Math.floor(row / size);
        this.maxStep[block] = Math.max(this.maxStep[block], value - before);
      }
    }
    this.readStart.clear();
    this.readEnd.clear();
  }

  /** The typical step between two samples: the median of the blocks' mean steps. */
  get interval(): number {
    if (this.typicalStep !== null) return this.typicalStep;
    const size = this.blockSize;
    const steps: number[] = [];
    for (let b = 0; b < this.blocks; b++) {
      const samples = Math.min(size, this.sampleCount - b * size);
      if (samples > 1) steps.push((this.last[b] - this.first[b]) / (samples - 1));
      else if (b > 0) steps.push(this.first[b] - this.last[b - 1]);
    }
    steps.sort((a, b) => a - b);
    const median = steps.length ? steps[steps.length >> 1] : 0;
    // Mostly repeated timestamps: the mean step, so that not every step counts as a pause.
    const span = this.last[this.blocks - 1] - this.first[0];
    this.typicalStep = median > 0 ? median : span / Math.max(1, this.sampleCount - 1);
    return this.typicalStep;
  }

  /**
   * Columns of whole blocks for the window [t0, t1] in at most `pixels` columns: each block goes
   * to the pixel column its first sample falls in, a column ends only where the next block starts
   * later than this one's last sample (so equal timestamps never straddle two columns), and ends
   * with a break where a pause follows. Null when the window holds fewer blocks than `pixels`
   * (columns would be narrower than a block: read the samples instead).
   */
  columnsFor(t0: number, t1: number, pixels: number): TimeColumns | null {
    if (!this.complete || !(t1 > t0) || pixels < 1) return null;
    const from = lowerBound(this.last, t0);
    const to = upperBound(this.first, t1);
    if (to - from < pixels) return null;
    const width = (t1 - t0) / pixels;
    const threshold = GAP_STEPS * this.interval;
    const time: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const breaks: number[] = [];
    const pixelOf = (t: number) => Math.min(pixels - 1, Math.max(0, Math.floor((t - t0) / width)));
    let open = false;
    let columnPixel = -1;
    const close = (block: number, breakTime?: number) => {
      ends.push(block);
      open = false;
      if (breakTime === undefined) return;
      time.push(breakTime);
      starts.push(block);
      ends.push(block);
      breaks.push(1);
    };
    for (let b = from; b < to; b++) {
      // Equal timestamps on both sides of a block edge keep the two blocks in one column.
      const clean = b === from || this.first[b] > this.last[b - 1];
      const pauseInside = this.maxStep[b] > threshold;
      if (open && clean && (this.first[b] - this.last[b - 1] > threshold || pauseInside))
        close(b, this.last[b - 1]);
      else if (open && clean && pixelOf(this.first[b]) !== columnPixel) close(b);
      if (!open) {
        open = true;
        columnPixel = pixelOf(this.first[b]);
        time.push(this.first[b]);
        starts.push(b);
        breaks.push(0);
      }
      // A block holding a pause is a column of its own between two breaks: no line crosses it.
      const nextClean = b + 1 < to && this.first[b + 1] > this.last[b];
      if (pauseInside && nextClean) close(b + 1, this.last[b]);
    }
    if (open) ends.push(to);
    return {
      columns: time.length,
      time: Float64Array.from(time),
      blockStart: Uint32Array.from(starts),
      blockEnd: Uint32Array.from(ends),
      isBreak: Uint8Array.from(breaks),
    };
  }
}

function decrease(sample: number, before: number, value: number): TimestampsError {
  return new TimestampsError(`its timestamps decrease at sample ${sample} (${before} → ${value})`);
}

/** First index whose value is >= t (values non-decreasing); values.length when none. */
function lowerBound(values: Float64Array, t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > t; values.length when none. */
function upperBound(values: Float64Array, t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
