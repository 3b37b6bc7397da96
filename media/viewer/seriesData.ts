/** Decoding of the host's series replies into drawable arrays (pure, no DOM). */
import type { SeriesWindow } from '../../src/shared/protocol';
import { drawableFromMinMax, type DrawableChannel } from './timeWindow';

/** Decodes a window reply into per-channel drawable arrays. */
export function drawableChannels(reply: SeriesWindow): DrawableChannel[] {
  const time = new Float64Array(reply.time);
  if (reply.mode === 'raw') {
    const values = new Float32Array(reply.values);
    return reply.channels.map((_, c) => {
      const slice = values.subarray(c * reply.count, (c + 1) * reply.count);
      return drawableFromMinMax(time, slice, slice);
    });
  }
  const min = new Float32Array(reply.min);
  const max = new Float32Array(reply.max);
  // Draw each column at its centre.
  const x = new Float64Array(reply.columns);
  for (let i = 0; i < reply.columns; i++)
    x[i] =
      i + 1 < reply.columns
        ? (time[i] + time[i + 1]) / 2
        : time[i] + (i > 0 ? (time[i] - time[i - 1]) / 2 : 0);
  return reply.channels.map((_, c) =>
    drawableFromMinMax(
      x,
      min.subarray(c * reply.columns, (c + 1) * reply.columns),
      max.subarray(c * reply.columns, (c + 1) * reply.columns),
    ),
  );
}
