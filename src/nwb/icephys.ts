/**
 * Intracellular sweeps as PatchSeq users read them: one list of sweeps, each a response series
 * (CurrentClampSeries, VoltageClampSeries, IZeroClampSeries) with its stimulus, its stimulus name,
 * clamp mode, the cells of its table rows, and the stimulus' baseline, onset and amplitude
 * measured from the data; grouped by stimulus. The sweeps come from the icephys tables when the
 * file has them (NWB ≥ 2.4, src/nwb/icephysTables.ts), else from the SweepTable, NWB 1.x epochs
 * or the series themselves (src/nwb/icephysLegacy.ts).
 */
import type { IcephysSweeps, Sweep } from '../shared/protocol';
import { fromEpochs, fromSeries, fromSweepTable, sweepNumberOf, type PairedSweep } from './icephysLegacy';
import { recordingRows } from './icephysTables';
import type { NwbFile } from './nwbFile';
import { joinPath, valueToText } from './reader';
import { firstDeparture, measureStimulus } from './stimulusShape';
import { groupSweeps, meaningfulName } from './sweepGroups';
import { seriesInfo, seriesWindow } from './timeseries';

type SeriesRef = NonNullable<Sweep['response']>;

const RECORDINGS = '/general/intracellular_ephys/intracellular_recordings';
const SWEEP_TABLE = '/general/intracellular_ephys/sweep_table';
/** Columns of the stimulus window measured for its shape (min/max per column beyond that). */
const MEASURE_COLUMNS = 4000;

export async function icephysSweeps(nwb: NwbFile, path: string): Promise<IcephysSweeps> {
  const { source, paired } = await pairedSweeps(nwb, path);
  const sweeps: Sweep[] = [];
  for (const p of paired) sweeps.push(await describeSweep(nwb, p, sweeps.length));
  return { source, sweeps, groups: groupSweeps(sweeps) };
}

async function pairedSweeps(
  nwb: NwbFile,
  path: string,
): Promise<{ source: IcephysSweeps['source']; paired: PairedSweep[] }> {
  const type = await nwb.typeOf(path);
  const whole = path === '/' || !type;
  if (type === 'IntracellularRecordingsTable' || (whole && (await nwb.reader.exists(RECORDINGS)))) {
    const rows = await recordingRows(nwb, type === 'IntracellularRecordingsTable' ? path : RECORDINGS);
    const paired = await Promise.all(
      rows.map(async row => ({
        ...row,
        sweepNumber: await sweepNumberOf(nwb, row.response ?? row.stimulus),
      })),
    );
    return { source: 'intracellular_recordings', paired };
  }
  if (type === 'SweepTable' || (whole && (await nwb.reader.exists(SWEEP_TABLE)))) {
    return {
      source: 'sweep_table',
      paired: await fromSweepTable(nwb, type === 'SweepTable' ? path : SWEEP_TABLE),
    };
  }
  if (whole && (await nwb.reader.exists('/epochs'))) {
    const paired = await fromEpochs(nwb);
    if (paired.length) return { source: 'epochs', paired };
  }
  return { source: 'series', paired: await fromSeries(nwb) };
}

async function describeSweep(
  nwb: NwbFile,
  p: PairedSweep & { stimulusType?: string },
  index: number,
): Promise<Sweep> {
  const sweep: Sweep = { index, columns: p.cells };
  if (p.sweepNumber !== undefined) sweep.sweepNumber = p.sweepNumber;
  if (p.response) sweep.response = await describe(nwb, p.response);
  if (p.stimulus) sweep.stimulus = await describe(nwb, p.stimulus);
  const responseName = await stimulusDescription(nwb, p.response);
  const stimulusName = await stimulusDescription(nwb, p.stimulus);
  const label = responseName ?? stimulusName;
  if (label !== undefined) sweep.label = label;
  const name = meaningfulName(responseName) ?? meaningfulName(stimulusName) ?? meaningfulName(p.stimulusType);
  if (name) sweep.stimulusName = name;
  const clamp = await clampMode(nwb, p.response ?? p.stimulus);
  if (clamp) sweep.clampMode = clamp;
  if (p.stimulus) {
    // A stimulus that cannot be read or measured leaves the sweep listed, without a shape.
    const shape = await measureSeries(nwb, p.stimulus).catch(() => undefined);
    if (shape) sweep.shape = shape;
  }
  return sweep;
}

async function describe(nwb: NwbFile, path: string): Promise<SeriesRef> {
  const unit = await nwb.reader.attrString(joinPath(path, 'data'), 'unit').catch(() => undefined);
  return { path, neurodataType: await nwb.typeOf(path), unit };
}

/** `stimulus_description`: an attribute in NWB 2, a dataset in NWB 1.x. */
async function stimulusDescription(nwb: NwbFile, path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined;
  const attr = await nwb.reader.attr(path, 'stimulus_description').catch(() => undefined);
  if (attr !== undefined && attr !== null) return valueToText(attr);
  const dataset = joinPath(path, 'stimulus_description');
  if ((await nwb.reader.entry(dataset))?.kind !== 'dataset') return undefined;
  const value = await nwb.reader.scalar(dataset).catch(() => undefined);
  return value === undefined || value === null ? undefined : valueToText(value);
}

async function clampMode(nwb: NwbFile, path: string | undefined): Promise<Sweep['clampMode']> {
  if (!path) return undefined;
  const chain = await nwb.chainOf(path);
  if (chain.includes('IZeroClampSeries')) return 'izero';
  if (chain.some(t => t.startsWith('CurrentClamp'))) return 'current';
  if (chain.some(t => t.startsWith('VoltageClamp'))) return 'voltage';
  return undefined;
}

/**
 * Baseline, onset and amplitude of a stimulus from its min/max reduced samples; the onset is then
 * found to the sample in the raw samples of the column that holds it.
 */
async function measureSeries(nwb: NwbFile, path: string): Promise<Sweep['shape']> {
  const info = await seriesInfo(nwb, path);
  const whole = { path, t0: info.tStart, t1: info.tEnd, channels: [0] };
  const window = await seriesWindow(nwb, info, { ...whole, pixels: MEASURE_COLUMNS });
  if (window.mode === 'raw') {
    const values = new Float32Array(window.values).subarray(0, window.count);
    return measureStimulus({ time: new Float64Array(window.time), min: values, max: values }, info.unit)
      .shape;
  }
  const time = new Float64Array(window.time);
  const min = new Float32Array(window.min).subarray(0, window.columns);
  const max = new Float32Array(window.max).subarray(0, window.columns);
  const { shape, onsetColumn, onsetTolerance } = measureStimulus({ time, min, max }, info.unit);
  if (onsetColumn === undefined || !window.exact) return shape;
  const t1 = onsetColumn + 1 < time.length ? time[onsetColumn + 1] : info.tEnd;
  const column = await seriesWindow(nwb, info, { ...whole, t0: time[onsetColumn], t1, pixels: 10_000 });
  if (column.mode !== 'raw') return shape;
  const at = firstDeparture(new Float32Array(column.values), shape.baseline, onsetTolerance);
  return at >= 0 ? { ...shape, onset: new Float64Array(column.time)[at] } : shape;
}
