/**
 * `series/refine`: the webview's long-poll of a series' background refinement (see
 * overviewRefiner.ts), answered with the same window from the min/max pyramid as it fills.
 */
import type { SeriesInfo, SeriesWindow, SeriesWindowParams } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { OverviewRefiner } from './overviewRefiner';
import { pyramidWindow } from './overviewWindow';
import { clamp, planChannels, sampleRange, timeOfSample } from './timeseries';

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
    throw new Error(`${info.dataPath} cannot be refined (timestamps, or too many channels)`);
  const plan = planChannels(info, params.channels);
  const pixels = clamp(Math.floor(params.pixels) || 1000, 1, 10_000);
  const [start, end] = await sampleRange(
    nwb,
    info,
    Math.min(params.t0, params.t1),
    Math.max(params.t0, params.t1),
  );
  const state = await nwb.overviews.refine(info, params.since, signal);
  const request = {
    start,
    end,
    pixels,
    channels: plan.channels,
    timeOf: (i: number) => timeOfSample(info, i),
  };
  const answer = pyramidWindow(info, state.pyramid, request, state.version);
  if (!answer)
    throw new Error(
      `the window is narrower than the overview's blocks of ${state.pyramid.blockSize} samples`,
    );
  return answer;
}
