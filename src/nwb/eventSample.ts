/**
 * What the spike-sorting readers share: an even spread of a bounded number of events (one strided
 * read, so a million events cost what a screenful does) and channel names from an `electrodes`
 * region.
 */
import type { NwbFile } from './nwbFile';
import { product } from './reader';
import { regionRows, tableColumnText, tableIds } from './table';

/** Every `stride`-th of `total` items from the first: `count` of them, never more than `max`. */
export interface EvenSpread {
  stride: number;
  count: number;
}

export function evenSpread(total: number, max: number): EvenSpread {
  if (total <= 0) return { stride: 1, count: 0 };
  const stride = Math.max(1, Math.ceil(total / Math.max(1, Math.floor(max))));
  return { stride, count: Math.ceil(total / stride) };
}

/** The indices an {@link EvenSpread} picks. */
export function spreadIndices(spread: EvenSpread): number[] {
  return Array.from({ length: spread.count }, (_, i) => i * spread.stride);
}

/** The picked rows (first axis) of a dataset of `shape`, every other axis whole, as float64. */
export async function readSpread(
  nwb: NwbFile,
  path: string,
  shape: readonly number[],
  spread: EvenSpread,
  signal?: AbortSignal,
): Promise<Float64Array> {
  if (spread.count === 0) return new Float64Array(0);
  const rest = shape.slice(1);
  return nwb.reader.readNumbers(
    path,
    {
      start: shape.map(() => 0),
      count: [spread.count, ...rest],
      stride: [spread.stride, ...rest.map(() => 1)],
    },
    { signal, maxElements: spread.count * product(rest) },
  );
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
