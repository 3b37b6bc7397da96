/**
 * The host's half of every view, one entry each (h5web's vis registry is the model): which objects
 * it shows, when their data cannot feed it, and the requests it makes of the host with their
 * handlers. The webview's half (how it draws) is media/viewer/views/registry.ts; both are typed
 * against `VIEW_KINDS` (src/shared/protocolTypes.ts), so a kind without an entry does not compile.
 *
 * How src/nwb/views.ts picks views from this table:
 * - the object's type chain (neurodata_type and its ancestors) picks every entry that lists one of
 *   its types in `types`; when none does, the entries whose `untyped` holds;
 * - `accepts` then drops the views the object's data cannot feed;
 * - the entries whose `raw` is the object's HDF5 kind come last (always offered).
 * The order of the entries is the order of the alternatives: the first one left is the default.
 */
import type { H5Entry } from '../hdf5/types';
import type { RequestContext } from '../shared/messenger';
import type { HostMethods, ViewKind } from '../shared/protocol';
import { clusteringEvents, clusterWaveforms } from './clustering';
import { depthLayout, hasManyChannels, isDepthByDefinition } from './depthTime';
import { EVENT_TYPES, eventList } from './events';
import { featureValues } from './features';
import { icephysSweeps } from './icephys';
import { imageFrame } from './images';
import { datasetSlice } from './inspect';
import { intervalsTimeline } from './intervals';
import type { NwbFile } from './nwbFile';
import { channelList, checkPath, columnList, num, optionalNum } from './params';
import { checkPsthParams, psth, psthOptions } from './psth';
import { filteredUnits, filterList, hasPsthPartner } from './psthTables';
import { joinPath } from './reader';
import { roiSet } from './rois';
import { trajectories } from './spatial';
import { tableInfo, tableRows } from './table';
import { orderParam, sortedTableRows } from './tableOrder';
import { spikeSeriesOf, spikeSnippets } from './spikeEvents';
import { seriesRefine } from './seriesRefine';
import { seriesInfo, seriesWindow } from './timeseries';
import { unitTimesRaster } from './unitTimes';
import { unitsRaster, unitWaveform } from './units';

/** What a view's predicates may ask about the object being resolved (answers are cached per resolution). */
export interface ViewProbe {
  readonly nwb: NwbFile;
  readonly path: string;
  readonly entry: H5Entry;
  /** The views picked by type (or by `untyped`), before `accepts` filters them. */
  readonly candidates: readonly ViewKind[];
  /** `<path>/data` when it is a dataset (links followed): its shape and dtype class; else null. */
  data(): Promise<{ shape: number[]; dtypeClass: string } | null>;
}

/** Answers one host request for the file `nwb`; parameters come from the webview and are checked here. */
export type ViewHandler<M extends keyof HostMethods> = (
  nwb: NwbFile,
  params: HostMethods[M]['params'],
  ctx: RequestContext,
) => Promise<HostMethods[M]['result']>;

export type ViewHandlers = { [M in keyof HostMethods]?: ViewHandler<M> };

export interface ViewEntry {
  /** Neurodata types it shows, each with its subtypes (e.g. `TimeSeries` also takes ElectricalSeries). */
  types?: readonly string[];
  /** For objects no listed type claims: whether this view fits their structure. */
  untyped?(probe: ViewProbe): Promise<boolean>;
  /** Whether the object's data can feed the view (default: yes). */
  accepts?(probe: ViewProbe): Promise<boolean>;
  /** Offered, last, for every dataset (`dataset`) or every other object (`group`). */
  raw?: 'group' | 'dataset';
  /** The requests this view makes that no other entry answers (a request is answered by one entry). */
  handlers: ViewHandlers;
}

const NUMERIC_CLASSES = ['integer', 'float', 'boolean', 'enum'];

/** A series whose `data` holds numbers along a non-empty first (time) axis. */
async function numericSeries(probe: ViewProbe): Promise<boolean> {
  const data = await probe.data();
  if (!data || data.shape.length === 0 || data.shape[0] === 0) return false;
  return !data.dtypeClass || NUMERIC_CLASSES.includes(data.dtypeClass);
}

async function hasSpatialChildren(probe: ViewProbe): Promise<boolean> {
  for (const child of await probe.nwb.reader.typedChildren(probe.path))
    if (await probe.nwb.isA(child.path, 'SpatialSeries')) return true;
  return false;
}

const hasColnames = async (probe: ViewProbe): Promise<boolean> =>
  (await probe.nwb.reader.attr(probe.path, 'colnames')) !== undefined;

export const VIEWS = {
  /** The NWBFile: pynwb-style fields and sections (from the core request `nwb/overview`). */
  overview: {
    types: ['NWBFile'],
    untyped: async probe => probe.path === '/' && (await probe.nwb.version()) !== null,
    handlers: {},
  },
  /** The NWBFile's time-based objects on one time axis (existing requests: series, units, intervals). */
  align: {
    types: ['NWBFile'],
    untyped: async probe => probe.path === '/' && (await probe.nwb.version()) !== null,
    handlers: {},
  },
  /** ndx-pose PoseEstimation: its keypoint series with the skeleton (`spatial/trajectory`). */
  pose: { types: ['PoseEstimation'], handlers: {} },
  planeSegmentation: {
    types: ['PlaneSegmentation'],
    handlers: {
      rois: (nwb, { path, limit }, { signal }) =>
        roiSet(nwb, checkPath(path), optionalNum(limit, 'limit'), signal),
    },
  },
  /** Units tables, and NWB 1.x UnitTimes (a group per unit) as the same raster. */
  units: {
    types: ['Units', 'UnitTimes'],
    handlers: {
      'units/raster': async (nwb, { path, unitStart, unitCount, t0, t1 }, { signal }) =>
        ((await nwb.isA(checkPath(path), 'UnitTimes')) ? unitTimesRaster : unitsRaster)(
          nwb,
          checkPath(path),
          num(unitStart, 'unitStart'),
          num(unitCount, 'unitCount'),
          optionalNum(t0, 't0'),
          optionalNum(t1, 't1'),
          signal,
        ),
      'units/waveform': (nwb, { path, unit, channel }, { signal }) =>
        unitWaveform(nwb, checkPath(path), num(unit, 'unit'), num(channel, 'channel', 0), signal),
    },
  },
  /** Spike snippets overlaid per channel with the event times (before the series' line plot). */
  spikeEvents: {
    types: ['SpikeEventSeries', 'EventWaveform'],
    // A series with numeric data; an EventWaveform holding at least one series.
    accepts: async probe =>
      (await probe.nwb.isA(probe.path, 'SpikeEventSeries'))
        ? numericSeries(probe)
        : (await spikeSeriesOf(probe.nwb, probe.path)).length > 0,
    handlers: {
      spikeEvents: (nwb, { path, series, maxSnippets }, { signal }) =>
        spikeSnippets(
          nwb,
          checkPath(path),
          series === undefined ? undefined : checkPath(series),
          optionalNum(maxSnippets, 'maxSnippets'),
          signal,
        ),
    },
  },
  clustering: {
    types: ['Clustering'],
    handlers: {
      clustering: (nwb, { path, maxEvents }, { signal }) =>
        clusteringEvents(nwb, checkPath(path), optionalNum(maxEvents, 'maxEvents'), signal),
    },
  },
  clusterWaveforms: {
    types: ['ClusterWaveforms'],
    handlers: {
      clusterWaveforms: (nwb, { path, maxClusters }, { signal }) =>
        clusterWaveforms(nwb, checkPath(path), optionalNum(maxClusters, 'maxClusters'), signal),
    },
  },
  features: {
    types: ['FeatureExtraction'],
    handlers: {
      features: (nwb, { path, channel, maxEvents }, { signal }) =>
        featureValues(
          nwb,
          checkPath(path),
          num(channel, 'channel', 0),
          optionalNum(maxEvents, 'maxEvents'),
          signal,
        ),
    },
  },
  intervals: {
    types: ['TimeIntervals'],
    handlers: {
      intervals: (nwb, { path, maxRows }, { signal }) =>
        intervalsTimeline(nwb, checkPath(path), optionalNum(maxRows, 'maxRows'), signal),
    },
  },
  /** Units against a TimeIntervals table of the file (offered on either): trial-aligned rasters and PSTHs. */
  psth: {
    types: ['Units', 'TimeIntervals'],
    accepts: probe => hasPsthPartner(probe.nwb, probe.path),
    handlers: {
      'psth/options': nwb => psthOptions(nwb),
      'psth/units': (nwb, { path, filters }, { signal }) =>
        filteredUnits(nwb, checkPath(path), filterList(filters), signal),
      psth: (nwb, params, { signal }) => psth(nwb, checkPsthParams(params), signal),
    },
  },
  /** ImageSeries with their frames inside the file (3-D or 4-D data). */
  imageSeries: {
    types: ['ImageSeries'],
    // Frames inside the file, or stored in external files (the view names them and counts the frames).
    accepts: async probe =>
      ((await numericSeries(probe)) && ((await probe.data())?.shape.length ?? 0) >= 3) ||
      probe.nwb.reader.exists(joinPath(probe.path, 'external_file')),
    handlers: {
      'image/frame': (nwb, { path, index, plane }, { signal }) =>
        imageFrame(nwb, checkPath(path), num(index, 'index', 0), num(plane, 'plane', 0), signal),
    },
  },
  spatial: {
    types: ['SpatialSeries', 'Position', 'CompassDirection', 'EyeTracking'],
    accepts: async probe => (await probe.data()) !== null || hasSpatialChildren(probe),
    handlers: {
      'spatial/trajectory': (nwb, { path, t0, t1, maxPoints }, { signal }) =>
        trajectories(
          nwb,
          checkPath(path),
          optionalNum(t0, 't0'),
          optionalNum(t1, 't1'),
          optionalNum(maxPoints, 'maxPoints'),
          signal,
        ),
    },
  },
  /** Event lists: a time (and a text) per event, drawn as ticks and a table (before the line plot). */
  events: {
    types: [...EVENT_TYPES, 'TimeSeries'],
    // The event types always; any other series when its data are text (a line plot cannot show them).
    accepts: async probe => {
      const chain = await probe.nwb.chainOf(probe.path);
      if (EVENT_TYPES.some(t => chain.includes(t))) return true;
      return (await probe.data())?.dtypeClass === 'string';
    },
    handlers: {
      events: (nwb, { path, maxEvents }, { signal }) =>
        eventList(nwb, checkPath(path), optionalNum(maxEvents, 'maxEvents'), signal),
    },
  },
  /** Depth × time by definition (CSD over virtual channels): a heatmap, before the traces. */
  depthHeatmap: {
    types: ['TimeSeries', 'EcephysCSD'],
    // An extension container of no known type is judged by its structure (a series and positions).
    untyped: async probe => probe.entry.kind === 'group' && isDepthByDefinition(probe.nwb, probe.path),
    accepts: probe => isDepthByDefinition(probe.nwb, probe.path),
    handlers: { 'depth/layout': (nwb, { path }) => depthLayout(nwb, checkPath(path)) },
  },
  timeseries: {
    types: ['TimeSeries'],
    // A group with `data` and a time axis is a series even without a type (but a table wins).
    untyped: async probe => {
      if (probe.entry.kind !== 'group' || (await hasColnames(probe))) return false;
      const data = await probe.nwb.reader.entry(joinPath(probe.path, 'data'));
      const time =
        (await probe.nwb.reader.exists(joinPath(probe.path, 'timestamps'))) ||
        (await probe.nwb.reader.exists(joinPath(probe.path, 'starting_time')));
      return data?.kind === 'dataset' && time;
    },
    // Frames (more than 2-D) are the image view's when it is offered.
    accepts: async probe =>
      (await numericSeries(probe)) &&
      !(((await probe.data())?.shape.length ?? 0) > 2 && probe.candidates.includes('imageSeries')),
    handlers: {
      'series/info': (nwb, { path }) => seriesInfo(nwb, checkPath(path)),
      'series/window': async (nwb, params, { signal }) => {
        const checked = {
          path: checkPath(params.path),
          t0: num(params.t0, 't0'),
          t1: num(params.t1, 't1'),
          channels: channelList(params.channels),
          pixels: num(params.pixels, 'pixels'),
        };
        return seriesWindow(nwb, await seriesInfo(nwb, checked.path), checked, signal);
      },
      'series/refine': async (nwb, params, { signal }) => {
        const checked = {
          path: checkPath(params.path),
          t0: num(params.t0, 't0'),
          t1: num(params.t1, 't1'),
          channels: channelList(params.channels),
          pixels: num(params.pixels, 'pixels'),
          since: num(params.since, 'since'),
        };
        return seriesRefine(nwb, await seriesInfo(nwb, checked.path), checked, signal);
      },
    },
  },
  icephys: {
    types: [
      'PatchClampSeries',
      'IntracellularRecordingsTable',
      'SweepTable',
      'SequentialRecordingsTable',
      'SimultaneousRecordingsTable',
    ],
    handlers: { 'icephys/sweeps': (nwb, { path }) => icephysSweeps(nwb, checkPath(path)) },
  },
  table: {
    types: ['DynamicTable'],
    untyped: async probe => probe.entry.kind === 'group' && hasColnames(probe),
    handlers: {
      'table/info': (nwb, { path }) => tableInfo(nwb, checkPath(path)),
      'table/rows': (nwb, { path, start, count, columns, order }, { signal }) => {
        const sorted = orderParam(order);
        return sorted
          ? sortedTableRows(
              nwb,
              checkPath(path),
              num(start, 'start'),
              num(count, 'count'),
              sorted,
              columnList(columns),
              signal,
            )
          : tableRows(
              nwb,
              checkPath(path),
              num(start, 'start'),
              num(count, 'count'),
              columnList(columns),
              signal,
            );
      },
    },
  },
  image: { types: ['Image'], handlers: {} },
  images: { types: ['Images'], handlers: {} },
  dataset: {
    raw: 'dataset',
    handlers: {
      'dataset/slice': (nwb, params, { signal }) =>
        datasetSlice(nwb, { ...params, path: checkPath(params.path) }, signal),
    },
  },
  group: { types: ['ImageSegmentation', 'PupilTracking'], raw: 'group', handlers: {} },
  /** Any other series with many channels: the depth heatmap offered beside its stacked traces. */
  channelHeatmap: {
    types: ['TimeSeries'],
    accepts: async probe =>
      (await hasManyChannels(probe.nwb, probe.path)) && !(await isDepthByDefinition(probe.nwb, probe.path)),
    handlers: {},
  },
} as const satisfies { readonly [K in ViewKind]: ViewEntry };

/** The requests the views answer (the rest of {@link HostMethods} is answered by src/nwb/service.ts and the editor). */
export type ViewMethod = { [K in ViewKind]: keyof (typeof VIEWS)[K]['handlers'] }[ViewKind];
