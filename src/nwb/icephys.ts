/**
 * Intracellular sweeps: each response series (CurrentClampSeries, VoltageClampSeries,
 * IZeroClampSeries) with its stimulus. The pairing comes from the icephys tables when the file
 * has them (IntracellularRecordingsTable, NWB ≥ 2.4), else from the SweepTable (sweep_number +
 * ragged `series` references), else from the `sweep_number` attribute or the series name.
 */
import type { IcephysSweeps, Sweep } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath, refPath, toNumber, valueToText } from './reader';
import { raggedRanges } from './table';

type SeriesRef = NonNullable<Sweep['response']>;

const RECORDINGS = '/general/intracellular_ephys/intracellular_recordings';
const SWEEP_TABLE = '/general/intracellular_ephys/sweep_table';

export async function icephysSweeps(nwb: NwbFile, path: string): Promise<IcephysSweeps> {
  const type = await nwb.typeOf(path);
  if (
    type === 'IntracellularRecordingsTable' ||
    ((path === '/' || !type) && (await nwb.reader.exists(RECORDINGS)))
  ) {
    return fromRecordingsTable(nwb, type === 'IntracellularRecordingsTable' ? path : RECORDINGS);
  }
  if (type === 'SweepTable' || ((path === '/' || !type) && (await nwb.reader.exists(SWEEP_TABLE)))) {
    return fromSweepTable(nwb, type === 'SweepTable' ? path : SWEEP_TABLE);
  }
  return fromSeries(nwb);
}

async function describe(nwb: NwbFile, path: string): Promise<SeriesRef> {
  const unit = await nwb.reader.attrString(joinPath(path, 'data'), 'unit').catch(() => undefined);
  return { path, neurodataType: await nwb.typeOf(path), unit };
}

async function isStimulus(nwb: NwbFile, path: string): Promise<boolean> {
  const chain = await nwb.chainOf(path);
  return chain.some(t => t.endsWith('StimulusSeries')) || path.startsWith('/stimulus/');
}

/** Rows of the IntracellularRecordingsTable: responses/response and stimuli/stimulus are TimeSeriesReferences. */
async function fromRecordingsTable(nwb: NwbFile, table: string): Promise<IcephysSweeps> {
  const r = nwb.reader;
  const refsOf = async (column: string): Promise<(string | undefined)[]> => {
    const p = joinPath(table, column);
    if (!(await r.exists(p))) return [];
    const rows = await r.readValues(p, undefined, { maxElements: nwb.limits.maxElements });
    // Compound (idx_start, count, timeseries): the reference is the last member.
    return rows.map(row => {
      if (Array.isArray(row)) return refPath(row[2]);
      if (typeof row === 'object' && row !== null && 'timeseries' in row)
        return refPath((row as { timeseries: never }).timeseries);
      return refPath(row);
    });
  };
  const responses = await refsOf('responses/response');
  const stimuli = await refsOf('stimuli/stimulus');
  const sweeps: Sweep[] = [];
  for (let i = 0; i < Math.max(responses.length, stimuli.length); i++) {
    const sweep: Sweep = { index: i };
    if (responses[i]) sweep.response = await describe(nwb, responses[i] as string);
    if (stimuli[i]) sweep.stimulus = await describe(nwb, stimuli[i] as string);
    sweep.sweepNumber = await sweepNumberOf(nwb, responses[i] ?? stimuli[i]);
    sweeps.push(sweep);
  }
  return { source: 'intracellular_recordings', sweeps };
}

async function fromSweepTable(nwb: NwbFile, table: string): Promise<IcephysSweeps> {
  const r = nwb.reader;
  const numbers = Array.from(await r.readNumbers(joinPath(table, 'sweep_number')));
  const ranges = await raggedRanges(nwb, joinPath(table, 'series_index'), 0, numbers.length);
  const end = ranges.length ? ranges[ranges.length - 1][1] : 0;
  const refs = end > 0 ? await r.readValues(joinPath(table, 'series'), { start: [0], count: [end] }) : [];
  const bySweep = new Map<number, string[]>();
  ranges.forEach(([a, b], row) => {
    const list = bySweep.get(numbers[row]) ?? [];
    for (let k = a; k < b; k++) {
      const p = refPath(refs[k]);
      if (p) list.push(p);
    }
    bySweep.set(numbers[row], list);
  });
  return { source: 'sweep_table', sweeps: await pairGroups(nwb, bySweep) };
}

/** No table: group every PatchClampSeries by its sweep_number attribute (or its name). */
async function fromSeries(nwb: NwbFile): Promise<IcephysSweeps> {
  const groups = new Map<number, string[]>();
  const keys = new Map<string, number>();
  for (const root of [
    '/acquisition',
    '/stimulus/presentation',
    '/acquisition/timeseries',
    '/stimulus/presentation/timeseries',
  ]) {
    for (const child of await nwb.reader.typedChildren(root)) {
      if (!(await nwb.isA(child.path, 'PatchClampSeries'))) continue;
      const number =
        (await sweepNumberOf(nwb, child.path)) ?? keyNumber(keys, child.name.replace(/^.*?(\d+)$/, '$1'));
      groups.set(number, [...(groups.get(number) ?? []), child.path]);
    }
  }
  return { source: 'series', sweeps: await pairGroups(nwb, groups) };
}

function keyNumber(keys: Map<string, number>, key: string): number {
  if (/^\d+$/.test(key)) return Number(key);
  if (!keys.has(key)) keys.set(key, -1 - keys.size);
  return keys.get(key) as number;
}

async function pairGroups(nwb: NwbFile, groups: Map<number, string[]>): Promise<Sweep[]> {
  const sweeps: Sweep[] = [];
  const ordered = [...groups.entries()].sort((a, b) => a[0] - b[0]);
  for (const [number, paths] of ordered) {
    const stimuli: string[] = [];
    const responses: string[] = [];
    for (const p of paths) ((await isStimulus(nwb, p)) ? stimuli : responses).push(p);
    // Several electrodes can record in one sweep: one entry per response.
    const count = Math.max(responses.length, stimuli.length, 1);
    for (let i = 0; i < count; i++) {
      const sweep: Sweep = { index: sweeps.length };
      if (number >= 0) sweep.sweepNumber = number;
      if (responses[i]) sweep.response = await describe(nwb, responses[i]);
      const stimulus = stimuli[i] ?? stimuli[0];
      if (stimulus) sweep.stimulus = await describe(nwb, stimulus);
      const label = await nwb.reader
        .attr(responses[i] ?? stimulus ?? '/', 'stimulus_description')
        .catch(() => undefined);
      if (label !== undefined && label !== null) sweep.label = valueToText(label);
      sweeps.push(sweep);
    }
  }
  return sweeps;
}

async function sweepNumberOf(nwb: NwbFile, path: string | undefined): Promise<number | undefined> {
  if (!path) return undefined;
  return toNumber(await nwb.reader.attr(path, 'sweep_number').catch(() => undefined));
}
