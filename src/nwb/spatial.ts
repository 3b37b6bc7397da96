/**
 * Trajectories: SpatialSeries (1-D, XY or XYZ), containers of them (Position, CompassDirection,
 * EyeTracking, ...), and ndx-pose PoseEstimation (one PoseEstimationSeries per keypoint, with
 * confidence, and a skeleton from `nodes`/`edges` (ndx-pose 0.1) or a linked Skeleton (0.2)).
 * Long series are strided to `maxPoints` per series.
 */
import type { SeriesInfo, Trajectory, TrajectorySet } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import type { NwbFile } from './nwbFile';
import { positionCoordinates } from './poseFrame';
import { joinPath, valueToStrings } from './reader';
import { sampleRange, sampleTimes, timeOfSample } from './seriesTime';
import { seriesInfo } from './timeseries';

const DEFAULT_MAX_POINTS = 20_000;

export async function trajectories(
  nwb: NwbFile,
  path: string,
  t0?: number,
  t1?: number,
  maxPoints = DEFAULT_MAX_POINTS,
  signal?: AbortSignal,
): Promise<TrajectorySet> {
  const isPose = await nwb.isA(path, 'PoseEstimation');
  let seriesPaths: string[];
  if (await nwb.isA(path, 'TimeSeries')) seriesPaths = [path];
  else {
    seriesPaths = [];
    for (const child of await nwb.reader.typedChildren(path)) {
      if (await nwb.isA(child.path, 'SpatialSeries')) seriesPaths.push(child.path);
    }
    if (!seriesPaths.length) throw new Error(`${path} holds no SpatialSeries`);
  }
  const skeleton = isPose ? await readSkeleton(nwb, path) : undefined;
  if (skeleton) {
    const order = (p: string) => {
      const i = skeleton.nodes.indexOf(p.split('/').pop() ?? '');
      return i < 0 ? Infinity : i;
    };
    seriesPaths.sort((a, b) => order(a) - order(b));
  }
  const series: Trajectory[] = [];
  let tStart = Infinity;
  let tEnd = -Infinity;
  let maxStride = 1;
  for (const p of seriesPaths) {
    signal?.throwIfAborted();
    const info = await seriesInfo(nwb, p);
    tStart = Math.min(tStart, info.tStart);
    tEnd = Math.max(tEnd, info.tEnd);
    const [start, end] = await sampleRange(nwb, info, t0 ?? info.tStart, t1 ?? info.tEnd);
    const n = end - start;
    const stride = Math.max(1, Math.ceil(n / Math.max(1, maxPoints)));
    maxStride = Math.max(maxStride, stride);
    const count = Math.ceil(n / stride);
    const dims = info.shape.length > 1 ? info.shape[1] : 1;
    const sel =
      info.shape.length > 1
        ? { start: [start, 0], count: [count, dims], stride: [stride, 1] }
        : { start: [start], count: [count], stride: [stride] };
    const raw =
      count > 0 ? await nwb.reader.readNumbers(info.dataPath, sel, { signal }) : new Float64Array(0);
    const x = new Float32Array(count);
    const y = dims > 1 ? new Float32Array(count) : undefined;
    for (let i = 0; i < count; i++) {
      x[i] = raw[i * dims] * info.conversion + info.offset;
      if (y) y[i] = raw[i * dims + 1] * info.conversion + info.offset;
    }
    const times =
      stride === 1
        ? await sampleTimes(nwb, info, start, count, signal)
        : await stridedTimes(nwb, info, start, count, stride, signal);
    const trajectory: Trajectory = {
      name: p.split('/').pop() ?? p,
      path: p,
      unit: info.unit,
      time: toArrayBuffer(times),
      x: toArrayBuffer(x),
    };
    if (y) trajectory.y = toArrayBuffer(y);
    const confidencePath = joinPath(p, 'confidence');
    if ((await nwb.reader.entry(confidencePath))?.kind === 'dataset' && count > 0) {
      const conf = await nwb.reader.readNumbers(
        confidencePath,
        { start: [start], count: [count], stride: [stride] },
        { signal },
      );
      trajectory.confidence = toArrayBuffer(Float32Array.from(conf));
    }
    series.push(trajectory);
  }
  const result: TrajectorySet = {
    path,
    kind: isPose ? 'pose' : 'spatial',
    series,
    tStart,
    tEnd,
    stride: maxStride,
    ...(await positionCoordinates(nwb, path, series)),
  };
  if (skeleton) result.skeleton = skeleton;
  return result;
}

async function stridedTimes(
  nwb: NwbFile,
  info: SeriesInfo,
  start: number,
  count: number,
  stride: number,
  signal?: AbortSignal,
): Promise<Float64Array> {
  if (info.timing.kind === 'timestamps') {
    return nwb.reader.readNumbers(
      info.timing.path,
      { start: [start], count: [count], stride: [stride] },
      { signal },
    );
  }
  return Float64Array.from({ length: count }, (_, i) => timeOfSample(info, start + i * stride));
}

async function readSkeleton(nwb: NwbFile, path: string): Promise<TrajectorySet['skeleton']> {
  const r = nwb.reader;
  let holder: string | undefined;
  if ((await r.entry(joinPath(path, 'nodes')))?.kind === 'dataset') holder = path;
  else {
    for (const child of await r.list(path)) {
      const target = child.kind === 'softLink' && child.target ? child.target : child.path;
      if (
        child.name === 'skeleton' ||
        child.neurodataType === 'Skeleton' ||
        (await nwb.typeOf(target)) === 'Skeleton'
      ) {
        holder = target;
        break;
      }
    }
  }
  if (!holder) return undefined;
  const nodes = valueToStrings(await r.scalar(joinPath(holder, 'nodes')));
  const edges: [number, number][] = [];
  if ((await r.entry(joinPath(holder, 'edges')))?.kind === 'dataset') {
    const flat = await r.readNumbers(joinPath(holder, 'edges'));
    for (let i = 0; i + 1 < flat.length; i += 2) edges.push([flat[i], flat[i + 1]]);
  }
  return { nodes, edges };
}
