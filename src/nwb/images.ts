/**
 * Image frames: Image datasets (GrayscaleImage [h, w], RGB(A)Image [h, w, 3|4]), 3-D stacks, and
 * frame i (plane z) of ImageSeries / TwoPhotonSeries / OnePhotonSeries with internal data
 * ([frames, h, w] or [frames, h, w, z]). One frame is read per request, with contrast statistics.
 */
import type { ImageFrame } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import { valueStats } from '../shared/valueStats';
import type { NwbFile } from './nwbFile';
import { joinPath, valueToStrings } from './reader';
import { sampleTimes } from './seriesTime';
import { seriesInfo } from './timeseries';

interface FrameLayout {
  dataPath: string;
  /** Axis of frames (series/stacks) or null for a single image. */
  frameAxis: boolean;
  height: number;
  width: number;
  channels: 1 | 3 | 4;
  frameCount: number;
  planeCount: number;
}

async function layoutOf(nwb: NwbFile, path: string): Promise<FrameLayout> {
  const r = nwb.reader;
  const entry = await r.entry(path);
  if (!entry) throw new Error(`${path} does not exist`);
  if (entry.kind === 'group') {
    const dataPath = joinPath(path, 'data');
    const data = await r.entry(dataPath);
    if (data?.kind !== 'dataset') throw new Error(`${path} has no data dataset`);
    const shape = data.shape ?? [];
    if (shape.length < 3 || shape[0] === 0) {
      const external = valueToStrings(await r.scalar(joinPath(path, 'external_file')).catch(() => undefined));
      if (external.length)
        throw new Error(`the frames of ${path} are stored outside the file: ${external.join(', ')}`);
      throw new Error(`${dataPath} has shape [${shape.join(', ')}], not [frames, height, width]`);
    }
    const rgb = shape.length === 4 && (shape[3] === 3 || shape[3] === 4) && nwbTypeIsRgb(entry.neurodataType);
    return {
      dataPath,
      frameAxis: true,
      frameCount: shape[0],
      height: shape[1],
      width: shape[2],
      channels: rgb ? (shape[3] as 3 | 4) : 1,
      planeCount: shape.length === 4 && !rgb ? shape[3] : 1,
    };
  }
  const shape = entry.shape ?? [];
  if (shape.length === 2)
    return {
      dataPath: path,
      frameAxis: false,
      frameCount: 1,
      height: shape[0],
      width: shape[1],
      channels: 1,
      planeCount: 1,
    };
  if (shape.length === 3 && (shape[2] === 3 || shape[2] === 4)) {
    return {
      dataPath: path,
      frameAxis: false,
      frameCount: 1,
      height: shape[0],
      width: shape[1],
      channels: shape[2] as 3 | 4,
      planeCount: 1,
    };
  }
  if (shape.length === 3)
    return {
      dataPath: path,
      frameAxis: true,
      frameCount: shape[0],
      height: shape[1],
      width: shape[2],
      channels: 1,
      planeCount: 1,
    };
  throw new Error(`${path} has shape [${shape.join(', ')}], which is not an image`);
}

function nwbTypeIsRgb(type: string | undefined): boolean {
  return type === undefined || !/TwoPhoton|OnePhoton/.test(type);
}

export async function imageFrame(
  nwb: NwbFile,
  path: string,
  index = 0,
  plane = 0,
  signal?: AbortSignal,
): Promise<ImageFrame> {
  const layout = await layoutOf(nwb, path);
  const i = clampInt(index, 0, layout.frameCount - 1);
  const z = clampInt(plane, 0, layout.planeCount - 1);
  const { height, width, channels } = layout;
  const pixels = height * width * channels;
  if (pixels > nwb.limits.maxElements)
    throw new Error(
      `a frame of ${path} has ${pixels} values, more than the limit of ${nwb.limits.maxElements}`,
    );
  let selection;
  if (layout.frameAxis) {
    const start = [i, 0, 0];
    const count = [1, height, width];
    if (layout.planeCount > 1 || channels > 1) {
      start.push(layout.planeCount > 1 ? z : 0);
      count.push(layout.planeCount > 1 ? 1 : channels);
    }
    selection = { start, count };
  }
  const raw = await nwb.reader.readNumbers(layout.dataPath, selection, {
    signal,
    maxElements: nwb.limits.maxElements,
  });
  const data = Float32Array.from(raw);
  const stats = contrastStats(data);
  const frame: ImageFrame = {
    path,
    width,
    height,
    channels,
    data: toArrayBuffer(data),
    ...stats,
    frameCount: layout.frameCount,
    index: i,
    planeCount: layout.planeCount,
    plane: z,
    stats: valueStats(data),
  };
  if (layout.dataPath !== path) {
    try {
      const info = await seriesInfo(nwb, path);
      frame.time = (await sampleTimes(nwb, info, i, 1, signal))[0];
      frame.unit = info.unit;
    } catch {
      // Frames without a usable time axis still show.
    }
  }
  return frame;
}

/** min, max and the 1st/99th percentiles (over a sample of at most 100 000 values). */
export function contrastStats(data: ArrayLike<number>): {
  min: number;
  max: number;
  p1: number;
  p99: number;
} {
  let min = Infinity;
  let max = -Infinity;
  const step = Math.max(1, Math.floor(data.length / 100_000));
  const sample: number[] = [];
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (k % step === 0) sample.push(v);
  }
  if (!sample.length) return { min: 0, max: 0, p1: 0, p99: 0 };
  sample.sort((a, b) => a - b);
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.floor(q * (sample.length - 1)))];
  return { min, max, p1: at(0.01), p99: at(0.99) };
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.floor(Number.isFinite(v) ? v : 0)));
}
