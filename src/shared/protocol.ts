/**
 * The single typed contract between the NWB viewer's extension host side (src/editor) and its
 * webview (media/viewer). No `vscode` and no DOM imports: both sides compile it.
 *
 * Shape (house-style.md, "Message-protocol pattern"):
 * - {@link HostMethods}: webview → host requests, a map from method name to `{params, result}`.
 *   The webview calls them with `messenger.request('series/window', {...})` and gets a typed promise.
 *   Every request settles: a handler error comes back as a rejected promise with the host's message.
 * - {@link HostEvent}: host → webview notifications; {@link WebviewEvent}: webview → host notifications.
 * - {@link Envelope}: what actually crosses `postMessage`.
 *
 * Start-up: the webview attaches its `message` listener, then calls `init` (the ready handshake);
 * the host answers with everything the first paint needs and only then starts pushing events
 * (anything pushed earlier is queued).
 *
 * Binary data: every typed array crosses as an `ArrayBuffer` holding exactly the array's bytes
 * (see src/shared/binary.ts). Field docs name the element type, e.g. "Float64 ArrayBuffer".
 *
 * Cancellation: when the webview navigates away it sends `{kind:'cancel', id}` for each request
 * still running; the host aborts that handler's AbortSignal and replies with an error
 * `code: 'cancelled'` (the webview ignores it).
 *
 * Render completion (for the VS Code and end-to-end tests): once a view has drawn the data it asked
 * for, the webview sets `data-state="ready"` (or `"error"`) together with `data-view=<ViewKind>`
 * and `data-path=<path>` on the element `#view`, and sends the {@link WebviewEvent} `rendered`.
 * While a view loads it sets `data-state="loading"`. Tests wait on these instead of sleeping.
 */
import type { DatasetInfo, H5Attribute, H5Entry, SourceStats } from '../hdf5/types';
import type { IcephysSweeps, TrajectorySet } from './icephysSpatialTypes';
import type {
  CsvExportParams,
  DatasetSlice,
  FileObjects,
  InitResult,
  Inspection,
  NwbOverview,
  SessionTimeEvent,
  SliceParams,
  ViewKind,
  ViewResolution,
} from './protocolTypes';
import type {
  DepthLayout,
  EventList,
  ImageFrame,
  RoiSet,
  SeriesInfo,
  SeriesWindow,
  SeriesWindowParams,
} from './seriesTypes';
import type { ClusteringEvents, ClusterWaveformSet, FeatureValues, SpikeSnippets } from './spikeSortingTypes';
import type {
  IntervalsTimeline,
  PsthOptions,
  PsthParams,
  PsthResult,
  PsthUnitList,
  TableInfo,
  TableRows,
  UnitFilter,
  UnitsRaster,
  UnitWaveform,
} from './tableTypes';

/** Bumped on any incompatible change; the webview sends it in `init` and the host refuses a mismatch. */
export const PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Envelope

/** Every message is tagged so stray messages (e.g. from VS Code or extensions) are dropped. */
export const ENVELOPE_TAG = 'dandi-nwb';

export type Envelope =
  /** A request; `id` is unique per sender. */
  | { tag: typeof ENVELOPE_TAG; kind: 'req'; id: number; method: string; params: unknown }
  /** A successful reply to request `id`. */
  | { tag: typeof ENVELOPE_TAG; kind: 'ok'; id: number; result: unknown }
  /** A failed reply to request `id`; `code` is `cancelled`, `timeout`, `unknown-method`, an Hdf5ErrorCode, ... */
  | { tag: typeof ENVELOPE_TAG; kind: 'err'; id: number; message: string; code?: string }
  /** Asks the receiver to abort the work for request `id` it received earlier. */
  | { tag: typeof ENVELOPE_TAG; kind: 'cancel'; id: number }
  /** A notification. */
  | { tag: typeof ENVELOPE_TAG; kind: 'event'; event: { type: string } };

// ---------------------------------------------------------------------------------------------
// Value types (in protocolTypes.ts and the views' modules beside it, to keep this file about the messages)

export type * from './protocolTypes';
export type * from './seriesTypes';
export type * from './tableTypes';
export type * from './icephysSpatialTypes';
export type * from './spikeSortingTypes';
export { VIEW_KINDS } from './protocolTypes';

// ---------------------------------------------------------------------------------------------
// Requests: webview → host

/** Every request the webview may send, with its parameters and result. */
export interface HostMethods {
  /** The ready handshake: the webview calls it once its listener is attached. */
  init: { params: { protocol: number }; result: InitResult };
  /** The NWBFile fields and sections, pynwb-style. */
  'nwb/overview': { params: Record<string, never>; result: NwbOverview };
  /** Children of a group (raw view, lazy per expansion); `offset`/`limit` page very large groups. */
  'h5/children': {
    params: { path: string; offset?: number; limit?: number };
    result: { entries: H5Entry[]; total: number };
  };
  'h5/attributes': { params: { path: string }; result: H5Attribute[] };
  /** Every object path of the file with its kind and type (walked once, cached): the filter searches it. */
  'h5/walk': { params: Record<string, never>; result: FileObjects };
  'h5/datasetInfo': { params: { path: string }; result: DatasetInfo };
  /** Attributes, storage details and schema docs of one object. */
  inspect: { params: { path: string }; result: Inspection };
  /** Which view to show for a path. */
  'view/resolve': { params: { path: string }; result: ViewResolution };
  'series/info': { params: { path: string }; result: SeriesInfo };
  /** Decimated (min/max per pixel column) or raw samples of a time window. */
  'series/window': { params: SeriesWindowParams; result: SeriesWindow };
  /**
   * The same window from the series' min/max pyramid once its background refinement has advanced
   * past `since` (at most every few hundred ms) or finished: long-polled by the webview, whose
   * cancel (the user moved on) lets the background reads stop.
   */
  'series/refine': { params: SeriesWindowParams & { since: number }; result: SeriesWindow };
  /** A frame of an image, image series (`index`) or volume (`plane`). */
  'image/frame': { params: { path: string; index?: number; plane?: number }; result: ImageFrame };
  /** ROI masks of a PlaneSegmentation, at most `limit` ROIs (default 2000). */
  rois: { params: { path: string; limit?: number }; result: RoiSet };
  'table/info': { params: { path: string }; result: TableInfo };
  /** Rows [start, start+count) of a DynamicTable (count capped at 500). */
  'table/rows': {
    params: {
      path: string;
      start: number;
      count: number;
      columns?: string[];
      /** Rows sorted by a scalar column (or `id`); NaN and empty cells last. */
      order?: { column: string; descending: boolean };
    };
    result: TableRows;
  };
  /** Spike times of units [unitStart, unitStart+unitCount) in [t0, t1] (all time when omitted). */
  'units/raster': {
    params: { path: string; unitStart: number; unitCount: number; t0?: number; t1?: number };
    result: UnitsRaster;
  };
  'units/waveform': { params: { path: string; unit: number; channel?: number }; result: UnitWaveform };
  /** The file's Units and TimeIntervals tables with the columns the trial-aligned view offers. */
  'psth/options': { params: Record<string, never>; result: PsthOptions };
  /** The units of a Units table that pass every filter. */
  'psth/units': { params: { path: string; filters: UnitFilter[] }; result: PsthUnitList };
  /** Trial-aligned rasters and PSTHs of units against a TimeIntervals table. */
  psth: { params: PsthParams; result: PsthResult };
  /** A TimeIntervals table as a timeline (at most `maxRows`, default 10000). */
  intervals: { params: { path: string; maxRows?: number }; result: IntervalsTimeline };
  /** An event list (AnnotationSeries, ndx-events): times and texts, at most `maxEvents` (default 200000). */
  events: { params: { path: string; maxEvents?: number }; result: EventList };
  /** Sweeps of the file (path `/`) or of one icephys table / series group. */
  'icephys/sweeps': { params: { path: string }; result: IcephysSweeps };
  /** SpatialSeries / Position / PoseEstimation(Series) trajectories, at most `maxPoints` per series. */
  'spatial/trajectory': {
    params: { path: string; t0?: number; t1?: number; maxPoints?: number };
    result: TrajectorySet;
  };
  /** Depth × time data: the series behind the object and the depth of each of its channels. */
  'depth/layout': { params: { path: string }; result: DepthLayout };
  /** A hyperslab of any dataset (capped by the `dandi.viewer.maxSliceElements` setting). */
  'dataset/slice': { params: SliceParams; result: DatasetSlice };
  /** Python that opens exactly this object (DANDI streaming or local pynwb). */
  'snippet/python': { params: { path: string }; result: { code: string } };
  /** The shown data as CSV; with `save` the host asks where to save it and returns the path (undefined if cancelled). */
  'export/csv': { params: CsvExportParams; result: { csv?: string; savedTo?: string; rows: number } };
  /** The webview's canvas as PNG bytes; the host asks where to save. */
  'export/png': { params: { suggestedName: string; png: ArrayBuffer }; result: { savedTo?: string } };
  // requested by webview: the header's "Copy Python snippet" puts text on the clipboard through
  // vscode.env.clipboard (navigator.clipboard is not reliable inside webview iframes).
  'clipboard/write': { params: { text: string }; result: { ok: boolean } };
  // requested by webview: the header's "Download" button runs dandi.viewer.downloadFile for this document.
  'file/download': { params: Record<string, never>; result: { started: boolean } };
  // requested by webview: the pose view's "Show on video" runs dandi.openVideo with this file as the
  // pose (the video viewer finds the video); `frame` is the pose sample shown, the video frame for
  // per-frame pose (DeepLabCut, SLEAP, IBL).
  'video/show': { params: { path: string; frame?: number }; result: { started: boolean } };
  /** Opens an ImageSeries' `external_file` (a video beside the NWB file) in the video viewer. */
  'video/openExternal': { params: { file: string }; result: { started: boolean } };
  // requested by webview: the header's "Open as notebook" runs dandi.openAsNotebook for this object.
  'notebook/open': { params: { path: string }; result: { opened: boolean } };
  /** Snippets of a SpikeEventSeries (or of `series`, one of an EventWaveform's), at most `maxSnippets` (default 200). */
  spikeEvents: {
    params: { path: string; series?: string; maxSnippets?: number };
    result: SpikeSnippets;
  };
  /** A Clustering's event times and cluster numbers, at most `maxEvents` (default 200000, evenly sampled). */
  clustering: { params: { path: string; maxEvents?: number }; result: ClusteringEvents };
  /** A ClusterWaveforms' mean ± sd waveform per cluster, at most `maxClusters` (default 64). */
  clusterWaveforms: { params: { path: string; maxClusters?: number }; result: ClusterWaveformSet };
  /** One channel's features of a FeatureExtraction for at most `maxEvents` events (default 5000, evenly sampled). */
  features: { params: { path: string; channel?: number; maxEvents?: number }; result: FeatureValues };
}

/** A box on screen, in CSS pixels (of the chart's canvas for tick labels, else of the webview). */
export interface ReadBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** What one chart drew: axis titles, tick label boxes (canvas pixels), the canvas size and place. */
export interface PlotReading {
  xLabel: string;
  yLabel: string;
  xTicks: (ReadBox & { text: string })[];
  yTicks: (ReadBox & { text: string })[];
  width: number;
  height: number;
  /** The stacked traces' amplitude scale bar label, null without one. */
  scaleBar: string | null;
  canvas: ReadBox;
  /** Line plots: the x extent of each unbroken run of the first trace (a break is where it stops). */
  lines?: [number, number][];
}

/** Labels laid out in the DOM beside an image (pixel rulers, colourbar), in webview pixels. */
export interface RulerReading {
  kind: 'colorbar' | 'ruler-x' | 'ruler-y';
  /** The colourbar's unit line ('' for rulers). */
  unit: string;
  labels: (ReadBox & { text: string })[];
}

/** What the shown view drew, for tests that check numbers are readable (nothing overlaps or clips). */
export interface ViewReadings {
  path: string;
  /** The view pane (`#view`), in webview pixels. */
  pane: ReadBox;
  /** The view's header line (`.view-header`: title and summary), '' without one. */
  header: string;
  plots: PlotReading[];
  rulers: RulerReading[];
  /** The series plot's overview badge (`sparse`, `refining n%`, `exact`), '' without one. */
  overview: string;
}

/** Requests the host may send to the webview: only the tests' reading of what the view drew. */
export interface WebviewMethods {
  'test/readings': { params: Record<string, never>; result: ViewReadings };
}
export type WebviewMethodMap = { [M in keyof WebviewMethods]: WebviewMethods[M] };

// ---------------------------------------------------------------------------------------------
// Events

/** Host → webview notifications. */
export type HostEvent =
  /** Bytes fetched / requests so far; pushed while loading and after each request that read data. */
  | { type: 'stats'; stats: SourceStats }
  /** Select and show this path (e.g. from a command), in `view` when given. */
  | { type: 'reveal'; path: string; view?: ViewKind }
  /** The session clock moved in another view of the same file. */
  | SessionTimeEvent;

/** Webview → host notifications. */
export type WebviewEvent =
  /** The user selected an object (the host uses it for `dandi.viewer.copyPythonSnippet`). */
  | { type: 'selection'; path: string; view: ViewKind }
  /** A view finished drawing (the same moment `#view` gets `data-state`). */
  | {
      type: 'rendered';
      path: string;
      view: ViewKind;
      state: 'ready' | 'error';
      detail?: string;
      /** The data notes the view shows (what the values are: NaN, constant, external files, a fallback). */
      note?: string;
    }
  /** The user set the session's time cursor or selection in this view. */
  | SessionTimeEvent;

/**
 * {@link HostMethods} as a mapped type: an interface has no implicit index signature, so the
 * Messenger's `MethodMap` constraint needs this form on both sides.
 */
export type HostMethodMap = { [M in keyof HostMethods]: HostMethods[M] };
