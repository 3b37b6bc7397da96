/**
 * The NWB ≥ 2.4 icephys table hierarchy: IntracellularRecordingsTable rows (a response and its
 * stimulus) grouped by SimultaneousRecordingsTable → SequentialRecordingsTable → RepetitionsTable
 * → ExperimentalConditionsTable, each parent pointing at its children through a ragged
 * DynamicTableRegion. Every recording row gets the cells of its own row, of its category tables
 * (electrodes, stimuli, responses) and of each parent's row, so any column can filter sweeps.
 */
import type { H5Value } from '../hdf5/types';
import type { ColumnInfo } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath, parentPath, refPath, valueToStrings, valueToText } from './reader';
import { raggedRanges, readColumnCells, tableInfo } from './table';

export type Cells = Record<string, string | number>;

export interface RecordingRow {
  response?: string;
  stimulus?: string;
  /** `stimulus_type` of the sequential recording this row belongs to. */
  stimulusType?: string;
  cells: Cells;
}

/** Parent tables, each with the column that lists rows of the level below. */
const LEVELS = [
  { type: 'SimultaneousRecordingsTable', column: 'recordings' },
  { type: 'SequentialRecordingsTable', column: 'simultaneous_recordings' },
  { type: 'RepetitionsTable', column: 'sequential_recordings' },
  { type: 'ExperimentalConditionsTable', column: 'repetitions' },
] as const;

export async function recordingRows(nwb: NwbFile, table: string): Promise<RecordingRow[]> {
  const info = await tableInfo(nwb, table);
  const n = info.rowCount;
  const rows: RecordingRow[] = Array.from({ length: n }, () => ({ cells: {} }));
  const name = lastName(table);
  await addCells(
    nwb,
    table,
    name,
    rows.map((_, i) => i),
    rows,
  );
  for (const category of valueToStrings(await nwb.reader.attr(table, 'categories').catch(() => undefined))) {
    const sub = joinPath(table, category);
    if (await nwb.reader.exists(sub))
      await addCells(
        nwb,
        sub,
        `${name}.${category}`,
        rows.map((_, i) => i),
        rows,
      );
  }
  const responses = await timeSeriesRefs(nwb, joinPath(table, 'responses/response'));
  const stimuli = await timeSeriesRefs(nwb, joinPath(table, 'stimuli/stimulus'));
  rows.forEach((row, i) => {
    row.response = responses[i];
    row.stimulus = stimuli[i];
  });
  // Row of each recording in the current level (-1: not grouped at this level).
  let rowOf = rows.map((_, i) => i);
  let child = table;
  for (const level of LEVELS) {
    const parent = await tableOfType(nwb, parentPath(table), level.type, level.column, child);
    if (!parent) break;
    const parentOfChild = await regionParents(nwb, parent, level.column);
    rowOf = rowOf.map(r => (r >= 0 ? (parentOfChild.get(r) ?? -1) : -1));
    await addCells(nwb, parent, lastName(parent), rowOf, rows);
    if (level.type === 'SequentialRecordingsTable') {
      rows.forEach(row => {
        const type = row.cells[`${lastName(parent)}.stimulus_type`];
        if (type !== undefined) row.stimulusType = String(type);
      });
    }
    child = parent;
  }
  return rows;
}

function lastName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The table of `type` in `folder` whose `column` points at `child`. */
async function tableOfType(
  nwb: NwbFile,
  folder: string,
  type: string,
  column: string,
  child: string,
): Promise<string | undefined> {
  for (const entry of await nwb.reader.typedChildren(folder)) {
    if (!(await nwb.isA(entry.path, type))) continue;
    const target = refPath(
      await nwb.reader.attr(joinPath(entry.path, column), 'table').catch(() => undefined),
    );
    if (!target || target === child) return entry.path;
  }
  return undefined;
}

/** child row → parent row, from the parent's ragged region column. */
async function regionParents(nwb: NwbFile, parent: string, column: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const index = joinPath(parent, `${column}_index`);
  if (!(await nwb.reader.exists(index))) return out;
  const count = (await nwb.reader.datasetInfo(index)).shape[0] ?? 0;
  const ranges = count > 0 ? await raggedRanges(nwb, index, 0, count) : [];
  const end = ranges.length ? ranges[ranges.length - 1][1] : 0;
  const children =
    end > 0 ? await nwb.reader.readNumbers(joinPath(parent, column), { start: [0], count: [end] }) : [];
  ranges.forEach(([a, b], parentRow) => {
    for (let k = a; k < b; k++) if (!out.has(children[k])) out.set(children[k], parentRow);
  });
  return out;
}

/** Adds `prefix.column` cells of `table` row `rowOf[i]` to recording i (scalar and reference columns). */
async function addCells(
  nwb: NwbFile,
  table: string,
  prefix: string,
  rowOf: number[],
  rows: RecordingRow[],
): Promise<void> {
  const info = await tableInfo(nwb, table);
  const ids = await nwb.reader
    .readNumbers(joinPath(table, 'id'))
    .catch(() => Float64Array.from({ length: info.rowCount }, (_, i) => i));
  rowOf.forEach((r, i) => {
    if (r >= 0 && r < ids.length) rows[i].cells[`${prefix}.id`] = ids[r];
  });
  for (const column of info.columns) {
    if (!isCellColumn(column) || info.rowCount === 0) continue;
    const values = await readColumnCells(nwb, table, column, 0, info.rowCount).catch(() => null);
    if (!values) continue;
    rowOf.forEach((r, i) => {
      const cell = r >= 0 ? cellValue(values[r]) : undefined;
      if (cell !== undefined) rows[i].cells[`${prefix}.${column.name}`] = cell;
    });
  }
}

function isCellColumn(column: ColumnInfo): boolean {
  return column.kind === 'scalar' || column.kind === 'reference';
}

/** A cell as a number or text; TimeSeriesReference compounds as the series path. */
function cellValue(v: H5Value | undefined): string | number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const series = seriesOf(v);
  if (series) return series;
  const path = refPath(v);
  if (path) return path;
  return valueToText(v);
}

function seriesOf(row: H5Value): string | undefined {
  if (Array.isArray(row) && row.length === 3) return refPath(row[2]);
  if (typeof row === 'object' && row !== null && 'timeseries' in row)
    return refPath((row as { timeseries: H5Value }).timeseries);
  return undefined;
}

/** TimeSeriesReference column: compound (idx_start, count, timeseries) per row, the reference last. */
async function timeSeriesRefs(nwb: NwbFile, path: string): Promise<(string | undefined)[]> {
  if (!(await nwb.reader.exists(path))) return [];
  const rows = await nwb.reader.readValues(path, undefined, { maxElements: nwb.limits.maxElements });
  return rows.map(row => seriesOf(row) ?? refPath(row));
}
