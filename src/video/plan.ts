/** What to fetch and decode to show one frame (see FramePlan in types.ts). */
import type { FramePlan, VideoIndex } from './types';

/** Gaps up to this many bytes (interleaved audio, padding) are fetched rather than split into another request. */
const DEFAULT_MAX_GAP = 256 * 1024;

export function planFrame(index: VideoIndex, frame: number, maxGap = DEFAULT_MAX_GAP): FramePlan {
  if (!Number.isInteger(frame) || frame < 0 || frame >= index.frames)
    throw new RangeError(`frame ${frame} is not in 0…${index.frames - 1}`);
  if (index.frameToSample.length !== index.frames)
    throw new RangeError(`this index lists no samples (${index.undecodable ?? 'no sample table'})`);
  const target = index.frameToSample[frame];
  let key = target;
  while (key > 0 && !index.keyframe[key]) key--;
  // Decode order from the keyframe through the target: every reference the target needs comes
  // before it in decode order; B-frames decoded after it present earlier and are not needed.
  const samples: number[] = [];
  for (let s = key; s <= target; s++) samples.push(s);
  const spans = samples
    .map(s => ({ start: index.offsets[s], end: index.offsets[s] + index.sizes[s] }))
    .sort((a, b) => a.start - b.start);
  const ranges: FramePlan['ranges'] = [];
  for (const span of spans) {
    const last = ranges[ranges.length - 1];
    if (last && span.start - last.end <= maxGap) last.end = Math.max(last.end, span.end);
    else ranges.push({ ...span });
  }
  return { frame, samples, ranges, target: samples.length - 1 };
}
