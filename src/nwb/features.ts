/**
 * FeatureExtraction: salient features of detected events, `features` (events, channels, features)
 * with `times` per event and a `description` per feature. One channel's features are read for an
 * even spread of at most a screenful of events (see ./eventSample.ts).
 */
import type { FeatureValues } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import { valueStats } from '../shared/valueStats';
import { chunkedSpread, electrodeLabels, readRuns, readSpread, spreadIndices } from './eventSample';
import type { NwbFile } from './nwbFile';
import { joinPath, valueToText } from './reader';

const DEFAULT_MAX_EVENTS = 5_000;

export async function featureValues(
  nwb: NwbFile,
  path: string,
  channel = 0,
  maxEvents = DEFAULT_MAX_EVENTS,
  signal?: AbortSignal,
): Promise<FeatureValues> {
  const r = nwb.reader;
  const featuresEntry = await r.entry(joinPath(path, 'features'));
  if (featuresEntry?.kind !== 'dataset') throw new Error(`${path} has no features dataset`);
  const shape = (await r.datasetInfo(featuresEntry.path)).shape;
  if (shape.length !== 3)
    throw new Error(`${featuresEntry.path} is ${shape.length}-D: features hold (events, channels, features)`);
  const timesEntry = await r.entry(joinPath(path, 'times'));
  if (timesEntry?.kind !== 'dataset' || timesEntry.shape?.length !== 1)
    throw new Error(`${path} has no 1-D times dataset`);
  const [events, channelCount, featureCount] = shape;
  if (!Number.isInteger(channel) || channel < 0 || channel >= channelCount)
    throw new Error(`channel ${channel} is outside 0 – ${channelCount - 1}`);
  const total = Math.min(events, timesEntry.shape[0]);
  const spread = await chunkedSpread(nwb, featuresEntry.path, total, Math.max(1, maxEvents));
  const values =
    featureCount > 0
      ? await readRuns(
          nwb,
          featuresEntry.path,
          spread,
          { start: [channel, 0], count: [1, featureCount] },
          signal,
        )
      : new Float64Array(0);
  return {
    path,
    total,
    channelCount,
    featureCount,
    featureNames: await featureNames(nwb, joinPath(path, 'description'), featureCount),
    channelLabels: await electrodeLabels(nwb, joinPath(path, 'electrodes'), channelCount),
    channel,
    shown: spreadIndices(spread),
    times: toArrayBuffer(await readSpread(nwb, timesEntry.path, [total], spread, signal)),
    values: toArrayBuffer(values),
    stats: valueStats(values),
  };
}

/** `description`: a name per feature; `feature i` where it is missing or of another length. */
async function featureNames(nwb: NwbFile, path: string, count: number): Promise<string[]> {
  const entry = await nwb.reader.entry(path);
  const names =
    entry?.kind === 'dataset' && entry.shape?.length === 1 && entry.shape[0] === count
      ? (await nwb.reader.readValues(entry.path, undefined, { maxElements: count })).map(valueToText)
      : [];
  return Array.from({ length: count }, (_, i) => names[i] || `feature ${i}`);
}
