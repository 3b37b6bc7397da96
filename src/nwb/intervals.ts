/** TimeIntervals (trials, epochs, invalid_times, ...) as a timeline of [start, stop) rows with labels. */
import type { IntervalsTimeline } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import type { NwbFile } from './nwbFile';
import { joinPath, valueToStrings, valueToText } from './reader';
import { readColumnCells, tableColumnNumbers, tableInfo } from './table';

const DEFAULT_MAX_ROWS = 10_000;

export async function intervalsTimeline(
  nwb: NwbFile,
  path: string,
  maxRows = DEFAULT_MAX_ROWS,
  signal?: AbortSignal,
): Promise<IntervalsTimeline> {
  const info = await tableInfo(nwb, path);
  if (!info.columns.some(c => c.name === 'start_time')) throw new Error(`${path} has no start_time column`);
  const n = Math.min(info.rowCount, Math.max(1, maxRows));
  const start = await tableColumnNumbers(nwb, path, 'start_time', n);
  const stop = info.columns.some(c => c.name === 'stop_time')
    ? await tableColumnNumbers(nwb, path, 'stop_time', n)
    : start;
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let i = 0; i < start.length; i++) {
    tMin = Math.min(tMin, start[i]);
    tMax = Math.max(tMax, stop[i]);
  }
  if (tMin === Infinity) [tMin, tMax] = [0, 0];
  const result: IntervalsTimeline = {
    path,
    rowCount: info.rowCount,
    start: toArrayBuffer(start),
    stop: toArrayBuffer(Float64Array.from(stop)),
    columns: info.columns.map(c => c.name),
    tMin,
    tMax,
    truncated: n < info.rowCount,
  };
  // Colour by the first text column with few distinct values, else by tags.
  for (const column of info.columns) {
    if (column.name === 'start_time' || column.name === 'stop_time') continue;
    if (column.kind !== 'scalar' && !(column.kind === 'ragged' && column.name === 'tags')) continue;
    const dtype = (await nwb.reader.datasetInfo(joinPath(path, column.name))).dtype;
    if (dtype.class !== 'string' && column.name !== 'tags') continue;
    signal?.throwIfAborted();
    const cells = await readColumnCells(nwb, path, column, 0, n, signal);
    const labels = cells.map(cell =>
      Array.isArray(cell) ? valueToStrings(cell).join(', ') : valueToText(cell),
    );
    if (new Set(labels).size <= Math.max(20, n / 2)) {
      result.labelColumn = column.name;
      result.labels = labels;
      break;
    }
  }
  return result;
}
