/**
 * What the spike-sorting readers share: a bounded, evenly spread choice of events and channel
 * names from an `electrodes` region.
 *
 * An even spread is every k-th event, one strided read. When the events are stored in chunks and
 * every k-th event would sit in its own chunk, that read would decode a chunk per event shown (a
 * million 40-sample snippets in chunks of 1,000 would cost 200 chunks for 200 snippets); then the
 * events are taken in runs from evenly spread chunks instead, so no more than a budget of chunk
 * bytes is read, whatever the file's size.
 */
import type { NwbFile } from './nwbFile';
import { product } from './reader';
import { regionRows, tableColumnText, tableIds } from './table';

/** Decoded chunk bytes one spread may touch (a few screenfuls of typical snippets). */
const CHUNK_BUDGET_BYTES = 16 * 1024 * 1024;
/** Contiguous data are read in blocks about this size. */
const CONTIGUOUS_BLOCK_BYTES = 1024 * 1024;

/** `count` events from `start`, every `stride`-th. */
interface Run {
  start: number;
  stride: number;
  count: number;
}

/** Which events are read: runs in ascending order, never overlapping. */
export interface Spread {
  runs: Run[];
}

/** Every k-th of `total` events from the first: never more than `max` of them. */
export function evenSpread(total: number, max: number): Spread {
  if (total <= 0) return { runs: [] };
  const stride = Math.max(1, Math.ceil(total / Math.max(1, Math.floor(max))));
  return { runs: [{ start: 0, stride, count: Math.ceil(total / stride) }] };
}

/**
 * An even spread of at most `max` of the `total` first rows of the dataset at `path`, sized to its
 * storage: every k-th row when the chunks that touches fit the budget, else rows spread over
 * evenly spread chunks (contiguous data count as chunks of 1 MiB, about what libhdf5 reads at once).
 */
export async function chunkedSpread(nwb: NwbFile, path: string, total: number, max: number): Promise<Spread> {
  const even = evenSpread(total, max);
  const first = even.runs[0];
  if (!first) return even;
  const info = await nwb.reader.datasetInfo(path);
  const rowBytes = product(info.shape.slice(1)) * Math.max(1, info.dtype.size);
  const rows = Math.max(1, info.chunks?.[0] ?? Math.floor(CONTIGUOUS_BLOCK_BYTES / Math.max(1, rowBytes)));
  const chunkBytes =
    rows * (info.chunks ? product(info.chunks.slice(1)) * Math.max(1, info.dtype.size) : rowBytes);
  const chunkCount = Math.ceil(total / rows);
  const touched = first.stride <= rows ? chunkCount : first.count;
  const budget = Math.max(1, Math.floor(CHUNK_BUDGET_BYTES / Math.max(1, chunkBytes)));
  if (touched <= budget) return even;
  const used = evenSpread(chunkCount, budget).runs[0];
  const perChunk = Math.max(1, Math.ceil(first.count / used.count));
  const runs: Run[] = [];
  for (let i = 0; i < used.count; i++) {
    const start = (used.start + i * used.stride) * rows;
    const length = Math.min(rows, total - start);
    const stride = Math.max(1, Math.floor(length / perChunk));
    const count = Math.min(perChunk, Math.ceil(length / stride));
    if (count > 0) runs.push({ start, stride, count });
  }
  return { runs };
}

/** The indices a {@link Spread} picks, ascending. */
export function spreadIndices(spread: Spread): number[] {
  return spread.runs.flatMap(r => Array.from({ length: r.count }, (_, i) => r.start + i * r.stride));
}

/** The picked rows (first axis) of a dataset of `shape`, every other axis whole, as float64. */
export function readSpread(
  nwb: NwbFile,
  path: string,
  shape: readonly number[],
  spread: Spread,
  signal?: AbortSignal,
): Promise<Float64Array> {
  const rest = shape.slice(1);
  return readRuns(nwb, path, spread, { start: rest.map(() => 0), count: rest }, signal);
}

/** The picked rows (first axis), the other axes cut to `tail` (e.g. one channel), as float64. */
export async function readRuns(
  nwb: NwbFile,
  path: string,
  spread: Spread,
  tail: { start: number[]; count: number[] },
  signal?: AbortSignal,
): Promise<Float64Array> {
  const width = product(tail.count);
  const parts: Float64Array[] = [];
  for (const run of spread.runs) {
    if (run.count === 0) continue;
    parts.push(
      await nwb.reader.readNumbers(
        path,
        {
          start: [run.start, ...tail.start],
          count: [run.count, ...tail.count],
          stride: [run.stride, ...tail.count.map(() => 1)],
        },
        { signal, maxElements: run.count * width },
      ),
    );
  }
  if (parts.length === 1) return parts[0];
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A label per channel from the object's `electrodes` region (electrode id, and location when the
 * table has it); `channel i` when there is no region or it cannot be read (labels are a nicety).
 */
export async function electrodeLabels(nwb: NwbFile, regionPath: string, count: number): Promise<string[]> {
  const fallback = Array.from({ length: count }, (_, i) => `channel ${i}`);
  const entry = await nwb.reader.entry(regionPath);
  if (entry?.kind !== 'dataset' || (entry.shape?.length ?? 0) > 1) return fallback;
  try {
    const { rows, table } = await regionRows(nwb, entry.path, 1_000_000);
    if (rows.length !== count) return fallback;
    if (!table) return rows.map(row => `electrode row ${row}`);
    const ids = await tableIds(nwb, table);
    const location = await tableColumnText(nwb, table, 'location');
    return rows.map(row => {
      const where = location?.[row];
      return `electrode ${ids[row] ?? row}${where ? ` · ${where}` : ''}`;
    });
  } catch {
    return fallback;
  }
}
