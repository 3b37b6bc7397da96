/** The frame timing of an image series, read so the session clock's cursor can pick its frame (sessionTime.frameAt). */
import type { FrameTiming } from '../sessionTime';
import type { ViewContext } from './context';

/** The timing of the series at ctx.path (null when it has none, or too many timestamps to read). */
export async function frameTiming(ctx: ViewContext, frameCount: number): Promise<FrameTiming | null> {
  const info = await ctx.request('series/info', { path: ctx.path });
  const timing = info.timing;
  if (timing.kind === 'rate')
    return { kind: 'rate', start: timing.startingTime, rate: timing.rate, count: frameCount };
  if (timing.kind !== 'timestamps' || frameCount > ctx.maxSliceElements) return null;
  const slice = await ctx.request('dataset/slice', { path: timing.path, start: [0], count: [frameCount] });
  return slice.kind === 'numeric' ? { kind: 'times', times: new Float64Array(slice.data) } : null;
}
