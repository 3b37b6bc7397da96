/**
 * ndx-pose in NWB files, any version: 0.1 keeps the skeleton as `nodes`/`edges` datasets on the
 * `PoseEstimation` group (or has none: the series names are the keypoints); 0.2+ links a `Skeleton`
 * (held in a `Skeletons` group) and the camera `Device`s from it. Everything here is metadata; the
 * keypoints are read by {@link openNwbPose} (nwbPoseSource.ts) once a video is paired.
 */
import type { NwbFile } from '../nwb/nwbFile';
import { joinPath, toNumber, valueToStrings } from '../nwb/reader';
import type { PoseEstimationInfo, PoseSkeleton } from './types';

/** Every `PoseEstimation` in the file: in any processing module, in acquisition, or one level below. */
export async function findPoseEstimations(nwb: NwbFile, signal?: AbortSignal): Promise<string[]> {
  const r = nwb.reader;
  const found: string[] = [];
  const visit = async (path: string, depth: number): Promise<void> => {
    signal?.throwIfAborted();
    if (!(await r.exists(path))) return;
    for (const child of await r.list(path)) {
      if (child.kind !== 'group') continue;
      if (child.neurodataType && (await nwb.isA(child.path, 'PoseEstimation'))) found.push(child.path);
      else if (depth > 0) await visit(child.path, depth - 1);
    }
  };
  await visit('/processing', 2);
  await visit('/acquisition', 1);
  return found;
}

/** What a `PoseEstimation` group says about itself: series, skeleton, videos, cameras, software. */
export async function readPoseEstimation(nwb: NwbFile, path: string): Promise<PoseEstimationInfo> {
  const r = nwb.reader;
  const group = await r.entry(path);
  if (group?.kind !== 'group') throw new Error(`${path}: no such group in ${nwb.h5.info.label}`);
  if (!(await nwb.isA(group.path, 'PoseEstimation')))
    throw new Error(
      `${path} is not an ndx-pose PoseEstimation (it is ${(await nwb.typeOf(path)) ?? 'untyped'})`,
    );
  const series: string[] = [];
  const cameras: string[] = [];
  let linkedSkeleton: string | undefined;
  for (const child of await r.list(path)) {
    // Links (the 0.2 skeleton and devices) are followed: the entry is then the target's.
    const target = child.kind === 'softLink' ? await r.entry(child.path) : child;
    if (!target || target.kind !== 'group') continue;
    const type = await nwb.typeOf(target.path);
    if (type === undefined) continue;
    const chain = await nwb.types.chain(type);
    if (chain.includes('PoseEstimationSeries')) series.push(target.path);
    else if (chain.includes('Skeleton')) linkedSkeleton ??= target.path;
    else if (chain.includes('Device')) cameras.push(target.name);
  }
  const stringsAt = async (name: string): Promise<string[]> =>
    (await r.entry(joinPath(path, name)))?.kind === 'dataset'
      ? valueToStrings(await r.scalar(joinPath(path, name)))
      : [];

  let skeleton: PoseSkeleton;
  let skeletonSource: PoseEstimationInfo['skeletonSource'];
  const seriesNames = series.map(p => p.split('/').pop() ?? p);
  if ((await r.entry(joinPath(path, 'nodes')))?.kind === 'dataset') {
    skeleton = await readNodesEdges(nwb, path);
    skeletonSource = 'nodes';
  } else if (linkedSkeleton) {
    skeleton = await readNodesEdges(nwb, linkedSkeleton);
    skeletonSource = 'skeleton';
  } else {
    skeleton = { nodes: seriesNames, edges: [] };
    skeletonSource = 'series';
  }
  // Series the skeleton does not name still get drawn: they join the nodes, without edges.
  for (const name of seriesNames) if (!skeleton.nodes.includes(name)) skeleton.nodes.push(name);
  const order = (p: string): number => skeleton.nodes.indexOf(p.split('/').pop() ?? p);
  series.sort((a, b) => order(a) - order(b));

  const software = joinPath(path, 'source_software');
  const hasSoftware = (await r.entry(software))?.kind === 'dataset';
  const firstSeries = series[0];
  const referencePath = firstSeries ? joinPath(firstSeries, 'reference_frame') : undefined;
  return {
    path: group.path,
    name: group.name,
    seriesPaths: series,
    skeleton,
    skeletonSource,
    originalVideos: await stringsAt('original_videos'),
    labeledVideos: await stringsAt('labeled_videos'),
    dimensions: await readDimensions(nwb, joinPath(path, 'dimensions')),
    cameras,
    sourceSoftware: hasSoftware ? (await stringsAt('source_software'))[0] : undefined,
    sourceSoftwareVersion: hasSoftware ? await r.attrString(software, 'version') : undefined,
    scorer: (await stringsAt('scorer'))[0],
    referenceFrame:
      referencePath && (await r.entry(referencePath))?.kind === 'dataset'
        ? valueToStrings(await r.scalar(referencePath))[0]
        : undefined,
  };
}

async function readNodesEdges(nwb: NwbFile, holder: string): Promise<PoseSkeleton> {
  const r = nwb.reader;
  const nodesPath = joinPath(holder, 'nodes');
  if ((await r.entry(nodesPath))?.kind !== 'dataset') throw new Error(`${holder} has no nodes dataset`);
  const nodes = valueToStrings(await r.scalar(nodesPath));
  const edges: Array<[number, number]> = [];
  const edgesPath = joinPath(holder, 'edges');
  if ((await r.entry(edgesPath))?.kind === 'dataset') {
    const flat = await r.readNumbers(edgesPath);
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const [a, b] = [flat[i], flat[i + 1]];
      // An edge naming a node that does not exist would draw to nowhere: leave it out.
      if (
        Number.isInteger(a) &&
        Number.isInteger(b) &&
        a >= 0 &&
        b >= 0 &&
        a < nodes.length &&
        b < nodes.length
      )
        edges.push([a, b]);
    }
  }
  return { nodes, edges };
}

/** `dimensions` rows as width × height; [0, 0] (DLC's "unknown") becomes undefined. */
async function readDimensions(
  nwb: NwbFile,
  path: string,
): Promise<Array<{ width: number; height: number } | undefined>> {
  const r = nwb.reader;
  if ((await r.entry(path))?.kind !== 'dataset') return [];
  const flat = await r.readNumbers(path);
  const out: Array<{ width: number; height: number } | undefined> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const width = toNumber(flat[i]) ?? 0;
    const height = toNumber(flat[i + 1]) ?? 0;
    out.push(width > 0 && height > 0 ? { width, height } : undefined);
  }
  return out;
}
