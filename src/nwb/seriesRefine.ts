/**
 * `series/refine`: the webview's long-poll of a series' background refinement (see
 * overviewRefiner.ts), answered with the same window from the min/max pyramid as it fills.
 */
import type { SeriesInfo, SeriesWindow, SeriesWindowParams } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { OverviewRefiner, type RefineState } from './overviewRefiner';
import { pyramidTimeWindow, pyramidWindow } from './overviewWindow';
import { planChannels } from './seriesReadPlan';
import { clamp, sampleRange, timeOfSample } from './seriesTime';

/**
 * `series/refine`: the window from the series' min/max pyramid once the background refinement
 * advanced past `since` (or finished); starts or resumes that refinement.
 */
export async function seriesRefine(
  nwb: NwbFile,
  info: SeriesInfo,
  params: SeriesWindowParams & { since: number },
  signal?: AbortSignal,
): Promise<SeriesWindow> {
  if (!OverviewRefiner.supports(info))
    throw new Error(`${info.dataPath} cannot be refined (too many channels)`);
  const plan = planChannels(info, params.channels);
  const pixels = clamp(Math.floor(params.pixels) || 1000, 1, 10_000);
  const t0 = Math.min(params.t0, params.t1);
  const t1 = Math.max(params.t0, params.t1);
  const state = await nwb.overviews.refine(info, params.since, signal);
  const answer = await windowOf(nwb, info, state, { t0, t1, pixels, channels: plan.channels });
  if (state.notKept && answer.mode === 'minmax' && answer.overview) answer.overview.notKept = state.notKept;
  return answer;
}

/** The window from the pyramid as the refinement has it now. */
async function windowOf(
  nwb: NwbFile,
  info: SeriesInfo,
  state: RefineState,
  window: { t0: number; t1: number; pixels: number; channels: number[] },
): Promise<SeriesWindow> {
  const { t0, t1, pixels, channels } = window;
  const times = state.pyramid.times;
  if (times) {
    const timed = pyramidTimeWindow(info, state.pyramid, { t0, t1, pixels, channels }, state.version);
    if (timed) return timed;
    if (times.complete) throw new Error(`the window holds fewer of the overview's blocks than columns`);
  }
  const [start, end] = await sampleRange(nwb, info, t0, t1);
  const request = {
    start,
    end,
    pixels,
    channels,
    timeOf: (i: number) => timeOfSample(info, i),
  };
  const answer = pyramidWindow(info, state.pyramid, request, state.version);
  if (!answer)
    throw new Error(
      `the window is narrower than the overview's blocks of ${state.pyramid.blockSize} samples`,
    );
  // Timestamps still being read: drawn where the probes are, with the reads' share of progress.
  if (times && answer.mode === 'minmax' && answer.overview) {
    const data = state.pyramid.progress * info.channelCount;
    answer.overview.progress = (data + times.progress) / (info.channelCount + 1);
  }
  return answer;
}
