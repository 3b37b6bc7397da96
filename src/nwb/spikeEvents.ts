/**
 * SpikeEventSeries (and the EventWaveform that holds them): a snippet of samples per detected
 * event, `(events, samples)` or `(events, channels, samples)`, with the event times. At most a
 * screenful of snippets is read, evenly spread over the events (and over the chunks they are
 * stored in, see ./eventSample.ts), in physical units: `data * conversion * channel_conversion + offset`.
 */
import type { SpikeSnippets, Timing } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import { StatsAccumulator } from '../shared/valueStats';
import {
  chunkedSpread,
  electrodeLabels,
  evenSpread,
  readSpread,
  spreadIndices,
  type Spread,
} from './eventSample';
import type { NwbFile } from './nwbFile';
import { joinPath } from './reader';
import { seriesInfo } from './timeseries';

const DEFAULT_MAX_SNIPPETS = 200;
/** Event times sent for the time axis (evenly spread beyond this). */
const MAX_TIMES = 200_000;

/** The SpikeEventSeries `path` is, or those an EventWaveform (any group) holds. */
export async function spikeSeriesOf(nwb: NwbFile, path: string): Promise<string[]> {
  if (await nwb.isA(path, 'SpikeEventSeries')) return [path];
  const out: string[] = [];
  for (const child of await nwb.reader.typedChildren(path))
    if (await nwb.isA(child.path, 'SpikeEventSeries')) out.push(child.path);
  return out;
}

export async function spikeSnippets(
  nwb: NwbFile,
  path: string,
  series?: string,
  maxSnippets = DEFAULT_MAX_SNIPPETS,
  signal?: AbortSignal,
): Promise<SpikeSnippets> {
  const seriesPaths = await spikeSeriesOf(nwb, path);
  if (seriesPaths.length === 0) throw new Error(`${path} holds no SpikeEventSeries`);
  if (series !== undefined && !seriesPaths.includes(series))
    throw new Error(`${series} is not a SpikeEventSeries of ${path}`);
  const shownPath = series ?? seriesPaths[0];
  const info = await seriesInfo(nwb, shownPath);
  const shape = info.shape;
  if (shape.length > 3)
    throw new Error(
      `${info.dataPath} is ${shape.length}-D: a SpikeEventSeries holds (events, samples) or (events, channels, samples)`,
    );
  const channelCount = shape.length === 3 ? shape[1] : 1;
  const sampleCount = shape.length >= 2 ? shape[shape.length - 1] : 1;
  const eventTimes = await eventTimeReader(nwb, shownPath, info.timing, signal);
  const total = Math.min(shape[0], eventTimes.count ?? shape[0]);
  const spread = await chunkedSpread(nwb, info.dataPath, total, Math.max(1, maxSnippets));
  const raw = await readSpread(nwb, info.dataPath, [total, ...shape.slice(1)], spread, signal);
  const gains = await channelConversion(nwb, shownPath, channelCount);
  const snippets = new Float32Array(raw.length);
  const stats = new StatsAccumulator();
  for (let i = 0; i < raw.length; i++) {
    const channel = Math.floor(i / sampleCount) % channelCount;
    const v = raw[i] * info.conversion * gains[channel] + info.offset;
    snippets[i] = v;
    stats.add(v);
  }
  return {
    path: shownPath,
    seriesPaths,
    description: info.description,
    unit: info.unit,
    total,
    shown: spreadIndices(spread),
    shownTimes: toArrayBuffer(await eventTimes.read(spread)),
    channelCount,
    sampleCount,
    channelLabels: await electrodeLabels(nwb, joinPath(shownPath, 'electrodes'), channelCount),
    snippets: toArrayBuffer(snippets),
    times: toArrayBuffer(await eventTimes.read(await eventTimes.spread(total, MAX_TIMES))),
    stats: stats.result(),
  };
}

/** Reads the times of spread events, from `timestamps` or `starting_time` and `rate`. */
async function eventTimeReader(
  nwb: NwbFile,
  path: string,
  timing: Timing,
  signal?: AbortSignal,
): Promise<{
  count?: number;
  spread(total: number, max: number): Promise<Spread>;
  read(spread: Spread): Promise<Float64Array>;
}> {
  switch (timing.kind) {
    case 'timestamps': {
      const count = (await nwb.reader.datasetInfo(timing.path)).shape[0] ?? 0;
      return {
        count,
        spread: (total, max) => chunkedSpread(nwb, timing.path, total, max),
        read: spread => readSpread(nwb, timing.path, [count], spread, signal),
      };
    }
    case 'rate':
      return {
        spread: async (total, max) => evenSpread(total, max),
        read: async spread =>
          Float64Array.from(spreadIndices(spread), i => timing.startingTime + i / timing.rate),
      };
    case 'none':
      throw new Error(`${path} has no timestamps (nor starting_time with a rate) to place its events`);
  }
}

/** Per-channel gains (`channel_conversion`, NWB 2.1+), or 1 for every channel when absent or mis-sized. */
async function channelConversion(nwb: NwbFile, path: string, channels: number): Promise<Float64Array> {
  const entry = await nwb.reader.entry(joinPath(path, 'channel_conversion'));
  if (entry?.kind === 'dataset' && entry.shape?.length === 1 && entry.shape[0] === channels)
    return nwb.reader.readNumbers(entry.path, undefined, { maxElements: channels });
  return new Float64Array(channels).fill(1);
}
