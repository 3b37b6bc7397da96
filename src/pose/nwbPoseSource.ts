/**
 * A {@link PoseSource} over one ndx-pose `PoseEstimation`, paired with one video: each
 * `PoseEstimationSeries` is a keypoint; series sharing a clock (linked `timestamps`, or the same
 * start and rate) share one frame → sample map. Keypoints are read in blocks of samples, a few
 * blocks kept per series, so stepping through frames costs a read only when a block boundary passes.
 */
import type { NwbFile } from '../nwb/nwbFile';
import { joinPath } from '../nwb/reader';
import { seriesInfo } from '../nwb/timeseries';
import type { SeriesInfo } from '../shared/protocol';
import { frameMap, type FrameMap, type PoseClock } from './frameTime';
import type { PoseEstimationInfo, PoseFrame, PoseSource, VideoTiming } from './types';

const BLOCK = 4096;
const BLOCKS_KEPT = 6;
/** The most frames one `framesBetween` call may span (a trail of seconds, not a whole session). */
export const MAX_FRAMES_PER_CALL = 100_000;

interface Keypoint {
  info: SeriesInfo;
  clock: ClockGroup;
  confidencePath: string | undefined;
  /** Block index → x, y, confidence of its samples. */
  blocks: Map<number, Promise<{ x: Float32Array; y: Float32Array; c: Float32Array | undefined }>>;
}

interface ClockGroup {
  map: FrameMap;
}

export async function openNwbPose(
  nwb: NwbFile,
  pose: PoseEstimationInfo,
  video: VideoTiming,
  signal?: AbortSignal,
): Promise<PoseSource> {
  if (!pose.seriesPaths.length) throw new Error(`${pose.path} holds no PoseEstimationSeries`);
  const warnings: string[] = [];
  const clocks = new Map<string, ClockGroup>();
  const keypoints = new Map<string, Keypoint>();
  for (const path of pose.seriesPaths) {
    signal?.throwIfAborted();
    const info = await seriesInfo(nwb, path);
    if (info.shape.length !== 2 || info.shape[1] < 2)
      throw new Error(`${path}/data has shape [${info.shape.join(', ')}]; ndx-pose wants (n, 2) or (n, 3)`);
    const timing = info.timing;
    const key =
      timing.kind === 'timestamps'
        ? `ts:${timing.path}`
        : timing.kind === 'rate'
          ? `rate:${timing.startingTime}:${timing.rate}:${info.sampleCount}`
          : 'none';
    if (timing.kind === 'none') throw new Error(`${path} has neither timestamps nor starting_time and rate`);
    let clock = clocks.get(key);
    if (!clock) {
      const poseClock: PoseClock =
        timing.kind === 'timestamps'
          ? {
              kind: 'timestamps',
              times: (await nwb.reader.readNumbers(timing.path, undefined, { signal })).subarray(
                0,
                info.sampleCount,
              ),
            }
          : { kind: 'rate', start: timing.startingTime, rate: timing.rate, count: info.sampleCount };
      clock = { map: frameMap(poseClock, video) };
      clocks.set(key, clock);
      for (const w of clock.map.warnings) if (!warnings.includes(w)) warnings.push(w);
    }
    const confidencePath = joinPath(path, 'confidence');
    const hasConfidence = (await nwb.reader.entry(confidencePath))?.kind === 'dataset';
    keypoints.set(path.split('/').pop() ?? path, {
      info,
      clock,
      confidencePath: hasConfidence ? confidencePath : undefined,
      blocks: new Map(),
    });
  }

  const dims = pose.dimensions.find(d => d !== undefined);
  warnings.push(...(await geometryWarnings(nwb, pose, [...keypoints.values()], video, dims, signal)));

  const readBlock = (k: Keypoint, block: number) => {
    let p = k.blocks.get(block);
    if (!p) {
      p = loadBlock(nwb, k, block);
      k.blocks.set(block, p);
      p.catch(() => k.blocks.delete(block));
      // Oldest first out: Map keeps insertion order.
      while (k.blocks.size > BLOCKS_KEPT) k.blocks.delete(k.blocks.keys().next().value as number);
    }
    return p;
  };
  const nodes = pose.skeleton.nodes;
  // Every keypoint's clock maps the same video frames; the first one that knows their times says them.
  const frameTimes = [...clocks.values()].find(c => c.map.frameTimes)?.map.frameTimes;
  return {
    ...(frameTimes ? { frameTimes } : {}),
    label: `${nwb.h5.info.label} ${pose.path}`,
    skeleton: pose.skeleton,
    dimensions: dims,
    videoHints: pose.originalVideos,
    warnings,
    async framesBetween(first, last, callSignal) {
      const lo = Math.max(0, Math.ceil(first));
      const hi = Math.min(video.frames - 1, Math.floor(last));
      if (hi - lo + 1 > MAX_FRAMES_PER_CALL)
        throw new RangeError(`asked for ${hi - lo + 1} frames at once; at most ${MAX_FRAMES_PER_CALL}`);
      const out: PoseFrame[] = [];
      for (let frame = lo; frame <= hi; frame++) {
        callSignal?.throwIfAborted();
        const x = new Float32Array(nodes.length).fill(NaN);
        const y = new Float32Array(nodes.length).fill(NaN);
        let confidence: Float32Array | undefined;
        let any = false;
        for (let n = 0; n < nodes.length; n++) {
          const k = keypoints.get(nodes[n]);
          const sample = k ? k.clock.map.sampleOf(frame) : -1;
          if (!k || sample < 0 || sample >= k.info.sampleCount) continue;
          const block = await readBlock(k, Math.floor(sample / BLOCK));
          const at = sample % BLOCK;
          x[n] = block.x[at];
          y[n] = block.y[at];
          if (block.c) (confidence ??= new Float32Array(nodes.length).fill(NaN))[n] = block.c[at];
          any ||= Number.isFinite(x[n]) && Number.isFinite(y[n]);
        }
        if (any) out.push({ frame, instances: [{ track: undefined, x, y, confidence }] });
      }
      return out;
    },
    async close() {
      keypoints.forEach(k => k.blocks.clear());
    },
  };
}

async function loadBlock(
  nwb: NwbFile,
  k: Keypoint,
  block: number,
): Promise<{ x: Float32Array; y: Float32Array; c: Float32Array | undefined }> {
  const start = block * BLOCK;
  const count = Math.min(BLOCK, k.info.sampleCount - start);
  const raw = await nwb.reader.readNumbers(k.info.dataPath, { start: [start, 0], count: [count, 2] });
  const x = new Float32Array(count);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    x[i] = raw[2 * i] * k.info.conversion + k.info.offset;
    y[i] = raw[2 * i + 1] * k.info.conversion + k.info.offset;
  }
  const c = k.confidencePath
    ? Float32Array.from(await nwb.reader.readNumbers(k.confidencePath, { start: [start], count: [count] }))
    : undefined;
  return { x, y, c };
}

/**
 * Dimensions and origin: the size the pose was computed on against the video's, coordinates outside
 * the image, and a bottom-left origin claimed by coordinates that are plainly image coordinates.
 */
async function geometryWarnings(
  nwb: NwbFile,
  pose: PoseEstimationInfo,
  keypoints: Keypoint[],
  video: VideoTiming,
  dims: { width: number; height: number } | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  const warnings: string[] = [];
  if (dims && video.width && video.height && (dims.width !== video.width || dims.height !== video.height)) {
    warnings.push(
      `The pose was computed on ${dims.width}×${dims.height} images but the video is ${video.width}×${video.height}.`,
    );
  }
  const width = video.width ?? dims?.width;
  const height = video.height ?? dims?.height;
  const bottomLeft = /bottom[\s-]*left/i.test(pose.referenceFrame ?? '');
  if (!bottomLeft && (width === undefined || height === undefined)) return warnings;
  // A strided look at every keypoint: enough to tell image coordinates from anything else.
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const k of keypoints) {
    signal?.throwIfAborted();
    const n = k.info.sampleCount;
    const stride = Math.max(1, Math.ceil(n / 500));
    const count = Math.ceil(n / stride);
    if (!count) continue;
    const raw = await nwb.reader.readNumbers(
      k.info.dataPath,
      { start: [0, 0], count: [count, 2], stride: [stride, 1] },
      { signal },
    );
    for (let i = 0; i < count; i++) {
      const xv = raw[2 * i] * k.info.conversion + k.info.offset;
      const yv = raw[2 * i + 1] * k.info.conversion + k.info.offset;
      if (Number.isFinite(xv)) maxX = Math.max(maxX, xv);
      if (Number.isFinite(yv)) [minY, maxY] = [Math.min(minY, yv), Math.max(maxY, yv)];
    }
  }
  const fits =
    width !== undefined &&
    height !== undefined &&
    maxX <= width * 1.01 &&
    minY >= -0.01 * height &&
    maxY <= height * 1.01;
  if (bottomLeft) {
    const size = width !== undefined && height !== undefined ? `${width}×${height}` : undefined;
    warnings.push(
      fits
        ? `${pose.name} says (0,0) is the bottom left of the video, but its y values (${minY.toFixed(0)}…${maxY.toFixed(0)}) ` +
            `fit the ${size} image as image coordinates, as ${pose.sourceSoftware ?? 'pose tools'} write them: ` +
            `drawn with (0,0) at the top left.`
        : `${pose.name} says (0,0) is the bottom left of the video; drawn with (0,0) at the top left ` +
            `(image coordinates, as pose tools write them)${size ? `, though its coordinates do not fit the ${size} image` : ''}.`,
    );
  } else if (!fits && Number.isFinite(maxY)) {
    warnings.push(
      `Some keypoints lie outside the ${width}×${height} image (x up to ${maxX.toFixed(0)}, y ${minY.toFixed(0)}…${maxY.toFixed(0)}).`,
    );
  }
  return warnings;
}
