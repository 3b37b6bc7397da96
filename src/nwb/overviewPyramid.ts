/**
 * A min/max pyramid of one dataset: per channel, the min, max and NaN count of every block of
 * 2^shift samples, at a few levels 16× apart. Built from reads that arrive in any order (min and
 * max do not care), it answers any window whose pixel columns are at least one block wide
 * without reading the data: each column is a whole number of blocks, so its min/max is exact.
 *
 * A series with `timestamps` also keeps its time axis at the finest level's resolution
 * ({@link BlockTimes}), which maps time windows to blocks.
 */
import type { BlockTimes } from './overviewTimes';

/** Most finest-level entries (blocks × channels) one pyramid holds: ≈20 bytes each in memory. */
export const MAX_FINEST_ENTRIES = 1 << 20;
/** Each level's blocks are 2^LEVEL_STEP of the level below. */
const LEVEL_STEP = 4;
/** Coarser levels stop once a channel fits in this many blocks (a whole screen). */
const TOP_BLOCKS = 4096;
/** A level answers a window when its blocks are at most this fraction of a column (even columns). */
const BLOCKS_PER_COLUMN = 4;

export interface PyramidLevel {
  /** Blocks are 2^shift samples (the last one may be shorter). */
  shift: number;
  blocks: number;
  /** Raw values (before conversion), channel-major `[channel * blocks + block]`; ±Infinity where empty. */
  min: Float64Array;
  max: Float64Array;
  /** NaN samples per block and channel. */
  nan: Uint32Array;
}

/** Min/max of a window per column of whole blocks. */
export interface PyramidWindow {
  columns: number;
  /** First sample of each column. */
  columnStart: Float64Array;
  /** The sample after the last column (its last block's end). */
  sampleEnd: number;
  /** Raw values, channel-major `[c * columns + i]`; ±Infinity where a column holds no value yet. */
  min: Float64Array;
  max: Float64Array;
  /** Samples (of all the asked channels) the window's blocks hold, and how many are NaN. */
  count: number;
  nanCount: number;
}

/** The block shift of a dataset's pyramid, or null when its channels alone exceed the bound. */
/**
 * The min/max of blocks [b0, b1) of `level`, per channel, into column `col` of `into` (arrays
 * channel-major, `columns` per channel). Returns the NaN count of those blocks.
 */
export function foldBlocks(
  level: PyramidLevel,
  channels: readonly number[],
  b0: number,
  b1: number,
  into: { col: number; columns: number; min: Float64Array; max: Float64Array },
): number {
  let nanCount = 0;
  for (let k = 0; k < channels.length; k++) {
    const base = channels[k] * level.blocks;
    let lo = Infinity;
    let hi = -Infinity;
    for (let b = b0; b < b1; b++) {
      if (level.min[base + b] < lo) lo = level.min[base + b];
      if (level.max[base + b] > hi) hi = level.max[base + b];
      nanCount += level.nan[base + b];
    }
    into.min[k * into.columns + into.col] = lo;
    into.max[k * into.columns + into.col] = hi;
  }
  return nanCount;
}

export function pyramidShift(sampleCount: number, channelCount: number): number | null {
  if (sampleCount <= 0 || channelCount <= 0 || channelCount * 16 > MAX_FINEST_ENTRIES) return null;
  let shift = 0;
  while (Math.ceil(sampleCount / 2 ** shift) * channelCount > MAX_FINEST_ENTRIES) shift++;
  return shift;
}

export class OverviewPyramid {
  /** levels[0] is the finest, built from the reads; the others are derived by {@link finish}. */
  levels: PyramidLevel[];
  /** The time of every finest block's first and last sample (series with timestamps), else null. */
  times: BlockTimes | null = null;
  /** Elements added by covering reads (each element once). */
  private covered = 0;

  constructor(
    readonly sampleCount: number,
    readonly channelCount: number,
    shift: number,
    levels?: PyramidLevel[],
  ) {
    if (levels) {
      this.levels = levels;
      this.covered = sampleCount * channelCount;
      return;
    }
    const blocks = Math.ceil(sampleCount / 2 ** shift);
    const n = blocks * channelCount;
    this.levels = [
      {
        shift,
        blocks,
        min: new Float64Array(n).fill(Infinity),
        max: new Float64Array(n).fill(-Infinity),
        nan: new Uint32Array(n),
      },
    ];
  }

  get blockSize(): number {
    return 2 ** this.levels[0].shift;
  }

  /** Fraction of the dataset's elements added so far by covering reads. */
  get progress(): number {
    const total = this.sampleCount * this.channelCount;
    return total > 0 ? Math.min(1, this.covered / total) : 1;
  }

  get complete(): boolean {
    return this.covered >= this.sampleCount * this.channelCount;
  }

  /**
   * Adds rows [firstRow, firstRow + rows) of a row-major (rows × rowWidth) block: value
   * `data[r * rowWidth + picks[k]]` belongs to channel `channels[k]`. `covering` reads count
   * toward completeness (each element must be added by exactly one); probes only widen min/max.
   */
  add(
    data: ArrayLike<number>,
    firstRow: number,
    rows: number,
    rowWidth: number,
    picks: readonly number[],
    channels: readonly number[],
    covering: boolean,
  ): void {
    const { shift, blocks, min, max, nan } = this.levels[0];
    const size = 2 ** shift;
    for (let r = 0; r < rows;) {
      const block = Math.floor((firstRow + r) / size);
      const runEnd = Math.min(rows, (block + 1) * size - firstRow);
      for (let k = 0; k < picks.length; k++) {
        const at = channels[k] * blocks + block;
        let lo = min[at];
        let hi = max[at];
        let nans = 0;
        for (let i = r; i < runEnd; i++) {
          const v = data[i * rowWidth + picks[k]];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
          if (v !== v) nans++;
        }
        min[at] = lo;
        max[at] = hi;
        if (covering) nan[at] += nans;
      }
      r = runEnd;
    }
    if (covering) this.covered += rows * picks.length;
  }

  /** Derives the coarser levels from the finest (once every block is in). */
  finish(): void {
    const levels = [this.levels[0]];
    for (;;) {
      const below = levels[levels.length - 1];
      if (below.blocks <= TOP_BLOCKS || below.shift + LEVEL_STEP > 31) break;
      const ratio = 2 ** LEVEL_STEP;
      const blocks = Math.ceil(below.blocks / ratio);
      const n = blocks * this.channelCount;
      const level: PyramidLevel = {
        shift: below.shift + LEVEL_STEP,
        blocks,
        min: new Float64Array(n).fill(Infinity),
        max: new Float64Array(n).fill(-Infinity),
        nan: new Uint32Array(n),
      };
      for (let c = 0; c < this.channelCount; c++) {
        for (let b = 0; b < below.blocks; b++) {
          const from = c * below.blocks + b;
          const to = c * blocks + Math.floor(b / ratio);
          if (below.min[from] < level.min[to]) level.min[to] = below.min[from];
          if (below.max[from] > level.max[to]) level.max[to] = below.max[from];
          level.nan[to] += below.nan[from];
        }
      }
      levels.push(level);
    }
    this.levels = levels;
  }

  /** The level that answers columns of `samplesPerColumn` samples, or null when even the finest is too coarse. */
  levelFor(samplesPerColumn: number): PyramidLevel | null {
    let chosen: PyramidLevel | null = null;
    for (const level of this.levels) {
      if (2 ** level.shift * BLOCKS_PER_COLUMN <= samplesPerColumn) chosen = level;
    }
    if (chosen) return chosen;
    const finest = this.levels[0];
    return 2 ** finest.shift <= samplesPerColumn ? finest : null;
  }

  /**
   * Min/max of samples [start, end) in at most `pixels` columns of whole blocks (the first and
   * last columns reach to their blocks' edges), or null when a column would be under one block.
   */
  window(start: number, end: number, pixels: number, channels: readonly number[]): PyramidWindow | null {
    const level = this.levelFor((end - start) / Math.max(1, pixels));
    if (!level) return null;
    const size = 2 ** level.shift;
    const first = Math.floor(start / size);
    const span = Math.max(1, Math.min(level.blocks, Math.ceil(end / size)) - first);
    const columns = Math.min(pixels, span);
    const columnStart = new Float64Array(columns);
    const min = new Float64Array(columns * channels.length).fill(Infinity);
    const max = new Float64Array(columns * channels.length).fill(-Infinity);
    let nanCount = 0;
    let count = 0;
    for (let col = 0; col < columns; col++) {
      const b0 = first + Math.floor((col * span) / columns);
      const b1 = first + Math.floor(((col + 1) * span) / columns);
      columnStart[col] = b0 * size;
      count += (Math.min(this.sampleCount, b1 * size) - b0 * size) * channels.length;
      nanCount += foldBlocks(level, channels, b0, b1, { col, columns, min, max });
    }
    const sampleEnd = Math.min(this.sampleCount, (first + span) * size);
    return { columns, columnStart, sampleEnd, min, max, count, nanCount };
  }
}
