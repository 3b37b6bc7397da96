/**
 * The core value types of the viewer protocol: the view kinds, the `init` reply, the overview,
 * inspection and view resolution, the raw HDF5 replies (walk, slice, CSV export) and the small types
 * every view shares (ValueStats, the session clock). The views' own replies live in seriesTypes.ts,
 * tableTypes.ts, icephysSpatialTypes.ts and spikeSortingTypes.ts, which build on this module and
 * never the other way; src/shared/protocol.ts re-exports them all. No `vscode` and no DOM imports.
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
