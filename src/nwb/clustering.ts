/**
 * NWB 2.x spike sorting by clusters: Clustering (a cluster number per event, `peak_over_rms` per
 * cluster) and ClusterWaveforms (mean and sd waveform per cluster, linked to its Clustering).
 * NWB indexes per-cluster arrays by cluster number ("cluster 3 is in array slot [3]"); files that
 * store one value per cluster present, in ascending order, are read that way, and anything else is
 * said rather than guessed.
 */
import type { ClusteringEvents, ClusterSummary, ClusterWaveformSet } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import { valueStats } from '../shared/valueStats';
import { chunkedSpread, readSpread } from './eventSample';
import type { NwbFile } from './nwbFile';
import { joinPath, valueToText } from './reader';

const DEFAULT_MAX_EVENTS = 200_000;
const DEFAULT_MAX_CLUSTERS = 64;
/** Cluster numbers read to learn which clusters exist (evenly spread beyond this). */
const MAX_NUMS = 2_000_000;

export async function clusteringEvents(
  nwb: NwbFile,
  path: string,
  maxEvents = DEFAULT_MAX_EVENTS,
  signal?: AbortSignal,
): Promise<ClusteringEvents> {
  const timesPath = await oneDimensional(nwb, path, 'times');
  const numPath = await oneDimensional(nwb, path, 'num');
  const total = Math.min(await lengthOf(nwb, timesPath), await lengthOf(nwb, numPath));
  const spread = await chunkedSpread(nwb, timesPath, total, Math.max(1, maxEvents));
  const times = await readSpread(nwb, timesPath, [total], spread, signal);
  const nums = await readSpread(nwb, numPath, [total], spread, signal);
  const counts = new Map<number, number>();
  for (const n of nums) counts.set(n, (counts.get(n) ?? 0) + 1);
  const order = [...counts.keys()].sort((a, b) => a - b);
  const peaks = await optionalNumbers(nwb, joinPath(path, 'peak_over_rms'), signal);
  const matched = peaks ? perCluster(peaks, order) : null;
  const clusters = order.map((num, i): ClusterSummary => {
    const peak = matched?.values[i];
    return { num, count: counts.get(num) ?? 0, ...(peak !== undefined ? { peakOverRms: peak } : {}) };
  });
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const t of times)
    if (Number.isFinite(t)) {
      tMin = Math.min(tMin, t);
      tMax = Math.max(tMax, t);
    }
  return {
    path,
    description: await textOf(nwb, joinPath(path, 'description')),
    total,
    times: toArrayBuffer(times),
    nums: toArrayBuffer(nums),
    clusters,
    peakNote: !peaks
      ? 'no peak_over_rms stored'
      : `peak_over_rms: ${matched?.note ?? `${peaks.length} values for ${order.length} clusters, not matched to cluster numbers`}`,
    tMin: tMin <= tMax ? tMin : 0,
    tMax: tMin <= tMax ? tMax : 0,
  };
}

export async function clusterWaveforms(
  nwb: NwbFile,
  path: string,
  maxClusters = DEFAULT_MAX_CLUSTERS,
  signal?: AbortSignal,
): Promise<ClusterWaveformSet> {
  const r = nwb.reader;
  const meanEntry = await r.entry(joinPath(path, 'waveform_mean'));
  if (meanEntry?.kind !== 'dataset') throw new Error(`${path} has no waveform_mean dataset`);
  const shape = (await r.datasetInfo(meanEntry.path)).shape;
  if (shape.length < 1 || shape.length > 2)
    throw new Error(`${meanEntry.path} is ${shape.length}-D: waveform_mean holds (clusters, samples)`);
  const [total, sampleCount] = shape.length === 2 ? shape : [1, shape[0]];
  const count = Math.min(total, Math.max(1, maxClusters));
  const selection = {
    start: shape.map(() => 0),
    count: shape.length === 2 ? [count, sampleCount] : [sampleCount],
  };
  const mean = await r.readNumbers(meanEntry.path, selection, { signal });
  const sdEntry = await r.entry(joinPath(path, 'waveform_sd'));
  const sdShape = sdEntry?.kind === 'dataset' ? (await r.datasetInfo(sdEntry.path)).shape : null;
  const sd =
    sdEntry && sdShape && sdShape.join() === shape.join()
      ? await r.readNumbers(sdEntry.path, selection, { signal })
      : undefined;
  // The Clustering whose cluster numbers the rows follow (a link; pynwb writes it soft).
  const clustering = await r.entry(joinPath(path, 'clustering_interface'));
  const clusteringPath = clustering?.kind === 'group' ? clustering.path : undefined;
  const present = clusteringPath ? await clusterNumbers(nwb, clusteringPath, signal) : null;
  const { clusterOf, note } = rowClusters(total, present);
  return {
    path,
    ...(clusteringPath ? { clusteringPath } : {}),
    filtering: await textOf(nwb, joinPath(path, 'waveform_filtering')),
    total,
    sampleCount,
    rows: Array.from({ length: count }, (_, row) => ({
      row,
      cluster: clusterOf(row),
      inClustering: present?.includes(clusterOf(row)) ?? false,
    })),
    rowNote: count < total ? `${note}; first ${count} of ${total} shown` : note,
    mean: toArrayBuffer(mean),
    ...(sd ? { sd: toArrayBuffer(sd) } : {}),
    stats: valueStats(mean),
  };
}

/**
 * Which cluster a per-cluster array's slot belongs to: slot = cluster number (NWB's rule) when
 * the array reaches the largest number; else, when it has one slot per cluster present, the
 * clusters in ascending order; else slot = number, said as a mismatch.
 */
function rowClusters(
  slots: number,
  present: number[] | null,
): { clusterOf(slot: number): number; matched: boolean; note: string } {
  const byIndex = (slot: number): number => slot;
  if (!present)
    return { clusterOf: byIndex, matched: false, note: 'no Clustering linked: row i is cluster i' };
  const largest = present.length ? present[present.length - 1] : -1;
  if (slots > largest)
    return { clusterOf: byIndex, matched: true, note: 'row i is cluster i (indexed by cluster number)' };
  if (slots === present.length)
    return {
      clusterOf: slot => present[slot],
      matched: true,
      note: 'one row per cluster of the Clustering, in ascending cluster-number order',
    };
  return {
    clusterOf: byIndex,
    matched: false,
    note: `${slots} row${slots === 1 ? '' : 's'} for clusters ${listed(present)} of the Clustering: row i taken as cluster i`,
  };
}

/** `values` matched to the clusters `order` (ascending), by {@link rowClusters}; null when they cannot be. */
function perCluster(values: Float64Array, order: number[]): { values: number[]; note: string } | null {
  const { clusterOf, matched, note } = rowClusters(values.length, order);
  if (!matched) return null;
  const bySlot = new Map<number, number>();
  values.forEach((v, slot) => bySlot.set(clusterOf(slot), v));
  return {
    values: order.map(num => bySlot.get(num) ?? NaN),
    note: note.replace(/^row i is cluster i/, 'value i is cluster i').replace('one row', 'one value'),
  };
}

/** The distinct cluster numbers of a Clustering, ascending. */
async function clusterNumbers(nwb: NwbFile, clustering: string, signal?: AbortSignal): Promise<number[]> {
  const numPath = await oneDimensional(nwb, clustering, 'num');
  const total = await lengthOf(nwb, numPath);
  const nums = await readSpread(
    nwb,
    numPath,
    [total],
    await chunkedSpread(nwb, numPath, total, MAX_NUMS),
    signal,
  );
  return [...new Set(nums)].sort((a, b) => a - b);
}

const listed = (nums: number[]): string =>
  nums.length <= 8 ? nums.join(', ') : `${nums.slice(0, 8).join(', ')}, … (${nums.length})`;

async function oneDimensional(nwb: NwbFile, group: string, name: string): Promise<string> {
  const entry = await nwb.reader.entry(joinPath(group, name));
  if (entry?.kind !== 'dataset' || entry.shape?.length !== 1)
    throw new Error(`${group} has no 1-D ${name} dataset`);
  return entry.path;
}

const lengthOf = async (nwb: NwbFile, path: string): Promise<number> =>
  (await nwb.reader.datasetInfo(path)).shape[0] ?? 0;

async function optionalNumbers(
  nwb: NwbFile,
  path: string,
  signal?: AbortSignal,
): Promise<Float64Array | null> {
  const entry = await nwb.reader.entry(path);
  if (entry?.kind !== 'dataset' || (entry.shape?.length ?? 0) > 1) return null;
  return nwb.reader.readNumbers(entry.path, undefined, { signal, maxElements: 1_000_000 });
}

/** A text dataset (scalar or one element, as MatNWB writes them), or undefined. */
async function textOf(nwb: NwbFile, path: string): Promise<string | undefined> {
  return (await nwb.reader.exists(path)) ? valueToText(await nwb.reader.scalar(path)) : undefined;
}
