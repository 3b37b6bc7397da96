/**
 * The value types of the viewer protocol (src/shared/protocol.ts re-exports all of them): what the
 * host's replies carry. No `vscode` and no DOM imports.
 */
import type { DatasetInfo, Dtype, H5Attribute, H5Entry, H5Value } from '../hdf5/types';

/** HDF5 shapes the webview handles itself; re-exported so media/ imports only from src/shared. */
export type { H5Entry, H5Value };

/**
 * Every view the viewer has. Each kind has one entry in the host's registry (src/nwb/viewRegistry.ts:
 * which objects, which requests) and one in the webview's (media/viewer/views/registry.ts: how it
 * draws); both are typed against this list, so a kind without its two entries does not compile.
 */
export const VIEW_KINDS = [
  'overview', // the NWBFile root: pynwb-style fields and sections
  'timeseries', // TimeSeries family: series/info + series/window (ElectricalSeries, RoiResponseSeries, ...)
  'imageSeries', // ImageSeries / TwoPhotonSeries / OnePhotonSeries with internal 3-D/4-D data: image/frame
  'image', // Image datasets (GrayscaleImage, RGBImage, RGBAImage): image/frame
  'images', // Images group: a gallery of image/frame
  'planeSegmentation', // rois
  'table', // DynamicTable (generic): table/info + table/rows
  'units', // Units: units/raster, units/waveform and the table
  'intervals', // TimeIntervals (trials, epochs, ...): intervals + the table
  'icephys', // icephys sweeps: icephys/sweeps then series/window per sweep
  'spatial', // SpatialSeries / Position / PoseEstimationSeries: spatial/trajectory
  'pose', // ndx-pose PoseEstimation: spatial/trajectory with a skeleton
  'dataset', // any dataset: dataset/slice (line / heatmap / values)
  'group', // any group: children + attributes
  'psth', // Units against TimeIntervals (either side): psth/options, psth/units, psth
  'align', // the NWBFile root: chosen series, units, intervals and events stacked on one time axis
  'events', // AnnotationSeries, ndx-events Events/LabeledEvents/TTLs, text TimeSeries: events
  'spikeEvents', // SpikeEventSeries / EventWaveform: spikeEvents (snippets overlaid per channel, event times)
  'clustering', // Clustering: clustering (event times by cluster number, peak_over_rms)
  'clusterWaveforms', // ClusterWaveforms: clusterWaveforms (mean ± sd per cluster)
  'features', // FeatureExtraction: features (two features per event, coloured by time)
  'depthHeatmap', // depth × time by definition (CSD): depth/layout + series/window as a heatmap
  'channelHeatmap', // any series with many channels (> 64): the same heatmap beside its traces
] as const;

/** Which view the webview shows for an object (chosen by the host from neurodata_type + inheritance). */
export type ViewKind = (typeof VIEW_KINDS)[number];

/** Where the file is read from. */
export type SourceDescription =
  | { kind: 'local'; path: string }
  | { kind: 'dandi'; apiUrl: string; assetId: string; dandisetId: string; version: string; path: string };

/** What the header shows; sent in the `init` reply. */
export interface ViewerFileInfo {
  /** File name, e.g. `sub-01_ses-1.nwb`. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** NWB version (e.g. `2.7.0`), or null for plain HDF5. */
  nwbVersion: string | null;
  /** A path or an asset description people can read, e.g. `DANDI 000003/draft sub-01/x.nwb`. */
  sourceLabel: string;
  source: SourceDescription;
  /** Bytes fetched from disk or network so far (updated by the `stats` event). */
  bytesFetched: number;
}

/** Reply to `init`. */
export interface InitResult {
  protocol: number;
  file: ViewerFileInfo;
  /** Which editor opened it: the NWB viewer starts on the overview, the HDF5 viewer on the raw tree. */
  mode: 'nwb' | 'hdf5';
  /** Settings the webview needs for its first paint. */
  settings: { maxSliceElements: number };
  /** Path to select at start, when the host knows one (e.g. a deep link). */
  initialPath?: string;
}

/** One object listed in an overview section, with a one-line summary. */
export interface ObjectSummary {
  name: string;
  path: string;
  kind: 'group' | 'dataset' | 'link';
  neurodataType?: string;
  /** e.g. `(300000, 32) float32 · 10 s at 30 kHz · unit volts` or `120 rows`. */
  summary: string;
  /** The view the viewer would open for it. */
  view: ViewKind;
}

/** A labelled value of the overview (pynwb field name and its value as text). */
export interface OverviewField {
  /** pynwb name, e.g. `session_start_time`. */
  name: string;
  /** Label people read, e.g. `Session start time`. */
  label: string;
  /** Text (strings joined with `, ` for arrays). */
  value: string;
  /** HDF5 path it came from. */
  path: string;
}

export interface OverviewSection {
  /** pynwb name: acquisition, processing, stimulus, intervals, units, electrodes, imaging_planes, ... */
  name: string;
  label: string;
  /** HDF5 group, e.g. `/processing/ecephys`. */
  path: string;
  items: ObjectSummary[];
}

/** Reply to `nwb/overview`: the NWBFile as pynwb prints it. */
export interface NwbOverview {
  nwbVersion: string | null;
  /** Top-level fields: session_description, identifier, session_start_time, ... (only those present). */
  fields: OverviewField[];
  /** Subject fields (subject_id, species, sex, age, genotype, description, ...), when /general/subject exists. */
  subject: OverviewField[];
  /** Devices, electrode groups, imaging planes: name + description. */
  devices: ObjectSummary[];
  /** acquisition, processing modules (one section each), stimulus, intervals, units, electrodes, imaging planes, ... */
  sections: OverviewSection[];
  /** Extension namespaces found under /specifications, e.g. `ndx-pose 0.1.1`. */
  namespaces: string[];
}

/** The documentation of one type in an inheritance chain. */
export interface TypeDoc {
  neurodataType: string;
  namespace: string;
  /** The type's `doc` from the embedded schema (or the built-in table). */
  doc: string;
  /** Parent type, if any. */
  parent?: string;
  /** Documented fields of this type (datasets, attributes, groups): name and doc. */
  fields: { name: string; doc: string; kind: 'dataset' | 'attribute' | 'group' | 'link' }[];
}

/** Reply to `inspect`: h5dump -H -p level, plus the schema docs. */
export interface Inspection {
  entry: H5Entry;
  attributes: H5Attribute[];
  /** Datasets only: dtype, shape, maxshape, chunks, filters, storage size. */
  dataset?: DatasetInfo;
  /** `storageSize / (size * dtype.size)`, when both are known. */
  compressionRatio?: number;
  /** The type and its ancestors, most specific first (empty for objects without neurodata_type). */
  typeChain: TypeDoc[];
}

/** Reply to `view/resolve`. */
export interface ViewResolution {
  path: string;
  view: ViewKind;
  neurodataType?: string;
  /** The type followed by its ancestors, e.g. ['PoseEstimationSeries', 'SpatialSeries', 'TimeSeries', 'NWBDataInterface', 'NWBContainer', 'Container']. */
  inheritance: string[];
  /** Other views that make sense for the object (the raw `group`/`dataset` view is always last). */
  alternatives: ViewKind[];
}

/** How a TimeSeries' time axis is defined. */
export type Timing =
  | { kind: 'rate'; startingTime: number; rate: number }
  | { kind: 'timestamps'; path: string; first: number; last: number }
  | { kind: 'none' };

/** Reply to `series/info`. */
export interface SeriesInfo {
  path: string;
  neurodataType?: string;
  description?: string;
  /** Physical unit of `data * conversion + offset`. */
  unit: string;
  conversion: number;
  offset: number;
  resolution?: number;
  /** Path of the dataset holding the samples (usually `<path>/data`; may be a link target). */
  dataPath: string;
  dtype: Dtype;
  shape: number[];
  /** Samples along time (shape[0]). */
  sampleCount: number;
  /** Columns after the time axis (product of shape[1..]); 1 for 1-D data. */
  channelCount: number;
  timing: Timing;
  /** Time of the first and last sample, in seconds. */
  tStart: number;
  tEnd: number;
  /** Chunk shape of the data, so the view can warn about (N, 1) chunking. */
  chunks: number[] | null;
  /** One label per channel (ElectricalSeries: electrode id / location / group; RoiResponseSeries: ROI id). */
  channelLabels?: string[];
  /** ElectricalSeries: electrode table rows the channels map to. */
  electrodeRows?: number[];
}

/** Parameters of `series/window`. */
export interface SeriesWindowParams {
  path: string;
  /** Time window in seconds (clamped to the series). */
  t0: number;
  t1: number;
  /** Channel indices (a page of channels); empty = channel 0. */
  channels: number[];
  /** Width in pixels: the reply holds at most this many min/max columns. */
  pixels: number;
}

/** Reply to `series/window`: either raw samples (few) or min/max per pixel column. */
export type SeriesWindow =
  | {
      mode: 'raw';
      /** First sample index and count in the series. */
      sampleStart: number;
      count: number;
      channels: number[];
      /** Float64 ArrayBuffer, `count` times in seconds. */
      time: ArrayBuffer;
      /** Float32 ArrayBuffer, channel-major: `values[c * count + i]`, in `unit`. */
      values: ArrayBuffer;
      unit: string;
      /** What the values of the window hold (NaN count, range), for the view's data note. */
      stats: ValueStats;
    }
  | {
      mode: 'minmax';
      sampleStart: number;
      /** Samples covered by the window. */
      sampleCount: number;
      columns: number;
      channels: number[];
      /** Float64 ArrayBuffer, `columns` start times in seconds (column i covers [time[i], time[i+1])). */
      time: ArrayBuffer;
      /** Float32 ArrayBuffers, channel-major `[c * columns + i]`; NaN where a column has no sample. */
      min: ArrayBuffer;
      max: ArrayBuffer;
      /** True when every sample of the window was read; false for a sparse (strided-chunk) overview. */
      exact: boolean;
      unit: string;
      /** What the samples read for the window hold (all of them when `exact`, else the probes). */
      stats: ValueStats;
      /** Which overview this is, for a window too long to read at once (absent: read in full). */
      overview?: OverviewStatus;
    };

/** Which overview a min/max window shows: sparse probes, refining in the background, or exact. */
export interface OverviewStatus {
  state: 'sparse' | 'refining' | 'exact';
  /** Fraction of the dataset the background refinement has read (1 when exact). */
  progress: number;
  /** `series/refine` can sharpen this window (the series' min/max pyramid resolves it). */
  refinable: boolean;
  /** The refinement's progress counter: pass it back as `since` to `series/refine`. */
  version: number;
}

/** Reply to `image/frame`. */
export interface ImageFrame {
  path: string;
  width: number;
  height: number;
  /** 1 grayscale, 3 RGB, 4 RGBA. */
  channels: 1 | 3 | 4;
  /**
   * Float32 ArrayBuffer, row-major `[(row * width + col) * channels + c]`; `height` is the dataset's
   * first image axis (NWB `x`), `width` its second (NWB `y`), as pynwb/matplotlib `imshow` shows it.
   */
  data: ArrayBuffer;
  /** Contrast statistics over the frame (all channels). */
  min: number;
  max: number;
  /** 1st and 99th percentiles, a good default contrast window. */
  p1: number;
  p99: number;
  /** Frames in the series (1 for a single image) and which one this is. */
  frameCount: number;
  index: number;
  /** 4-D (volumetric) series: number of planes and the one shown. */
  planeCount: number;
  plane: number;
  /** Time of the frame in seconds, for series. */
  time?: number;
  unit?: string;
  /** What the frame's values hold (NaN count, range), for the view's data note. */
  stats: ValueStats;
}

/** Reply to `rois`. */
export interface RoiSet {
  path: string;
  /** Image size the masks live in (image_mask's shape [roi, height, width], the summary image, or max coordinate + 1). */
  width: number;
  height: number;
  roiCount: number;
  /** ROI ids from the table's `id` column. */
  ids: number[];
  /** Uint32 ArrayBuffer, roiCount + 1 offsets into x/y/weight (ROI r has pixels offsets[r]..offsets[r+1]). */
  offsets: ArrayBuffer;
  /**
   * Uint32 ArrayBuffers of pixel coordinates in NWB's convention: `x` is image_mask's axis 1 and
   * pixel_mask's `x`, which is the ROW of the matching {@link ImageFrame} (`height` axis); `y` is
   * axis 2 / pixel_mask `y`, the COLUMN (`width` axis). So draw ROI pixel i at
   * (left = y[i], top = x[i]) over the summary image.
   */
  x: ArrayBuffer;
  y: ArrayBuffer;
  /** Uint32 ArrayBuffer of plane indices, only for 3-D (voxel) masks. */
  z?: ArrayBuffer;
  /** Float32 ArrayBuffer of weights. */
  weight: ArrayBuffer;
  /** Which representation the table had. */
  maskKind: 'image_mask' | 'pixel_mask' | 'voxel_mask';
  /** A summary image of the same imaging plane (mean / max projection / first frame of the series), if found. */
  summaryImage?: ImageFrame;
  /** RoiResponseSeries whose `rois` region points at this table: open with series/window (channels = ROI rows). */
  responses: { path: string; name: string; neurodataType?: string }[];
  /** ROIs beyond this many are left out (roiCount is the total). */
  truncated: boolean;
}

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

/** Reply to `events`: a time per event and, when the object has them, a text per event. */
export interface EventList {
  path: string;
  /** Events in the object (more than `times` holds when truncated). */
  total: number;
  /** Float64 ArrayBuffer of event times in seconds (up to `maxEvents`). */
  times: ArrayBuffer;
  /** Text per event: the data (AnnotationSeries) or the `labels` the data index (LabeledEvents). */
  labels?: string[];
  labelSource?: 'data' | 'labels';
  tMin: number;
  tMax: number;
  truncated: boolean;
}

/** One sweep: response series plus its stimulus. */
export interface Sweep {
  index: number;
  sweepNumber?: number;
  response?: { path: string; neurodataType?: string; unit?: string };
  stimulus?: { path: string; neurodataType?: string; unit?: string };
  /** Protocol / stimulus description when stored (e.g. `stimulus_description`). */
  label?: string;
  /** What the sweeps are grouped by: `stimulus_description`, else the sequential recording's `stimulus_type`. */
  stimulusName?: string;
  clampMode?: 'current' | 'voltage' | 'izero';
  /** Cells of the sweep's table row and its parents' rows, keyed `table.column` (for filtering). */
  columns?: Record<string, string | number>;
  /** Baseline, onset and amplitude measured from the stimulus data (src/nwb/stimulusShape.ts). */
  shape?: StimulusShape;
}

/** A stimulus as measured from its samples, in the stimulus series' unit. */
export interface StimulusShape {
  /** Holding level before the stimulus. */
  baseline: number;
  /** Step amplitude relative to the baseline: the plateau (`plateau`) or the largest deviation (`peak`). */
  amplitude: number;
  method: 'plateau' | 'peak' | 'flat';
  /** Seconds on the series' clock of the first sample departing from the baseline (after a test pulse). */
  onset?: number;
  unit: string;
}

/** Sweeps sharing one stimulus name (indices into `IcephysSweeps.sweeps`, by amplitude). */
export interface SweepGroup {
  stimulusName: string;
  sweeps: number[];
}

/** Reply to `icephys/sweeps`. */
export interface IcephysSweeps {
  /** Where the pairing came from. */
  source: 'intracellular_recordings' | 'sweep_table' | 'epochs' | 'series';
  sweeps: Sweep[];
  groups: SweepGroup[];
}

/** One trajectory (SpatialSeries) or keypoint (PoseEstimationSeries). */
export interface Trajectory {
  name: string;
  path: string;
  unit: string;
  /** Float64 ArrayBuffer of times; Float32 ArrayBuffers x and y (y absent for 1-D). */
  time: ArrayBuffer;
  x: ArrayBuffer;
  y?: ArrayBuffer;
  /** Float32 ArrayBuffer (ndx-pose confidence), when present. */
  confidence?: ArrayBuffer;
}

/** Reply to `spatial/trajectory`. */
export interface TrajectorySet {
  path: string;
  kind: 'spatial' | 'pose';
  series: Trajectory[];
  /** ndx-pose skeleton: node names and edges as node index pairs. */
  skeleton?: { nodes: string[]; edges: [number, number][] };
  tStart: number;
  tEnd: number;
  /** Every `stride`-th sample was taken to stay under `maxPoints`. */
  stride: number;
  /**
   * How the positions are drawn, decided from what they are: `image` for keypoints in video
   * pixels (y down, origin top-left, as on the video), `arena` for positions in space (y up).
   */
  coordinates: 'image' | 'arena';
  /** Image coordinates: the video frame the keypoints sit in, when the file says (else fit to the data). */
  frame?: { width: number; height: number; source: string };
}

/** Parameters of `dataset/slice`: a hyperslab of any dataset. */
export interface SliceParams {
  path: string;
  start?: number[];
  count?: number[];
  stride?: number[];
}

/** Reply to `dataset/slice`. */
export type DatasetSlice =
  | {
      kind: 'numeric';
      shape: number[];
      dtype: Dtype;
      /** Float64 ArrayBuffer row-major (64-bit integers converted). */
      data: ArrayBuffer;
      min: number;
      max: number;
      /** What the selection's values hold (NaN count, range), for the view's data note. */
      stats: ValueStats;
    }
  | { kind: 'values'; shape: number[]; dtype: Dtype; values: H5Value[] };

/** Parameters of `export/csv`. */
export type CsvExportParams =
  | { what: 'series'; path: string; t0: number; t1: number; channels: number[]; save: boolean }
  | { what: 'table'; path: string; start: number; count: number; save: boolean }
  | ({ what: 'dataset'; save: boolean } & SliceParams);

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

/** One object of a file in `h5/walk`: its path, kind and neurodata type. */
export interface FileObject {
  path: string;
  kind: H5Entry['kind'];
  type?: string;
}

/** Reply to `h5/walk`: every object of the file (cut at a limit, then `truncated`). */
export interface FileObjects {
  objects: FileObject[];
  truncated: boolean;
}

/**
 * What the values behind a reply hold, counted by the host over what it read (src/shared/valueStats.ts):
 * the views say empty, all-NaN and constant data in place instead of drawing nothing.
 */
export interface ValueStats {
  /** Values read. */
  count: number;
  /** How many of them are NaN. */
  nanCount: number;
  /** Smallest and largest value that is not NaN; NaN when there is none. */
  min: number;
  max: number;
}

/** A span of session time in seconds (NWB times, relative to `timestamps_reference_time`). */
export interface TimeSpan {
  start: number;
  end: number;
}

/**
 * The session clock's messages (both ways): the time cursor or the time selection of one file,
 * set in one view; the host relays them to every other open view of the same file.
 */
export type SessionTimeEvent =
  { type: 'time/cursor'; time: number } | { type: 'time/selection'; selection: TimeSpan | null };

/** Reply to `depth/layout`: the series behind a depth × time object and where its channels sit. */
export interface DepthLayout {
  path: string;
  /** The TimeSeries whose `data` are time × channels (the object itself, or its child in a container). */
  seriesPath: string;
  channelCount: number;
  /** One position per channel along the probe; null when none fits (rows are channel indices). */
  positions: number[] | null;
  /** What the positions are ("virtual electrode y position", "probe vertical position", "channel"). */
  positionLabel: string;
  /** Their unit ("µm"), or '' when unknown or for channel indices. */
  positionUnit: string;
  /** Depth × time by definition (CSD): the heatmap is the object's first view. */
  byDefinition: boolean;
  /** Why positions the file has were not used. */
  note?: string;
}
