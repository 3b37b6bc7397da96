/**
 * Replies of the views that read a series along its time axis or as images: a TimeSeries' info and
 * windows (raw samples or min/max overviews), depth × time layouts, event lists, image frames and
 * PlaneSegmentation ROI masks. Kept apart from protocolTypes.ts so the core contract stays short;
 * protocol.ts names them in HostMethods. No `vscode`, no DOM.
 */
import type { Dtype } from '../hdf5/types';
import type { ValueStats } from './protocolTypes';

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
  /** Why the exact overview could not be kept in the cache (the next open reads the data again). */
  notKept?: string;
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
