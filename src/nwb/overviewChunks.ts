/**
 * The overview refiner's fast path: the dataset's stored chunks read raw by the engine
 * (Hdf5File.chunkPlan and readChunks: the chunk index read once, coalesced range requests sized by
 * the link, decoded in parallel off the HDF5 worker) and folded into the pyramid as each arrives.
 * Chunks never written are read through read() (libhdf5 gives their fill value). Where the engine
 * cannot read a dataset raw (another filter or chunk index, a Zarr store), {@link ChunkFold.plan}
 * says so and the refiner reads through read(); the pyramid is the same either way.
 */
import {
  Hdf5Error,
  type ChunkPlan,
  type H5Value,
  type Hdf5ErrorCode,
  type NumericArray,
} from '../hdf5/types';
import type { SeriesInfo } from '../shared/protocol';
import type { NwbBackend } from './backend';
import type { OverviewPyramid } from './overviewPyramid';
import { product, toFloat64, toNumber } from './reader';

/** The engine's answers meaning "not raw, read() instead", not failures. */
const READ_INSTEAD: ReadonlySet<Hdf5ErrorCode> = new Set(['unsupported-layout', 'unsupported-filter']);

/** Values as the pyramid takes them: typed arrays as read (an int16 chunk stays int16), 64-bit ones as doubles. */
export function pyramidValues(data: NumericArray | H5Value[]): ArrayLike<number> {
  if (Array.isArray(data)) return Float64Array.from(data, v => toNumber(v) ?? NaN);
  return data instanceof BigInt64Array || data instanceof BigUint64Array ? toFloat64(data) : data;
}

/**
 * Adds a block of the dataset (row-major over `box`, first element at `origin`) to the pyramid:
 * the rows and trailing coordinates inside the dataset's `shape`, each trailing coordinate a
 * channel (flattened over the dimensions after the first).
 */
export function addBox(
  pyramid: OverviewPyramid,
  values: ArrayLike<number>,
  origin: readonly number[],
  box: readonly number[],
  shape: readonly number[],
): void {
  let picks = [0];
  let channels = [0];
  for (let d = 1; d < shape.length; d++) {
    const valid = Math.max(0, Math.min(box[d], shape[d] - origin[d]));
    const nextPicks: number[] = [];
    const nextChannels: number[] = [];
    for (let k = 0; k < picks.length; k++) {
      for (let j = 0; j < valid; j++) {
        nextPicks.push(picks[k] * box[d] + j);
        nextChannels.push(channels[k] * shape[d] + origin[d] + j);
      }
    }
    picks = nextPicks;
    channels = nextChannels;
  }
  const rows = Math.max(0, Math.min(box[0], shape[0] - origin[0]));
  if (rows > 0 && picks.length > 0)
    pyramid.add(values, origin[0], rows, product(box.slice(1)), picks, channels, true);
}

/** The raw-chunk reads of one dataset: which chunks are in, so a stopped refinement resumes. */
export class ChunkFold {
  private readonly chunkDone: Uint8Array;
  private readonly unwrittenDone: Uint8Array;

  private constructor(
    private readonly h5: Required<Pick<NwbBackend, 'readChunks' | 'read'>>,
    private readonly plan: ChunkPlan,
    private readonly maxElements: number,
  ) {
    this.chunkDone = new Uint8Array(plan.chunks.length);
    this.unwrittenDone = new Uint8Array(plan.unwritten.length);
  }

  /** The fold of the series' data, or null when the engine cannot read it raw (read() then). */
  static async plan(h5: NwbBackend, info: SeriesInfo, maxElements: number): Promise<ChunkFold | null> {
    const readChunks = h5.readChunks?.bind(h5);
    if (!h5.chunkPlan || !readChunks) return null;
    let plan: ChunkPlan;
    try {
      plan = await h5.chunkPlan(info.dataPath);
    } catch (error) {
      if (error instanceof Hdf5Error && READ_INSTEAD.has(error.code)) return null;
      throw error;
    }
    // A chunk larger than one read may hold is read in parts through read(); a changed file too.
    const sameShape =
      plan.shape.length === info.shape.length && plan.shape.every((n, d) => n === info.shape[d]);
    if (!sameShape || product(plan.chunkShape) > maxElements) return null;
    return new ChunkFold({ readChunks, read: h5.read.bind(h5) }, plan, maxElements);
  }

  /** Reads every chunk not yet in, adding each to `pyramid` and calling `changed` as it lands. */
  async run(pyramid: OverviewPyramid, signal: AbortSignal, changed: () => void): Promise<void> {
    const { plan } = this;
    const pending: number[] = [];
    this.chunkDone.forEach((done, i) => done || pending.push(i));
    if (pending.length > 0) {
      await this.h5.readChunks(
        plan,
        pending,
        chunk => {
          if (this.chunkDone[chunk.index]) return;
          this.chunkDone[chunk.index] = 1;
          addBox(pyramid, pyramidValues(chunk.data), chunk.origin, chunk.shape, plan.shape);
          changed();
        },
        { signal },
      );
    }
    for (let i = 0; i < plan.unwritten.length; i++) {
      if (this.unwrittenDone[i]) continue;
      signal.throwIfAborted();
      const origin = plan.unwritten[i];
      const count = plan.chunkShape.map((n, d) => Math.min(n, plan.shape[d] - origin[d]));
      const result = await this.h5.read(
        plan.path,
        { start: origin, count },
        { signal, maxElements: this.maxElements },
      );
      this.unwrittenDone[i] = 1;
      addBox(pyramid, pyramidValues(result.data), origin, count, plan.shape);
      changed();
    }
  }
}
