/**
 * Replies of the table views: a DynamicTable's columns and rows, the Units raster and waveforms, a
 * TimeIntervals timeline, and the trial-aligned (PSTH) view's options, filters, parameters and
 * result. Kept apart from protocolTypes.ts so the views' types stay together by domain;
 * protocol.ts names them in HostMethods. No `vscode`, no DOM.
 */
import type { H5Value } from '../hdf5/types';

/** One column of a DynamicTable. */
export interface ColumnInfo {
  name: string;
  description?: string;
  /** scalar: one value per row; ragged: via `<name>_index`; region: DynamicTableRegion; reference: object refs; array: N-D per row. */
  kind: 'scalar' | 'ragged' | 'region' | 'reference' | 'array';
  dtype: string;
  /** DynamicTableRegion (also a ragged one, kind `ragged`): path of the target table. */
  target?: string;
  /** Rows in the column (differs from the table's row count only in broken files). */
  length: number;
}

/** Reply to `table/info`. */
export interface TableInfo {
  path: string;
  neurodataType?: string;
  description?: string;
  rowCount: number;
  columns: ColumnInfo[];
}

/** Reply to `table/rows`: a window of rows. */
export interface TableRows {
  start: number;
  /** Row ids (the `id` column). */
  ids: number[];
  /** Column names, in the order of cells. */
  columns: string[];
  /** `rows[r][c]`: scalar values; ragged cells are arrays (cut to 100 items with `{more: n}` appended);
   *  region cells are row indices; references are `{ref: path}`. */
  rows: H5Value[][]; /** Sorted rows (`order` given): the table row index of each row. */
  rowIndices?: number[];
}

/** Reply to `units/raster`. */
export interface UnitsRaster {
  path: string;
  /** All units in the table. */
  unitCount: number;
  /** The page: unit row indices, ids and labels. */
  units: { row: number; id: number; label: string }[];
  /** Uint32 ArrayBuffer, units.length + 1 offsets into `times`. */
  offsets: ArrayBuffer;
  /** Float64 ArrayBuffer, spike times in [t0, t1], seconds. */
  times: ArrayBuffer;
  t0: number;
  t1: number;
  /** Time range of all spikes of the page (for the initial window). */
  tMin: number;
  tMax: number;
}

/** Reply to `units/waveform`. */
export interface UnitWaveform {
  unit: number;
  channel: number;
  /** Channels available in waveform_mean (1 for 2-D). */
  channelCount: number;
  sampleCount: number;
  /** Float32 ArrayBuffers; `sd` when waveform_sd exists. */
  mean: ArrayBuffer;
  sd?: ArrayBuffer;
  /** Sampling rate of the waveform, when the table says (`waveform_rate` or `sampling_rate`). */
  rate?: number;
  /** Physical unit of the samples, when the table says (`waveform_unit`). */
  valueUnit?: string;
}

/** Reply to `intervals`: a TimeIntervals table as a timeline. */
export interface IntervalsTimeline {
  path: string;
  rowCount: number;
  /** Float64 ArrayBuffers, one per row (up to `maxRows`). */
  start: ArrayBuffer;
  stop: ArrayBuffer;
  /** Categorical column used to colour rows (e.g. `tags` or a text column), when one exists. */
  labelColumn?: string;
  labels?: string[];
  /** Other columns (for the table view). */
  columns: string[];
  tMin: number;
  tMax: number;
  truncated: boolean;
}

/** A table the trial-aligned view can use, with the columns it offers (reply to `psth/options`). */
export interface PsthTable {
  path: string;
  rowCount: number;
  /** Numeric one-value-per-row columns: event times to align on (intervals), quality measures (units). */
  numberColumns: string[];
  /** Columns to group trials by or filter units on: text, numbers or booleans, one value per row (`tags` too). */
  groupColumns: string[];
}

/** Reply to `psth/options`: the file's Units and TimeIntervals tables. */
export interface PsthOptions {
  units: PsthTable[];
  intervals: PsthTable[];
}

/** A test on one column of the Units table, e.g. `quality == 'good'` or `isi_violations < 0.5`. */
export interface UnitFilter {
  column: string;
  op: '==' | '!=' | '<' | '<=' | '>' | '>=';
  value: string | number;
}

/** Reply to `psth/units`: the units that pass every filter. */
export interface PsthUnitList {
  path: string;
  unitCount: number;
  units: { row: number; id: number; label: string }[];
}

/** Parameters of `psth`. */
export interface PsthParams {
  /** The Units table and the rows of the units to align (at most 16). */
  units: string;
  unitRows: number[];
  /** The TimeIntervals table whose rows are the trials. */
  intervals: string;
  /** The column of event times to align on (start_time, stop_time, stim_on_time, ...). */
  align: string;
  /** The column whose values group the trials; all trials form one group when absent. */
  groupBy?: string;
  /** Seconds before and after the event, and the bin width in seconds. */
  pre: number;
  post: number;
  binWidth: number;
}

/** Reply to `psth`: per unit and group of trials, the aligned spikes and their histogram. */
export interface PsthResult {
  units: string;
  intervals: string;
  align: string;
  groupBy?: string;
  /** The window as computed: bins [-pre + k × binWidth, -pre + (k+1) × binWidth); `post` is completed to a whole bin. */
  pre: number;
  post: number;
  binWidth: number;
  binCount: number;
  /** Trials used (with a finite event time) and left out (no event time). */
  trialCount: number;
  skippedTrials: number;
  /** Groups in display order; `trials` are Uint32 ArrayBuffers of the intervals' row indices. */
  groups: { label: string; trials: ArrayBuffer }[];
  perUnit: PsthUnit[];
}

export interface PsthUnit {
  row: number;
  id: number;
  label: string;
  /** Spikes of the unit in the whole recording. */
  spikeCount: number;
  /** Set when the raster's relative times were cut to stay bounded (counts stay complete). */
  truncated: boolean;
  /** One entry per group of {@link PsthResult.groups}, in the same order. */
  groups: {
    /** Uint32 ArrayBuffer: trials + 1 offsets into `times`. */
    offsets: ArrayBuffer;
    /** Float64 ArrayBuffer: spike times relative to the event, seconds. */
    times: ArrayBuffer;
    /** Uint32 ArrayBuffer: spikes per bin over the group's trials. */
    counts: ArrayBuffer;
    /** Float64 ArrayBuffer: counts / (trials × binWidth), Hz. */
    rate: ArrayBuffer;
  }[];
}
