/**
 * Sends every data request the webview can make, with ordinary parameters, for one object: what
 * a user clicking through every view of it would ask for. Each must settle as a result or an
 * Error; anything else (a hang, a crash, a thrown non-Error) fails the caller's test.
 */
import type { DataHandlers, DataMethod } from '../../../src/nwb/service';
import type { RequestContext } from '../../../src/shared/messenger';

type AnyParams = Record<string, unknown>;

function paramsFor(path: string): { [M in DataMethod]: AnyParams } {
  return {
    'nwb/overview': {},
    'h5/children': { path, offset: 0, limit: 1000 },
    'h5/attributes': { path },
    'h5/walk': {},
    'h5/datasetInfo': { path },
    inspect: { path },
    'view/resolve': { path },
    'snippet/python': { path },
    'series/info': { path },
    'series/window': { path, t0: -1e12, t1: 1e12, channels: [0], pixels: 1000 },
    'series/refine': { path, t0: -1e12, t1: 1e12, channels: [0], pixels: 1000, since: 0 },
    'image/frame': { path, index: 0, plane: 0 },
    rois: { path, limit: 1e9 },
    'table/info': { path },
    'table/rows': { path, start: 0, count: 100 },
    'units/raster': { path, unitStart: 0, unitCount: 100 },
    'units/waveform': { path, unit: 0, channel: 0 },
    intervals: { path },
    'psth/options': {},
    'psth/units': { path, filters: [{ column: 'quality', op: '==', value: 'good' }] },
    psth: {
      units: path,
      unitRows: [0],
      intervals: path,
      align: 'start_time',
      pre: 0.5,
      post: 1,
      binWidth: 0.01,
    },
    'icephys/sweeps': { path },
    'spatial/trajectory': { path, maxPoints: 5000 },
    'depth/layout': { path },
    events: { path },
    'dataset/slice': { path },
    'export/csv': { what: 'dataset', path, save: false },
    spikeEvents: { path },
    clustering: { path },
    clusterWaveforms: { path },
    features: { path, channel: 0 },
  };
}

export interface Outcome {
  method: DataMethod;
  ok: boolean;
  result?: unknown;
  /** The error's message when the request failed. */
  message?: string;
}

export async function everyRequest(handlers: DataHandlers, path: string): Promise<Outcome[]> {
  const ctx: RequestContext = { signal: new AbortController().signal, id: 1 };
  const out: Outcome[] = [];
  for (const [method, params] of Object.entries(paramsFor(path)) as [DataMethod, AnyParams][]) {
    const handler = handlers[method] as (params: AnyParams, ctx: RequestContext) => Promise<unknown>;
    try {
      out.push({ method, ok: true, result: await handler(params, ctx) });
    } catch (error) {
      if (!(error instanceof Error)) throw new Error(`${method} ${path} threw a non-Error: ${String(error)}`);
      if (!error.message.trim()) throw new Error(`${method} ${path} failed with an empty message`);
      out.push({ method, ok: false, message: error.message });
    }
  }
  return out;
}
