/**
 * Which part of a series' data array a window read selects: the channel plan (the columns read
 * and where each requested channel sits in a read row), the row selection of a block, and what a
 * probe costs in decompressed chunks. Pure arithmetic on a SeriesInfo, apart from the reads
 * themselves in `timeseries.ts`; `series/refine` plans its channels the same way.
 */
import type { SeriesInfo } from '../shared/protocol';
import { product } from './reader';

/** Fewest probes of a sparse overview, whatever the budget says. */
const MIN_PROBES = 16;

interface ChannelPlan {
  channels: number[];
  /** Selection of the flattened channel axis: first column and width actually read. */
  firstColumn: number;
  readWidth: number;
  /** Index of each output channel within a read row. */
  picks: number[];
}

export function planChannels(info: SeriesInfo, requested: number[]): ChannelPlan {
  const channels = requested.length ? requested : [0];
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= info.channelCount) {
      throw new Error(`channel ${c} is out of range (the series has ${info.channelCount})`);
    }
  }
  // 3-D and higher data cannot be sliced by flattened column, so read whole rows.
  if (info.shape.length > 2) {
    return { channels, firstColumn: 0, readWidth: info.channelCount, picks: channels };
  }
  // Loops, not spreads: a spread's arguments go on the stack.
  let firstColumn = channels[0];
  let lastColumn = channels[0];
  for (const c of channels) {
    firstColumn = Math.min(firstColumn, c);
    lastColumn = Math.max(lastColumn, c);
  }
  const readWidth = lastColumn - firstColumn + 1;
  return { channels, firstColumn, readWidth, picks: channels.map(c => c - firstColumn) };
}

export function rowSelection(info: SeriesInfo, plan: ChannelPlan, start: number, rows: number) {
  if (info.shape.length === 1) return { start: [start], count: [rows] };
  if (info.shape.length === 2) return { start: [start, plan.firstColumn], count: [rows, plan.readWidth] };
  return { start: [start, ...info.shape.slice(1).map(() => 0)], count: [rows, ...info.shape.slice(1)] };
}

/** How many probes the budget allows when each decompresses one chunk row (all chunks across the channels read). */
export function probeCount(info: SeriesInfo, plan: ChannelPlan, budget: number): number {
  const perProbe = (info.chunks?.[0] ?? 1) * touchedWidth(info, plan);
  return Math.max(MIN_PROBES, Math.floor(budget / Math.max(1, perProbe)));
}

/** Columns of data decompressed per row when reading the planned channels: whole chunks across. */
export function touchedWidth(info: SeriesInfo, plan: ChannelPlan): number {
  const chunkCols = info.chunks && info.chunks.length > 1 ? product(info.chunks.slice(1)) : 0;
  if (!chunkCols) return plan.readWidth;
  const first = Math.floor(plan.firstColumn / chunkCols);
  const last = Math.floor((plan.firstColumn + plan.readWidth - 1) / chunkCols);
  return (last - first + 1) * chunkCols;
}

/** Rows per probe: what the budget allows, at most one chunk's worth. */
export function probeRows(info: SeriesInfo, plan: ChannelPlan, probes: number, budget: number): number {
  const byBudget = Math.max(1, Math.floor(budget / (probes * plan.readWidth)));
  const chunkRows = info.chunks?.[0];
  return chunkRows ? Math.min(chunkRows, byBudget) : byBudget;
}
