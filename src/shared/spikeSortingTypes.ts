/**
 * Replies of the spike-sorting views (NWB 2.x ecephys: SpikeEventSeries / EventWaveform,
 * Clustering, ClusterWaveforms, FeatureExtraction). Kept beside protocolTypes.ts so the views'
 * types stay together; protocol.ts names them in HostMethods. No `vscode`, no DOM.
 */
import type { ValueStats } from './protocolTypes';

/** Reply to `spikeEvents`: evenly sampled snippets of a SpikeEventSeries and its event times. */
export interface SpikeSnippets {
  /** The SpikeEventSeries shown. */
  path: string;
  /** Every SpikeEventSeries of the EventWaveform asked for (just `path` for a series), for the chooser. */
  seriesPaths: string[];
  description?: string;
  /** Physical unit of the snippet values (`data * conversion * channel_conversion + offset`). */
  unit: string;
  /** Events in the series. */
  total: number;
  /** Indices of the events whose snippets are sent, evenly spread over all of them. */
  shown: number[];
  /** Float64 ArrayBuffer: the time (s) of each shown event. */
  shownTimes: ArrayBuffer;
  channelCount: number;
  /** Samples per snippet (1 when the data hold one value per event). */
  sampleCount: number;
  /** One label per channel (electrode id and location when the region says). */
  channelLabels: string[];
  /** Float32 ArrayBuffer, `[shown][channel][sample]`, in `unit`. */
  snippets: ArrayBuffer;
  /** Float64 ArrayBuffer: event times (s), all of them or an even spread (fewer than `total`). */
  times: ArrayBuffer;
  /** What the sent snippets hold (NaN, constant, empty). */
  stats: ValueStats;
}

/** One cluster number of a Clustering, with what the file says about it. */
export interface ClusterSummary {
  num: number;
  /** Events with this number (among the events read). */
  count: number;
  /** `peak_over_rms` of this cluster, when the file's array can be matched to cluster numbers. */
  peakOverRms?: number;
}

/** Reply to `clustering`: event times with their cluster numbers. */
export interface ClusteringEvents {
  path: string;
  description?: string;
  /** Events in the Clustering (`times`). */
  total: number;
  /** Float64 ArrayBuffer: event times (s), all of them or an even spread (fewer than `total`). */
  times: ArrayBuffer;
  /** Float64 ArrayBuffer: the cluster number of each of those events. */
  nums: ArrayBuffer;
  /** Cluster numbers in ascending order. */
  clusters: ClusterSummary[];
  /** How `peak_over_rms` was matched to cluster numbers (or why it was not). */
  peakNote: string;
  tMin: number;
  tMax: number;
}

/** Reply to `clusterWaveforms`: mean (± sd) waveform per cluster. */
export interface ClusterWaveformSet {
  path: string;
  /** The Clustering the waveforms belong to (`clustering_interface`), when the link resolves. */
  clusteringPath?: string;
  filtering?: string;
  /** Waveforms (rows of waveform_mean) in the file; more than `rows` when capped. */
  total: number;
  sampleCount: number;
  /** One per waveform sent: the cluster it shows, and whether the Clustering has events of it. */
  rows: { row: number; cluster: number; inClustering: boolean }[];
  /** How rows were matched to cluster numbers, for the caption. */
  rowNote: string;
  /** Float64 ArrayBuffers, `[row][sample]`. */
  mean: ArrayBuffer;
  sd?: ArrayBuffer;
  stats: ValueStats;
}

/** Reply to `features`: every feature of one channel for evenly sampled events. */
export interface FeatureValues {
  path: string;
  /** Events in the FeatureExtraction. */
  total: number;
  channelCount: number;
  featureCount: number;
  /** `description`: one name per feature. */
  featureNames: string[];
  channelLabels: string[];
  channel: number;
  /** Indices of the events sent, evenly spread over all of them. */
  shown: number[];
  /** Float64 ArrayBuffer: time (s) of each shown event. */
  times: ArrayBuffer;
  /** Float64 ArrayBuffer, `[shown][feature]` of `channel`. */
  values: ArrayBuffer;
  stats: ValueStats;
}
