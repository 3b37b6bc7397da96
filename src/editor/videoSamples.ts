/**
 * The bytes a decoder needs for one frame: the index's plan (keyframe → frame, decode order),
 * widened to later frames of the same GOP for warm stepping, read in as few requests as the file's
 * layout allows. No `vscode` here (the unit tests run it on real files).
 */
import type { ByteSource } from '../hdf5/sources/source';
import { toArrayBuffer } from '../shared/binary';
import type { EncodedSample, SamplesResult } from '../shared/videoProtocol';
import type { FramePlan, VideoIndex } from '../video/types';

/** A gap between samples (audio, other tracks) read through rather than split into two requests. */
const MAX_GAP_BYTES = 256 * 1024;

export type PlanFrame = (index: VideoIndex, frame: number) => FramePlan;

/** Samples (decode order) to decode for `frame`, and through `through` when the same keyframe starts both. */
export function samplesToDecode(
  index: VideoIndex,
  plan: PlanFrame,
  frame: number,
  through: number | undefined,
): number[] {
  const last = index.frames - 1;
  if (!Number.isInteger(frame) || frame < 0 || frame > last)
    throw new Error(`frame ${frame} is outside 0…${last}`);
  let samples = plan(index, frame).samples;
  if (through !== undefined && Number.isInteger(through) && through > frame) {
    const further = plan(index, Math.min(through, last)).samples;
    // A later GOP is its own request: the webview decodes each batch from its keyframe.
    if (further[0] === samples[0] && further.length > samples.length) samples = further;
  }
  if (samples.length === 0) throw new Error(`the index planned no samples for frame ${frame}`);
  return samples;
}

/** Consecutive runs of samples, split where the gap between two exceeds {@link MAX_GAP_BYTES}. */
export function byteRuns(
  index: VideoIndex,
  samples: number[],
): Array<{ start: number; end: number; samples: number[] }> {
  const sorted = [...samples].sort((a, b) => index.offsets[a] - index.offsets[b]);
  const runs: Array<{ start: number; end: number; samples: number[] }> = [];
  for (const s of sorted) {
    const start = index.offsets[s];
    const end = start + index.sizes[s];
    const run = runs[runs.length - 1];
    // Overlapping or close enough: one request reads through the gap.
    if (run && start - run.end <= MAX_GAP_BYTES) {
      run.end = Math.max(run.end, end);
      run.samples.push(s);
    } else runs.push({ start, end, samples: [s] });
  }
  return runs;
}

/**
 * The SEI units to send before a later keyframe (the index's `seiPrelude`, x264's version among
 * them): libavcodec, Chromium's software H.264 decoder, needs x264's version to decode 4:4:4
 * streams of x264 before r151 from a keyframe other than the first. Only High 4:4:4 gets them;
 * other streams decode without, and are sent their samples unchanged.
 */
export function keyframePrelude(index: VideoIndex): Uint8Array | undefined {
  return index.codec?.toLowerCase().startsWith('avc1.f4') ? index.seiPrelude : undefined;
}

/**
 * Reads `samples` from `bytes` and packages them with the decoder configuration; `prefix` (see
 * {@link keyframePrelude}) goes with a batch that does not start at the file's first sample.
 */
export async function readSamples(
  bytes: ByteSource,
  index: VideoIndex,
  frame: number,
  samples: number[],
  signal?: AbortSignal,
  prefix?: Uint8Array,
): Promise<SamplesResult> {
  if (index.undecodable !== undefined || index.codec === undefined)
    throw new Error(index.undecodable ?? `no decoder configuration for ${index.codecName}`);
  const before = bytes.bytesFetched;
  const data = new Map<number, Uint8Array>();
  for (const run of byteRuns(index, samples)) {
    const block = await bytes.read(run.start, run.end, { signal });
    for (const s of run.samples) {
      const at = index.offsets[s] - run.start;
      data.set(s, block.subarray(at, at + index.sizes[s]));
    }
  }
  const sampleFrames = framesOfSamples(index);
  const encoded: EncodedSample[] = samples.map(s => ({
    data: toArrayBuffer(data.get(s) ?? new Uint8Array(0)),
    timestampUs: Math.round(index.presentationSeconds[s] * 1e6),
    frame: sampleFrames[s],
    key: index.keyframe[s] === 1,
  }));
  const config: SamplesResult['config'] = {
    codec: index.codec,
    codedWidth: index.width,
    codedHeight: index.height,
  };
  if (index.description) config.description = toArrayBuffer(index.description);
  const result: SamplesResult = { frame, config, samples: encoded, bytesRead: bytes.bytesFetched - before };
  if (prefix && samples[0] !== 0) result.keyPrefix = toArrayBuffer(prefix);
  return result;
}

const sampleFramesCache = new WeakMap<VideoIndex, Int32Array>();

/** sample (decode order) → frame (presentation order); -1 for a sample no frame shows (edit list). */
export function framesOfSamples(index: VideoIndex): Int32Array {
  let out = sampleFramesCache.get(index);
  if (!out) {
    out = new Int32Array(index.sizes.length).fill(-1);
    for (let frame = 0; frame < index.frameToSample.length; frame++) out[index.frameToSample[frame]] = frame;
    sampleFramesCache.set(index, out);
  }
  return out;
}
