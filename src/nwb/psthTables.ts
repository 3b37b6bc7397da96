/**
 * The tables the trial-aligned view works on: the file's Units and TimeIntervals tables (wherever
 * they live: /units, /intervals/*, processing modules), their columns by use (event times to align
 * on, values to group or filter by), whole columns read as numbers or labels, and unit filters.
 */
import type { PsthTable, PsthUnitList, UnitFilter } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath, toNumber, valueToStrings, valueToText } from './reader';
import { columnInfo, readColumnCells, tableIds, tableInfo } from './table';
import { unitLabels } from './units';

/** Groups where tables are kept; processing modules are searched one level down. */
const TABLE_HOMES = ['/', '/intervals', '/analysis', '/stimulus/presentation', '/acquisition'];
const NUMERIC = ['integer', 'float', 'boolean', 'enum'];

/** Paths of the file's tables of `type` (or a subtype), in the order found. */
export async function tablesOfType(nwb: NwbFile, type: 'Units' | 'TimeIntervals'): Promise<string[]> {
  const homes = [...TABLE_HOMES];
  for (const module of await nwb.reader.typedChildren('/processing')) homes.push(module.path);
  const found: string[] = [];
  for (const home of homes) {
    for (const child of await nwb.reader.typedChildren(home)) {
      if (child.kind === 'group' && !found.includes(child.path) && (await nwb.isA(child.path, type)))
        found.push(child.path);
    }
  }
  return found;
}

/** A table with its columns sorted by use; null for a Units table without spike times. */
export async function psthTable(nwb: NwbFile, path: string): Promise<PsthTable | null> {
  const info = await tableInfo(nwb, path);
  const isUnits = await nwb.isA(path, 'Units');
  if (isUnits && !info.columns.some(c => c.name === 'spike_times' && c.kind === 'ragged')) return null;
  const numberColumns: string[] = [];
  const groupColumns: string[] = [];
  for (const column of info.columns) {
    if (column.kind === 'ragged' && column.name === 'tags') groupColumns.push(column.name);
    if (column.kind !== 'scalar') continue;
    const dtype = (await nwb.reader.datasetInfo(joinPath(path, column.name))).dtype.class;
    if (NUMERIC.includes(dtype)) numberColumns.push(column.name);
    if (NUMERIC.includes(dtype) || dtype === 'string') groupColumns.push(column.name);
  }
  // The usual event first: start_time, then the other times in table order.
  numberColumns.sort((a, b) => Number(b === 'start_time') - Number(a === 'start_time'));
  return { path, rowCount: info.rowCount, numberColumns, groupColumns };
}

async function checkedColumn(nwb: NwbFile, table: string, name: string) {
  const column = await columnInfo(nwb, table, name);
  if (!column || (column.kind !== 'scalar' && !(column.kind === 'ragged' && name === 'tags')))
    throw new Error(`${table} has no column ${name} with one value per row`);
  return column;
}

/** A whole column as numbers (NaN where a cell is not a number). */
export async function columnNumbers(
  nwb: NwbFile,
  table: string,
  name: string,
  rowCount: number,
  signal?: AbortSignal,
): Promise<Float64Array> {
  const column = await checkedColumn(nwb, table, name);
  if (column.kind !== 'scalar') throw new Error(`${table}/${name} does not hold one number per row`);
  const cells = await readColumnCells(nwb, table, column, 0, rowCount, signal);
  return Float64Array.from(cells, cell => toNumber(cell) ?? NaN);
}

/** A whole column as the labels people read (ragged cells joined with `, `). */
export async function columnLabels(
  nwb: NwbFile,
  table: string,
  name: string,
  rowCount: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const column = await checkedColumn(nwb, table, name);
  const cells = await readColumnCells(nwb, table, column, 0, rowCount, signal);
  return cells.map(cell => (Array.isArray(cell) ? valueToStrings(cell).join(', ') : valueToText(cell)));
}

const OPS: UnitFilter['op'][] = ['==', '!=', '<', '<=', '>', '>='];

/** Whether `cell` passes `filter`: numbers compare as numbers, anything else as text. */
export function passes(cell: number | string, filter: UnitFilter): boolean {
  let order: number;
  if (typeof cell === 'number' && typeof filter.value === 'number') {
    // A missing measure (NaN) passes only "!=".
    if (Number.isNaN(cell) || Number.isNaN(filter.value)) return filter.op === '!=';
    order = cell - filter.value;
  } else {
    order = String(cell).localeCompare(String(filter.value), 'en', { numeric: true });
  }
  switch (filter.op) {
    case '==':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/** Checks filters from the webview. */
export function filterList(value: unknown): UnitFilter[] {
  if (!Array.isArray(value) || value.length > 32) throw new Error('invalid filters');
  return value.map((f: unknown) => {
    const { column, op, value: v } = (f ?? {}) as Record<string, unknown>;
    if (typeof column !== 'string' || !OPS.includes(op as UnitFilter['op']))
      throw new Error(`invalid filter: ${JSON.stringify(f)}`);
    if (typeof v !== 'string' && (typeof v !== 'number' || Number.isNaN(v)))
      throw new Error(`invalid filter value: ${JSON.stringify(v)}`);
    return { column, op: op as UnitFilter['op'], value: v };
  });
}

/** The units of `path` that pass every filter, with ids and short labels. */
export async function filteredUnits(
  nwb: NwbFile,
  path: string,
  filters: UnitFilter[],
  signal?: AbortSignal,
): Promise<PsthUnitList> {
  const info = await tableInfo(nwb, path);
  const n = info.rowCount;
  let keep = Array.from({ length: n }, (_, row) => row);
  for (const filter of filters) {
    signal?.throwIfAborted();
    const numeric = typeof filter.value === 'number';
    const cells: (number | string)[] = numeric
      ? Array.from(await columnNumbers(nwb, path, filter.column, n, signal))
      : await columnLabels(nwb, path, filter.column, n, signal);
    keep = keep.filter(row => passes(cells[row], filter));
  }
  const ids = await tableIds(nwb, path);
  const labels = await unitLabels(nwb, path);
  return {
    path,
    unitCount: n,
    units: keep.map(row => {
      const id = ids[row] ?? row;
      const extra = labels?.[row];
      return { row, id, label: extra ? `${id} · ${extra}` : `${id}` };
    }),
  };
}

/** Whether the file has what `path` is aligned against: intervals for a Units table, units with spikes for intervals. */
export async function hasPsthPartner(nwb: NwbFile, path: string): Promise<boolean> {
  if (await nwb.isA(path, 'Units')) return (await tablesOfType(nwb, 'TimeIntervals')).length > 0;
  for (const units of await tablesOfType(nwb, 'Units'))
    if (await nwb.reader.exists(joinPath(units, 'spike_times_index'))) return true;
  return false;
}
