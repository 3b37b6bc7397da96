/**
 * The SEI messages of an H.264 stream's first sample. x264 records its version in one; ffmpeg's
 * decoder (and so Chromium's WebCodecs software path) turns on fixes for old x264 builds' 4:4:4
 * streams only after seeing it, so a decode that starts at a later keyframe without it shows a
 * damaged picture (measured on DeepLabCut's m3v1mp4.mp4, x264 core 148). The viewer sends these
 * units ahead of a keyframe that is not sample 0.
 */
import type { VideoIndex } from './types';

const MAX_FIRST_SAMPLE = 4 * 1024 * 1024;

/** Length-prefixed SEI NAL units (type 6) of `sample`, as the sample holds them; undefined when none. */
export function seiUnits(sample: Uint8Array, lengthSize: number): Uint8Array | undefined {
  const kept: Uint8Array[] = [];
  for (let at = 0; at + lengthSize <= sample.length;) {
    let length = 0;
    for (let k = 0; k < lengthSize; k++) length = length * 256 + sample[at + k];
    const end = at + lengthSize + length;
    if (length === 0 || end > sample.length) break;
    if ((sample[at + lengthSize] & 0x1f) === 6) kept.push(sample.subarray(at, end));
    at = end;
  }
  if (kept.length === 0) return undefined;
  const out = new Uint8Array(kept.reduce((n, u) => n + u.length, 0));
  let at = 0;
  for (const unit of kept) {
    out.set(unit, at);
    at += unit.length;
  }
  return out;
}

/** Sets `index.seiPrelude` for an H.264 index, reading sample 0 from `head` when it lies there, else with one read. */
export async function addSeiPrelude(
  index: VideoIndex,
  head: Uint8Array,
  read: (start: number, end: number) => Promise<Uint8Array>,
): Promise<void> {
  const avcC = index.description;
  if (!index.codec?.startsWith('avc') || !avcC || index.offsets.length === 0) return;
  const start = index.offsets[0];
  const end = start + index.sizes[0];
  if (index.sizes[0] > MAX_FIRST_SAMPLE) return;
  const sample = end <= head.length ? head.subarray(start, end) : await read(start, end);
  const prelude = seiUnits(sample, (avcC[4] & 3) + 1);
  if (prelude) index.seiPrelude = prelude.slice();
}
