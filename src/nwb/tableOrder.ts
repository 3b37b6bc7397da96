/**
 * A DynamicTable sorted by one column (the table view's clickable headers): the order of all rows
 * by that column's values (numbers numerically, text naturally, NaN and empty cells last in either
 * direction), kept per file, and cells of arbitrary rows read in runs of nearby rows rather than
 * one read per row.
 */
import type { H5Value } from '../hdf5/types';
import type { ColumnInfo, TableRows } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath, toNumber, valueToText } from './reader';
import { MAX_ROWS_PER_REQUEST, readColumnCells, tableIds, tableInfo } from './table';

export interface TableOrder {
  column: string;
  descending: boolean;
}

/** Rows further apart than this are read separately. */
const RUN_GAP = 32;
const orders = new WeakMap<NwbFile, Map<string, Promise<Uint32Array>>>();

/** Checks a sort order from the webview. */
export function orderParam(value: unknown): TableOrder | undefined {
  if (value === undefined) return undefined;
  const { column, descending } = (value ?? {}) as Record<string, unknown>;
  if (typeof column !== 'string' || typeof descending !== 'boolean') throw new Error('invalid order');
  return { column, descending };
}

/** Row indices of the table in the order of `order` (ids sort by the `id` column). */
export function sortedRows(
  nwb: NwbFile,
  table: string,
  column: ColumnInfo | 'id',
  descending: boolean,
  rowCount: number,
  ids: number[],
  signal?: AbortSignal,
): Promise<Uint32Array> {
  let perFile = orders.get(nwb);
  if (!perFile) orders.set(nwb, (perFile = new Map()));
  const key = `${table}\u0000${column === 'id' ? 'id' : column.name}\u0000${descending}`;
  let order = perFile.get(key);
  if (!order) {
    order = (async () => {
      if (column !== 'id' && column.kind !== 'scalar')
        throw new Error(`${column.name} holds ${column.kind} cells, which do not sort`);
      const cells: H5Value[] =
        column === 'id' ? ids : await readColumnCells(nwb, table, column, 0, rowCount, signal);
      return orderOf(cells, descending);
    })();
    perFile.set(key, order);
    const forget = perFile;
    order.catch(() => forget.delete(key));
  }
  return order;
}

/** Row order of `cells`: numbers before text, NaN / missing last in either direction; ties by row. */
export function orderOf(cells: readonly H5Value[], descending: boolean): Uint32Array {
  const numbers = cells.map(c => (typeof c === 'string' ? undefined : toNumber(c ?? undefined)));
  const numeric = numbers.every((n, i) => n !== undefined || cells[i] === null);
  const texts = numeric ? [] : cells.map(c => (c === null ? '' : valueToText(c)));
  const missing = (i: number): boolean => (numeric ? Number.isNaN(numbers[i] ?? NaN) : texts[i] === '');
  const sign = descending ? -1 : 1;
  const rows = Array.from(cells, (_, i) => i);
  rows.sort((a, b) => {
    const ma = missing(a);
    const mb = missing(b);
    if (ma || mb) return ma === mb ? a - b : ma ? 1 : -1;
    const d = numeric
      ? (numbers[a] as number) - (numbers[b] as number)
      : texts[a].localeCompare(texts[b], 'en', { numeric: true });
    return d !== 0 && !Number.isNaN(d) ? sign * Math.sign(d) : a - b;
  });
  return Uint32Array.from(rows);
}

/** Cells of `rows` (any order, any spread) of one column, in the order of `rows`. */
export async function cellsAt(
  nwb: NwbFile,
  table: string,
  column: ColumnInfo,
  rows: readonly number[],
  signal?: AbortSignal,
): Promise<H5Value[]> {
  const byRow = new Map<number, H5Value>();
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] - sorted[j] <= RUN_GAP) j++;
    const first = sorted[i];
    const cells = await readColumnCells(nwb, table, column, first, sorted[j] - first + 1, signal);
    for (let k = i; k <= j; k++) byRow.set(sorted[k], cells[sorted[k] - first] ?? null);
    i = j + 1;
  }
  return rows.map(r => byRow.get(r) ?? null);
}

/** Rows [start, start+count) of the table sorted by `order`, with the table row index of each. */
export async function sortedTableRows(
  nwb: NwbFile,
  path: string,
  start: number,
  count: number,
  order: TableOrder,
  only?: string[],
  signal?: AbortSignal,
): Promise<TableRows> {
  const info = await tableInfo(nwb, path);
  const byColumn = order.column === 'id' ? 'id' : info.columns.find(c => c.name === order.column);
  if (!byColumn) throw new Error(`${path} has no column ${order.column}`);
  const hasIds = (await nwb.reader.entry(joinPath(path, 'id')))?.kind === 'dataset';
  const ids = hasIds ? await tableIds(nwb, path) : Array.from({ length: info.rowCount }, (_, i) => i);
  const rowOrder = await sortedRows(nwb, path, byColumn, order.descending, info.rowCount, ids, signal);
  const s = Math.max(0, Math.min(Math.floor(start), info.rowCount));
  const n = Math.max(0, Math.min(Math.floor(count), MAX_ROWS_PER_REQUEST, info.rowCount - s));
  const rows = Array.from(rowOrder.subarray(s, s + n));
  const columns = only ? info.columns.filter(c => only.includes(c.name)) : info.columns;
  const cellsByColumn: H5Value[][] = [];
  for (const column of columns) {
    signal?.throwIfAborted();
    cellsByColumn.push(await cellsAt(nwb, path, column, rows, signal));
  }
  return {
    start: s,
    ids: rows.map(r => ids[r] ?? r),
    columns: columns.map(c => c.name),
    rows: rows.map((_, i) => cellsByColumn.map(cells => cells[i] ?? null)),
    rowIndices: rows,
  };
}
