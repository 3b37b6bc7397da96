/**
 * The host's answers to the webview's data requests, as plain functions of an {@link NwbFile}
 * (no `vscode`): the editor registers each of these on a panel's messenger. Requests that need
 * VS Code (init, saving files) are handled in src/editor.
 */
import type { HostMethods, SourceDescription } from '../shared/protocol';
import type { RequestContext } from '../shared/messenger';
import { exportCsv } from './csv';
import { icephysSweeps } from './icephys';
import { imageFrame } from './images';
import { datasetSlice, inspectObject } from './inspect';
import { intervalsTimeline } from './intervals';
import type { NwbFile } from './nwbFile';
import { nwbOverview } from './overview';
import { roiSet } from './rois';
import { pythonSnippet } from './snippet';
import { trajectories } from './spatial';
import { tableInfo, tableRows } from './table';
import { seriesInfo, seriesWindow } from './timeseries';
import { unitsRaster, unitWaveform } from './units';
import { resolveView } from './views';

export type DataMethod = Exclude<keyof HostMethods, 'init' | 'export/png' | 'clipboard/write' | 'file/download'>;

export type DataHandlers = {
  [M in DataMethod]: (params: HostMethods[M]['params'], ctx: RequestContext) => Promise<HostMethods[M]['result']>;
};

/** Checks that a request names a path the way HDF5 does, before any engine call. */
function checkPath(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 4096) throw new Error(`invalid path: ${String(path)}`);
  return path;
}

/** A finite number from the webview, or `fallback` when absent; anything else is refused. */
function num(value: unknown, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`invalid ${name}: ${String(value)}`);
  return value;
}

function optionalNum(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : num(value, name);
}

function channelList(value: unknown): number[] {
  if (!Array.isArray(value) || value.length > 4096) throw new Error('invalid channels');
  return value.map(c => num(c, 'channel'));
}

export function dataHandlers(nwb: NwbFile, source: SourceDescription): DataHandlers {
  const handlers: DataHandlers = {
    'nwb/overview': () => nwbOverview(nwb),
    'h5/children': async ({ path, offset, limit }) => {
      const all = await nwb.reader.list(checkPath(path));
      const start = Math.max(0, offset ?? 0);
      const end = limit === undefined ? all.length : start + Math.max(0, limit);
      return { entries: all.slice(start, end), total: all.length };
    },
    'h5/attributes': ({ path }) => nwb.reader.attributeList(checkPath(path)),
    'h5/datasetInfo': ({ path }) => nwb.reader.datasetInfo(checkPath(path)),
    inspect: ({ path }) => inspectObject(nwb, checkPath(path)),
    'view/resolve': ({ path }) => resolveView(nwb, checkPath(path)),
    'series/info': ({ path }) => seriesInfo(nwb, checkPath(path)),
    'series/window': async (params, { signal }) => {
      const checked = {
        path: checkPath(params.path),
        t0: num(params.t0, 't0'),
        t1: num(params.t1, 't1'),
        channels: channelList(params.channels),
        pixels: num(params.pixels, 'pixels'),
      };
      return seriesWindow(nwb, await seriesInfo(nwb, checked.path), checked, signal);
    },
    'image/frame': ({ path, index, plane }, { signal }) =>
      imageFrame(nwb, checkPath(path), num(index, 'index', 0), num(plane, 'plane', 0), signal),
    rois: ({ path, limit }, { signal }) => roiSet(nwb, checkPath(path), optionalNum(limit, 'limit'), signal),
    'table/info': ({ path }) => tableInfo(nwb, checkPath(path)),
    'table/rows': ({ path, start, count, columns }, { signal }) => {
      if (columns !== undefined && (!Array.isArray(columns) || !columns.every(c => typeof c === 'string'))) throw new Error('invalid columns');
      return tableRows(nwb, checkPath(path), num(start, 'start'), num(count, 'count'), columns, signal);
    },
    'units/raster': ({ path, unitStart, unitCount, t0, t1 }, { signal }) =>
      unitsRaster(nwb, checkPath(path), num(unitStart, 'unitStart'), num(unitCount, 'unitCount'), optionalNum(t0, 't0'), optionalNum(t1, 't1'), signal),
    'units/waveform': ({ path, unit, channel }, { signal }) =>
      unitWaveform(nwb, checkPath(path), num(unit, 'unit'), num(channel, 'channel', 0), signal),
    intervals: ({ path, maxRows }, { signal }) => intervalsTimeline(nwb, checkPath(path), optionalNum(maxRows, 'maxRows'), signal),
    'icephys/sweeps': ({ path }) => icephysSweeps(nwb, checkPath(path)),
    'spatial/trajectory': ({ path, t0, t1, maxPoints }, { signal }) =>
      trajectories(nwb, checkPath(path), optionalNum(t0, 't0'), optionalNum(t1, 't1'), optionalNum(maxPoints, 'maxPoints'), signal),
    'dataset/slice': (params, { signal }) => datasetSlice(nwb, { ...params, path: checkPath(params.path) }, signal),
    'snippet/python': async ({ path }) => ({ code: pythonSnippet(source, checkPath(path)) }),
    // Saving is the editor's part; here the CSV text only.
    'export/csv': async (params, { signal }) => {
      checkPath(params.path);
      return exportCsv(nwb, params, signal);
    },
  };
  // Every handler returns a promise, even when validation throws synchronously.
  for (const method of Object.keys(handlers) as DataMethod[]) {
    const fn = handlers[method] as (params: unknown, ctx: RequestContext) => Promise<unknown>;
    (handlers as Record<DataMethod, unknown>)[method] = async (params: unknown, ctx: RequestContext) => fn(params, ctx);
  }
  return handlers;
}
