/**
 * DynamicTable reading: columns in `colnames` order, ragged columns through `<name>_index` (end
 * offsets, possibly indexed twice), DynamicTableRegion columns (row indices into the table their
 * `table` attribute references) and object references shown as paths. Rows are read as a window.
 */
import type { H5Region, H5Value } from '../hdf5/types';
import type { ColumnInfo, TableInfo, TableRows } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath, refPath, valueToStrings, valueToText } from './reader';

/** Ragged cells longer than this are cut, with `{more: n}` appended. */
const MAX_CELL_ITEMS = 100;
/** Rows per `table/rows` request. */
export const MAX_ROWS_PER_REQUEST = 500;

export async function tableInfo(nwb: NwbFile, path: string): Promise<TableInfo> {
  const r = nwb.reader;
  const entry = await r.entry(path);
  if (!entry || entry.kind !== 'group') throw new Error(`${path} is not a table`);
  const colnames = valueToStrings(await r.attr(path, 'colnames'));
  const rowCount = await tableRowCount(nwb, path, colnames);
  const columns: ColumnInfo[] = [];
  for (const name of colnames) {
    const column = await columnInfo(nwb, path, name);
    if (column) columns.push(column);
  }
  return {
    path,
    neurodataType: await nwb.typeOf(path),
    description: await r.attrString(path, 'description'),
    rowCount,
    columns,
  };
}

async function tableRowCount(nwb: NwbFile, path: string, colnames: string[]): Promise<number> {
  const id = await nwb.reader.entry(joinPath(path, 'id'));
  if (id?.kind === 'dataset' && id.shape) return id.shape[0] ?? 0;
  // Tables without `id` (some old files): the length of the first column.
  for (const name of colnames) {
    const index = await nwb.reader.entry(joinPath(path, `${name}_index`));
    const col = index ?? (await nwb.reader.entry(joinPath(path, name)));
    if (col?.shape?.length) return col.shape[0];
  }
  return 0;
}

export async function columnInfo(nwb: NwbFile, table: string, name: string): Promise<ColumnInfo | null> {
  const r = nwb.reader;
  const path = joinPath(table, name);
  const entry = await r.entry(path);
  if (!entry || entry.kind !== 'dataset') return null;
  const index = await r.entry(joinPath(table, `${name}_index`));
  const description = await r.attrString(path, 'description');
  const dtype = entry.dtype ?? '';
  const shape = entry.shape ?? [];
  const base = { name, description, dtype, length: (index?.shape ?? shape)[0] ?? 0 };
  const target =
    entry.neurodataType === 'DynamicTableRegion' ? refPath(await r.attr(path, 'table')) : undefined;
  // A ragged region (e.g. Units.electrodes) is ragged; `target` still names the table it points into.
  if (index?.kind === 'dataset') return { ...base, kind: 'ragged', ...(target ? { target } : {}) };
  if (entry.neurodataType === 'DynamicTableRegion') return { ...base, kind: 'region', target };
  const info = await r.datasetInfo(path);
  if (info.dtype.class === 'reference') return { ...base, kind: 'reference' };
  if (shape.length > 1) return { ...base, kind: 'array' };
  return { ...base, kind: 'scalar' };
}

export async function tableRows(
  nwb: NwbFile,
  path: string,
  start: number,
  count: number,
  only?: string[],
  signal?: AbortSignal,
): Promise<TableRows> {
  const info = await tableInfo(nwb, path);
  const s = Math.max(0, Math.min(Math.floor(start), info.rowCount));
  const n = Math.max(0, Math.min(Math.floor(count), MAX_ROWS_PER_REQUEST, info.rowCount - s));
  const columns = only ? info.columns.filter(c => only.includes(c.name)) : info.columns;
  const idEntry = await nwb.reader.entry(joinPath(path, 'id'));
  const ids =
    n > 0 && idEntry?.kind === 'dataset'
      ? Array.from(await nwb.reader.readNumbers(joinPath(path, 'id'), { start: [s], count: [n] }, { signal }))
      : Array.from({ length: n }, (_, i) => s + i);
  const cellsByColumn: H5Value[][] = [];
  for (const column of columns) {
    signal?.throwIfAborted();
    cellsByColumn.push(n > 0 ? await readColumnCells(nwb, path, column, s, n, signal) : []);
  }
  const rows = ids.map((_, i) => cellsByColumn.map(cells => cells[i] ?? null));
  return { start: s, ids, columns: columns.map(c => c.name), rows };
}

/** Cells [start, start+count) of one column. */
export async function readColumnCells(
  nwb: NwbFile,
  table: string,
  column: ColumnInfo,
  start: number,
  count: number,
  signal?: AbortSignal,
): Promise<H5Value[]> {
  const r = nwb.reader;
  const path = joinPath(table, column.name);
  if (column.kind === 'ragged') {
    const ranges = await raggedRanges(nwb, joinPath(table, `${column.name}_index`), start, count, signal);
    const stored = (await r.entry(path))?.shape?.[0] ?? 0;
    const lo = Math.min(ranges[0]?.[0] ?? 0, stored);
    const hi = Math.min(ranges[ranges.length - 1]?.[1] ?? 0, stored);
    const total = hi - lo;
    // Read at most what the cells will show.
    const values =
      total > 0 && total <= nwb.limits.maxElements ? await readRows(nwb, path, lo, total, signal) : null;
    return ranges.map(([a, b]) => {
      if (!values) return { items: b - a };
      const cell = values.slice(Math.max(a, lo) - lo, Math.max(a, Math.min(b, hi, a + MAX_CELL_ITEMS)) - lo);
      if (b - a > MAX_CELL_ITEMS) cell.push({ more: b - a - MAX_CELL_ITEMS });
      return cell;
    });
  }
  if (column.kind === 'array') {
    const info = await r.datasetInfo(path);
    const perRow = info.shape.slice(1).reduce((a, b) => a * b, 1);
    if (perRow > MAX_CELL_ITEMS)
      return Array.from({ length: count }, () => `[${info.shape.slice(1).join('×')} ${info.dtype.display}]`);
    const values = await readRows(nwb, path, start, count, signal);
    return Array.from({ length: count }, (_, i) => values.slice(i * perRow, (i + 1) * perRow));
  }
  return readRows(nwb, path, start, count, signal);
}

/** Rows of a dataset as values (numbers, strings, `{ref}`, compounds); all trailing dimensions flattened. */
async function readRows(
  nwb: NwbFile,
  path: string,
  start: number,
  count: number,
  signal?: AbortSignal,
): Promise<H5Value[]> {
  const info = await nwb.reader.datasetInfo(path);
  if (info.shape.length === 0) return [await nwb.reader.scalar(path, { signal })];
  const sel = { start: [start, ...info.shape.slice(1).map(() => 0)], count: [count, ...info.shape.slice(1)] };
  return nwb.reader.readValues(path, sel, { signal, maxElements: nwb.limits.maxElements });
}

/** [start, end) element ranges of ragged rows [row, row+count), from a VectorIndex of end offsets. */
export async function raggedRanges(
  nwb: NwbFile,
  indexPath: string,
  row: number,
  count: number,
  signal?: AbortSignal,
): Promise<[number, number][]> {
  const info = await nwb.reader.datasetInfo(indexPath);
  if (info.dtype.class === 'reference') return regionRanges(nwb, indexPath, row, count, signal);
  const first = Math.max(0, row - 1);
  const ends = await nwb.reader.readNumbers(
    indexPath,
    { start: [first], count: [count + (row > 0 ? 1 : 0)] },
    { signal },
  );
  const out: [number, number][] = [];
  let prev = row > 0 ? ends[0] : 0;
  for (let i = row > 0 ? 1 : 0; i < ends.length; i++) {
    out.push([prev, ends[i]]);
    prev = ends[i];
  }
  return out;
}

/**
 * Ragged rows whose index holds one region reference per row into the data (MatNWB and the NWB
 * 2.0 pre-release): each row is its region's one 1-D hyperslab block.
 */
async function regionRanges(
  nwb: NwbFile,
  indexPath: string,
  row: number,
  count: number,
  signal?: AbortSignal,
): Promise<[number, number][]> {
  const refs = await nwb.reader.readValues(indexPath, { start: [row], count: [count] }, { signal });
  return refs.map((ref, i): [number, number] => {
    const selection = regionSelection(ref);
    if (selection?.kind === 'none') return [0, 0];
    if (
      selection?.kind === 'hyperslab' &&
      selection.blocks.length === 1 &&
      selection.blocks[0].start.length === 1
    ) {
      const { start, count: length } = selection.blocks[0];
      return [start[0], start[0] + length[0]];
    }
    const text = selection?.kind === 'error' ? selection.message : (selection?.kind ?? 'no selection');
    throw new Error(`${indexPath} row ${row + i}: the region is not one range of the data (${text})`);
  });
}

/** The selection a region reference value carries. */
function regionSelection(value: H5Value): H5Region | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('selection' in value))
    return undefined;
  return (value as { selection?: H5Region }).selection;
}

/** Rows a 1-D region selects, in the order libhdf5 lists them (blocks, then points). */
function selectedRows(selection: H5Region | undefined, where: string): number[] {
  if (selection?.kind === 'none') return [];
  if (selection?.kind === 'hyperslab' && selection.blocks.every(b => b.start.length === 1)) {
    const rows: number[] = [];
    for (const { start, count } of selection.blocks)
      for (let i = 0; i < count[0]; i++) rows.push(start[0] + i);
    return rows;
  }
  if (selection?.kind === 'points' && selection.points.every(p => p.length === 1))
    return selection.points.map(p => p[0]);
  const text = selection?.kind === 'error' ? selection.message : (selection?.kind ?? 'no selection');
  throw new Error(`${where}: the region is not a selection of rows (${text})`);
}

/**
 * The rows a DynamicTableRegion (or NWB 1.x / MatNWB table region) selects and the table they
 * are rows of: row indices with a `table` attribute, or region references that carry both.
 */
export async function regionRows(
  nwb: NwbFile,
  path: string,
  maxElements: number,
): Promise<{ rows: number[]; table: string | undefined }> {
  const r = nwb.reader;
  const info = await r.datasetInfo(path);
  if (info.dtype.class !== 'reference' || info.dtype.refType !== 'region') {
    const rows = Array.from(await r.readNumbers(path, undefined, { maxElements }));
    return { rows, table: refPath(await r.attr(path, 'table')) };
  }
  const rows: number[] = [];
  let table: string | undefined;
  for (const value of await r.readValues(path, undefined, { maxElements })) {
    table ??= refPath(value);
    for (const row of selectedRows(regionSelection(value), path)) rows.push(row);
  }
  return { rows, table };
}

/** The `id` column of a table (row index when absent). */
export async function tableIds(nwb: NwbFile, table: string): Promise<number[]> {
  const fields = await compoundField(nwb, table, 'id');
  if (fields) return fields.map((v, row) => (typeof v === 'number' ? v : row));
  const idPath = joinPath(table, 'id');
  if (!(await nwb.reader.exists(idPath))) return [];
  return Array.from(await nwb.reader.readNumbers(idPath, undefined, { maxElements: 10_000_000 }));
}

/** A whole scalar column as text (e.g. electrode `location`), or undefined when it is missing. */
export async function tableColumnText(
  nwb: NwbFile,
  table: string,
  column: string,
): Promise<string[] | undefined> {
  const path = joinPath(table, column);
  const fields = await compoundField(nwb, table, column);
  const entry = fields ? undefined : await nwb.reader.entry(path);
  if (!fields && (entry?.kind !== 'dataset' || (entry.shape?.length ?? 0) !== 1)) return undefined;
  const values = fields ?? (await nwb.reader.readValues(path, undefined, { maxElements: 1_000_000 }));
  return values.map(v => (refPath(v) ?? valueToText(v)).split('/').pop() ?? '');
}

/**
 * One field of every row of a table stored as a compound dataset (NWB 1.x electrode tables, as
 * MatNWB wrote them); undefined when the table is a group or has no such field.
 */
async function compoundField(nwb: NwbFile, table: string, field: string): Promise<H5Value[] | undefined> {
  const entry = await nwb.reader.entry(table);
  if (entry?.kind !== 'dataset' || entry.dtype !== 'compound') return undefined;
  const info = await nwb.reader.datasetInfo(table);
  if (info.shape.length !== 1 || !info.dtype.members?.some(m => m.name === field)) return undefined;
  const rows = await nwb.reader.readValues(table, undefined, { maxElements: 1_000_000 });
  return rows.map(row =>
    row !== null && typeof row === 'object' && !Array.isArray(row) && field in row
      ? (row as { [key: string]: H5Value })[field]
      : null,
  );
}

/** A whole numeric column (e.g. `start_time`). */
export async function tableColumnNumbers(
  nwb: NwbFile,
  table: string,
  column: string,
  maxRows?: number,
): Promise<Float64Array> {
  const path = joinPath(table, column);
  const info = await nwb.reader.datasetInfo(path);
  const n = maxRows === undefined ? info.shape[0] : Math.min(maxRows, info.shape[0]);
  return nwb.reader.readNumbers(path, { start: [0], count: [n] }, { maxElements: nwb.limits.maxElements });
}
