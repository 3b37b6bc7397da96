/**
 * Sweeps of files without the NWB ≥ 2.4 icephys tables: the SweepTable (NWB 2.0-2.3: one row per
 * series with its `sweep_number`), NWB 1.x epochs (MIES and early ipfx: one epoch per sweep whose
 * `timeseries` subgroups link its series), else every PatchClampSeries by its `sweep_number`
 * attribute or the digits ending its name. Within one sweep number a response is paired with the
 * stimulus that starts when it does (MIES writes the same sweep number for two devices).
 */
import type { Cells } from './icephysTables';
import type { NwbFile } from './nwbFile';
import { joinPath, refPath, toNumber, valueToStrings, valueToText } from './reader';
import { raggedRanges, readColumnCells, tableInfo } from './table';

/** A sweep before it is described: its number, series paths and table cells. */
export interface PairedSweep {
  sweepNumber?: number;
  response?: string;
  stimulus?: string;
  cells: Cells;
}

interface Group {
  sweepNumber?: number;
  paths: string[];
  cells: Cells;
}

export async function fromSweepTable(nwb: NwbFile, table: string): Promise<PairedSweep[]> {
  const r = nwb.reader;
  const numbers = Array.from(await r.readNumbers(joinPath(table, 'sweep_number')));
  const ranges = await raggedRanges(nwb, joinPath(table, 'series_index'), 0, numbers.length);
  const end = ranges.length ? ranges[ranges.length - 1][1] : 0;
  const refs = end > 0 ? await r.readValues(joinPath(table, 'series'), { start: [0], count: [end] }) : [];
  const extra = await extraColumns(nwb, table, numbers.length);
  const groups = new Map<number, Group>();
  ranges.forEach(([a, b], row) => {
    const group = groups.get(numbers[row]) ?? { sweepNumber: numbers[row], paths: [], cells: {} };
    for (let k = a; k < b; k++) {
      const p = refPath(refs[k]);
      if (p) group.paths.push(p);
    }
    Object.assign(group.cells, extra[row]);
    groups.set(numbers[row], group);
  });
  return pairGroups(nwb, [...groups.values()]);
}

/** Cells of a SweepTable's own columns besides sweep_number and series. */
async function extraColumns(nwb: NwbFile, table: string, rows: number): Promise<Cells[]> {
  const out: Cells[] = Array.from({ length: rows }, () => ({}));
  const info = await tableInfo(nwb, table);
  for (const column of info.columns) {
    if (column.kind !== 'scalar' || column.name === 'sweep_number' || rows === 0) continue;
    const values = await readColumnCells(nwb, table, column, 0, rows).catch(() => []);
    values.forEach((v, i) => {
      if (v === null || i >= rows) return;
      out[i][`sweep_table.${column.name}`] = typeof v === 'number' ? v : valueToText(v);
    });
  }
  return out;
}

/** NWB 1.x: each epoch group under /epochs with `timeseries` subgroups linking its series. */
export async function fromEpochs(nwb: NwbFile): Promise<PairedSweep[]> {
  const r = nwb.reader;
  const groups: Group[] = [];
  for (const epoch of await r.list('/epochs')) {
    if (epoch.kind !== 'group') continue;
    const paths: string[] = [];
    for (const sub of await r.list(epoch.path)) {
      if (sub.kind !== 'group') continue;
      const link = await r.entry(joinPath(sub.path, 'timeseries'));
      if (link?.kind === 'group') paths.push(link.path);
    }
    if (paths.length === 0) continue;
    const cells: Cells = { 'epochs.name': epoch.name };
    for (const name of ['start_time', 'stop_time']) {
      const v = toNumber(await r.scalar(joinPath(epoch.path, name)).catch(() => undefined));
      if (v !== undefined) cells[`epochs.${name}`] = v;
    }
    const tags = valueToStrings(await r.scalar(joinPath(epoch.path, 'tags')).catch(() => undefined));
    if (tags.length) cells['epochs.tags'] = tags.join(', ');
    groups.push({ sweepNumber: trailingNumber(epoch.name), paths, cells });
  }
  return pairGroups(nwb, groups);
}

/** No table: every PatchClampSeries grouped by its sweep_number attribute, else its name's digits. */
export async function fromSeries(nwb: NwbFile): Promise<PairedSweep[]> {
  const groups = new Map<string, Group>();
  const roots = [
    '/acquisition',
    '/stimulus/presentation',
    '/acquisition/timeseries',
    '/stimulus/presentation/timeseries',
  ];
  for (const root of roots) {
    for (const child of await nwb.reader.typedChildren(root)) {
      if (!(await nwb.isA(child.path, 'PatchClampSeries'))) continue;
      const number = (await sweepNumberOf(nwb, child.path)) ?? trailingNumber(child.name);
      const key = number !== undefined ? String(number) : `name:${child.name}`;
      const group = groups.get(key) ?? { sweepNumber: number, paths: [], cells: {} };
      group.paths.push(child.path);
      groups.set(key, group);
    }
  }
  return pairGroups(nwb, [...groups.values()]);
}

function trailingNumber(name: string): number | undefined {
  const m = /(\d+)\D*$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The `sweep_number` attribute, or MIES NWB 1.x's `source` attribute (`Device=…;Sweep=12;AD=0;…`). */
export async function sweepNumberOf(nwb: NwbFile, path: string | undefined): Promise<number | undefined> {
  if (!path) return undefined;
  const attr = toNumber(await nwb.reader.attr(path, 'sweep_number').catch(() => undefined));
  if (attr !== undefined) return attr;
  const source = await nwb.reader.attrString(path, 'source').catch(() => undefined);
  const m = source ? /(?:^|;)\s*Sweep=(\d+)/.exec(source) : null;
  return m ? Number(m[1]) : undefined;
}

async function isStimulus(nwb: NwbFile, path: string): Promise<boolean> {
  const chain = await nwb.chainOf(path);
  return chain.some(t => t.endsWith('StimulusSeries')) || path.startsWith('/stimulus/');
}

async function startOf(nwb: NwbFile, path: string): Promise<number> {
  const start = toNumber(await nwb.reader.scalar(joinPath(path, 'starting_time')).catch(() => undefined));
  if (start !== undefined) return start;
  return nwb.reader.numberAt(joinPath(path, 'timestamps'), 0).catch(() => NaN);
}

/** One sweep per response, each with the unused stimulus of its group starting closest to it. */
async function pairGroups(nwb: NwbFile, groups: Group[]): Promise<PairedSweep[]> {
  const out: PairedSweep[] = [];
  const ordered = [...groups].sort((a, b) => (a.sweepNumber ?? Infinity) - (b.sweepNumber ?? Infinity));
  for (const group of ordered) {
    const responses: { path: string; start: number }[] = [];
    const stimuli: { path: string; start: number }[] = [];
    for (const path of group.paths) {
      const series = { path, start: await startOf(nwb, path) };
      ((await isStimulus(nwb, path)) ? stimuli : responses).push(series);
    }
    const unused = new Set(stimuli.map((_, i) => i));
    for (const response of responses) {
      let best = -1;
      let bestGap = Infinity;
      for (const i of unused) {
        const gap = Math.abs(stimuli[i].start - response.start);
        const g = Number.isNaN(gap) ? Infinity : gap;
        if (best < 0 || g < bestGap) [best, bestGap] = [i, g];
      }
      unused.delete(best);
      // Several electrodes in one sweep without stimuli of their own share the first.
      const stimulus = stimuli[best]?.path ?? stimuli[0]?.path;
      out.push({
        sweepNumber: group.sweepNumber,
        response: response.path,
        stimulus,
        cells: { ...group.cells },
      });
    }
    for (const i of unused)
      out.push({ sweepNumber: group.sweepNumber, stimulus: stimuli[i].path, cells: { ...group.cells } });
  }
  return out;
}
