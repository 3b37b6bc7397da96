/**
 * Min/max reduction per pixel column: the screen can show at most two values per column per
 * trace, so a long series is reduced in the host before it crosses to the webview.
 */

/** Accumulates min/max of samples into `columns` bins over the sample range [sampleStart, sampleEnd). */
export class MinMaxBins {
  readonly min: Float64Array;
  readonly max: Float64Array;

  constructor(
    readonly columns: number,
    readonly channelCount: number,
    readonly sampleStart: number,
    readonly sampleEnd: number,
  ) {
    this.min = new Float64Array(columns * channelCount).fill(Infinity);
    this.max = new Float64Array(columns * channelCount).fill(-Infinity);
  }

  /** The column a sample index falls into. */
  columnOf(sample: number): number {
    const span = this.sampleEnd - this.sampleStart;
    const col = Math.floor(((sample - this.sampleStart) * this.columns) / span);
    return Math.min(this.columns - 1, Math.max(0, col));
  }

  /** First sample index of column `col`. */
  columnStart(col: number): number {
    const span = this.sampleEnd - this.sampleStart;
    return this.sampleStart + Math.ceil((col * span) / this.columns);
  }

  /**
   * Adds a block of samples read as rows [firstSample, firstSample + rows) of a row-major
   * (rows × rowWidth) array; `picks[c]` is the column within a row for output channel c.
   */
  addBlock(
    data: ArrayLike<number>,
    firstSample: number,
    rows: number,
    rowWidth: number,
    picks: readonly number[],
  ): void {
    for (let r = 0; r < rows; r++) {
      const col = this.columnOf(firstSample + r);
      const base = r * rowWidth;
      for (let c = 0; c < picks.length; c++) {
        const v = data[base + picks[c]];
        if (Number.isNaN(v)) continue;
        const k = c * this.columns + col;
        if (v < this.min[k]) this.min[k] = v;
        if (v > this.max[k]) this.max[k] = v;
      }
    }
  }

  /** Physical values (raw * conversion + offset) as float32; NaN for empty columns. */
  finish(conversion: number, offset: number): { min: Float32Array; max: Float32Array } {
    return toPhysical(this.min, this.max, conversion, offset);
  }
}

/** Raw min/max (±Infinity where empty) as physical float32 values (raw * conversion + offset); NaN where empty. */
export function toPhysical(
  rawMin: ArrayLike<number>,
  rawMax: ArrayLike<number>,
  conversion: number,
  offset: number,
): { min: Float32Array; max: Float32Array } {
  const min = new Float32Array(rawMin.length);
  const max = new Float32Array(rawMax.length);
  for (let k = 0; k < min.length; k++) {
    if (rawMin[k] === Infinity) {
      min[k] = NaN;
      max[k] = NaN;
      continue;
    }
    const a = rawMin[k] * conversion + offset;
    const b = rawMax[k] * conversion + offset;
    // A negative conversion swaps which end is the minimum.
    min[k] = Math.min(a, b);
    max[k] = Math.max(a, b);
  }
  return { min, max };
}

/** Fills empty columns from their nearest filled neighbour (sparse overviews read some columns only). */
export function fillGaps(min: Float32Array, max: Float32Array, columns: number, channels: number): void {
  for (let c = 0; c < channels; c++) {
    const base = c * columns;
    let last = -1;
    for (let i = 0; i < columns; i++) {
      if (!Number.isNaN(min[base + i])) {
        // Fill the run of empty columns before i, splitting it between last and i.
        for (let j = last + 1; j < i; j++) {
          const from = last >= 0 && j - last <= i - j ? last : i;
          min[base + j] = min[base + from];
          max[base + j] = max[base + from];
        }
        last = i;
      }
    }
    if (last >= 0) {
      for (let j = last + 1; j < columns; j++) {
        min[base + j] = min[base + last];
        max[base + j] = max[base + last];
      }
    }
  }
}
