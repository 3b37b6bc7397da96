/**
 * SLEAP `.slp` label files (HDF5, format_id 1.0–1.4) as pose sources, read through the project's
 * HDF5 engine. Layout (sleap-io `dev/formats/slp.md`): `/metadata` attributes `format_id` and
 * `json` (skeletons, node names), `videos_json`, `tracks_json`, and the tables `frames` (one row
 * per labelled frame: video, frame_idx, instance range), `instances` (type 0 user / 1 predicted,
 * track, from_predicted, point range) and `points` / `pred_points` (x, y, visible, complete[, score]).
 * Which instances a frame shows follows SLEAP's `LabeledFrame.instances_to_show`: a prediction a
 * user instance replaced (same track, or `from_predicted` when the frame has no tracks) is hidden.
 */
import type { H5Value, Hdf5File } from '../hdf5/types';
import { toNumber, valueToStrings } from '../nwb/reader';
import type { PoseFrame, PoseInstance, PoseSkeleton, PoseSource } from './types';

/** The most frames one `framesBetween` call may span. */
const MAX_FRAMES_PER_CALL = 100_000;

export interface SlpLabels {
  formatId: number;
  skeletons: PoseSkeleton[];
  /** Video file names as the file records them (often the labeller's absolute path). */
  videos: string[];
  tracks: string[];
  /** Labelled frames per video (index as in `videos`). */
  labeledFrames: number[];
  /** Last labelled frame + 1 per video. */
  frameSpan: number[];
  /** The pose of one of the file's videos (0 unless the project labels several). */
  source(video?: number): PoseSource;
  close(): Promise<void>;
}

interface FrameRow {
  instanceStart: number;
  instanceEnd: number;
}

type Row = Record<string, H5Value>;

export async function openSlp(h5: Hdf5File, signal?: AbortSignal): Promise<SlpLabels> {
  const label = h5.info.label;
  const metaAttrs = await h5.attributes('/metadata').catch(() => {
    throw new Error(`${label} is not a SLEAP .slp file (no /metadata group)`);
  });
  const formatId = toNumber(metaAttrs.find(a => a.name === 'format_id')?.value) ?? NaN;
  const jsonText = metaAttrs.find(a => a.name === 'json')?.value;
  if (!Number.isFinite(formatId) || typeof jsonText !== 'string')
    throw new Error(`${label}: /metadata lacks format_id or json; not a SLEAP labels file`);
  const skeletons = parseSkeletons(jsonText, label);
  const videos = (await readJsonRows(h5, '/videos_json')).map(videoFilename);
  const tracks = (await readJsonRows(h5, '/tracks_json')).map(t =>
    Array.isArray(t) && typeof t[1] === 'string' ? t[1] : String(t),
  );

  signal?.throwIfAborted();
  const frames = await readRows(h5, '/frames');
  const byVideo = new Map<number, Map<number, FrameRow[]>>();
  for (const f of frames) {
    const video = Number(f.video);
    const frameIdx = Number(f.frame_idx);
    let rows = byVideo.get(video);
    if (!rows) byVideo.set(video, (rows = new Map()));
    const list = rows.get(frameIdx) ?? [];
    list.push({ instanceStart: Number(f.instance_id_start), instanceEnd: Number(f.instance_id_end) });
    rows.set(frameIdx, list);
  }
  // Format 1.0 stored gridline coordinates; SLEAP shifts them to pixel centres on read.
  const shift = formatId < 1.1 ? -0.5 : 0;

  const source = (videoIndex = 0): PoseSource => {
    if (!Number.isInteger(videoIndex) || videoIndex < 0 || videoIndex >= Math.max(1, videos.length))
      throw new Error(`${label} has ${videos.length} video(s); there is no video ${videoIndex}`);
    const rows = byVideo.get(videoIndex) ?? new Map<number, FrameRow[]>();
    const skeleton = skeletons[0] ?? { nodes: [], edges: [] };
    return {
      label: videos.length > 1 ? `${label} (video ${videoIndex})` : label,
      skeleton,
      dimensions: undefined,
      videoHints: videos[videoIndex] ? [videos[videoIndex]] : [],
      warnings:
        skeletons.length > 1 ? [`${label} has ${skeletons.length} skeletons; the first is drawn.`] : [],
      async framesBetween(first, last, callSignal) {
        const lo = Math.max(0, Math.ceil(first));
        const hi = Math.floor(last);
        if (hi - lo + 1 > MAX_FRAMES_PER_CALL)
          throw new RangeError(`asked for ${hi - lo + 1} frames at once; at most ${MAX_FRAMES_PER_CALL}`);
        const wanted: Array<[number, FrameRow[]]> = [];
        for (let frame = lo; frame <= hi; frame++) {
          const r = rows.get(frame);
          if (r) wanted.push([frame, r]);
        }
        if (!wanted.length) return [];
        const all = wanted.flatMap(([, r]) => r);
        const i0 = all.reduce((m, r) => Math.min(m, r.instanceStart), Infinity);
        const i1 = all.reduce((m, r) => Math.max(m, r.instanceEnd), -Infinity);
        const instances = await readRows(h5, '/instances', i0, i1 - i0, callSignal);
        const shown = wanted.map(([frame, r]) => ({
          frame,
          instances: instancesToShow(
            r.flatMap(fr => instances.slice(fr.instanceStart - i0, fr.instanceEnd - i0)),
          ),
        }));
        const points = await pointReader(
          h5,
          shown.flatMap(s => s.instances),
          callSignal,
        );
        return shown.map(({ frame, instances: list }): PoseFrame => ({
          frame,
          instances: list.map(inst => toPoseInstance(inst, points, skeleton.nodes.length, tracks, shift)),
        }));
      },
      async close() {},
    };
  };

  return {
    formatId,
    skeletons,
    videos,
    tracks,
    labeledFrames: videos.map((_, i) => byVideo.get(i)?.size ?? 0),
    frameSpan: videos.map((_, i) => {
      let last = -1;
      for (const frame of byVideo.get(i)?.keys() ?? []) last = Math.max(last, frame);
      return last + 1;
    }),
    source,
    close: () => h5.close(),
  };
}

/** SLEAP's rule: predictions a user instance replaced are not shown (by track, else by from_predicted). */
function instancesToShow(instances: Row[]): Row[] {
  const isUser = (i: Row) => Number(i.instance_type) === 0;
  const anyTracks = instances.some(i => Number(i.track) >= 0);
  if (anyTracks) {
    const used = new Set(instances.filter(i => isUser(i) && Number(i.track) >= 0).map(i => Number(i.track)));
    return instances.filter(i => isUser(i) || !used.has(Number(i.track)));
  }
  const replaced = new Set(
    instances.filter(i => Number(i.from_predicted) >= 0).map(i => Number(i.from_predicted)),
  );
  return instances.filter(i => isUser(i) || !replaced.has(Number(i.instance_id)));
}

type PointLookup = (dataset: 'points' | 'pred_points', index: number) => Row | undefined;

/** Reads the span of `points` and of `pred_points` the instances use (two reads at most). */
async function pointReader(h5: Hdf5File, instances: Row[], signal?: AbortSignal): Promise<PointLookup> {
  const spans = new Map<'points' | 'pred_points', { start: number; rows: Row[] }>();
  for (const dataset of ['points', 'pred_points'] as const) {
    const mine = instances.filter(i => (Number(i.instance_type) === 0) === (dataset === 'points'));
    if (!mine.length) continue;
    const start = mine.reduce((m, i) => Math.min(m, Number(i.point_id_start)), Infinity);
    const end = mine.reduce((m, i) => Math.max(m, Number(i.point_id_end)), -Infinity);
    spans.set(dataset, { start, rows: await readRows(h5, `/${dataset}`, start, end - start, signal) });
  }
  return (dataset, index) => {
    const span = spans.get(dataset);
    return span?.rows[index - span.start];
  };
}

function toPoseInstance(
  inst: Row,
  points: PointLookup,
  nodeCount: number,
  tracks: string[],
  shift: number,
): PoseInstance {
  const user = Number(inst.instance_type) === 0;
  const start = Number(inst.point_id_start);
  const count = Math.min(nodeCount, Number(inst.point_id_end) - start);
  const x = new Float32Array(nodeCount).fill(NaN);
  const y = new Float32Array(nodeCount).fill(NaN);
  const confidence = user ? undefined : new Float32Array(nodeCount).fill(NaN);
  for (let n = 0; n < count; n++) {
    const p = points(user ? 'points' : 'pred_points', start + n);
    if (!p || p.visible === false || p.visible === 0) continue;
    x[n] = Number(p.x) + shift;
    y[n] = Number(p.y) + shift;
    if (confidence) confidence[n] = Number(p.score);
  }
  const track = Number(inst.track);
  return { track: track >= 0 ? (tracks[track] ?? `track ${track}`) : undefined, x, y, confidence };
}

async function readRows(
  h5: Hdf5File,
  path: string,
  start?: number,
  count?: number,
  signal?: AbortSignal,
): Promise<Row[]> {
  if (count === 0) return [];
  const selection = start === undefined ? undefined : { start: [start], count: [count ?? 0] };
  const result = await h5.read(path, selection, { signal, maxElements: 50_000_000 });
  if (!Array.isArray(result.data) || result.dtype.class !== 'compound')
    throw new Error(
      `${h5.info.label}: ${path} is ${result.dtype.display}, not the compound table SLEAP writes`,
    );
  return result.data.filter(
    (r): r is Row => typeof r === 'object' && r !== null && !Array.isArray(r) && !('ref' in r),
  );
}

/** `videos_json` / `tracks_json`: one JSON text per row; an empty float dataset when there are none. */
async function readJsonRows(h5: Hdf5File, path: string): Promise<unknown[]> {
  const entry = await h5.entry(path).catch(() => undefined);
  if (entry?.kind !== 'dataset' || !entry.shape?.[0]) return [];
  const result = await h5.read(path);
  return valueToStrings(Array.isArray(result.data) ? result.data : []).map(text => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`${h5.info.label}: ${path} holds text that is not JSON: ${text.slice(0, 80)}`);
    }
  });
}

function videoFilename(v: unknown): string {
  const o = (typeof v === 'object' && v !== null ? v : {}) as {
    filename?: unknown;
    backend?: { filename?: unknown };
  };
  const name = o.backend?.filename ?? o.filename;
  return typeof name === 'string' ? name : '';
}

interface SkeletonJson {
  links?: Array<{ source?: unknown; target?: unknown; type?: unknown }>;
  nodes?: Array<{ id?: unknown }>;
}

/**
 * Skeletons from the metadata JSON, as sleap-io reads them: `nodes` at the top are every node name;
 * a skeleton's `nodes` list indices into it (its own order is the order of an instance's points),
 * and its `links` of edge type 1 are the edges (2 are symmetries), by those global indices.
 */
function parseSkeletons(jsonText: string, label: string): PoseSkeleton[] {
  let meta: { nodes?: Array<{ name?: unknown }>; skeletons?: SkeletonJson[] };
  try {
    meta = JSON.parse(jsonText) as typeof meta;
  } catch {
    throw new Error(`${label}: /metadata json is not JSON`);
  }
  const names = (meta.nodes ?? []).map(n => String(n.name ?? ''));
  return (meta.skeletons ?? []).map(skel => {
    const ids = (skel.nodes ?? []).map(n => Number(n.id));
    const nodes = ids.map(i => names[i] ?? `node ${i}`);
    const edges: Array<[number, number]> = [];
    for (const link of skel.links ?? []) {
      if (edgeType(link.type) !== 1) continue;
      const a = ids.indexOf(Number(link.source));
      const b = ids.indexOf(Number(link.target));
      if (a >= 0 && b >= 0) edges.push([a, b]);
    }
    return { nodes, edges };
  });
}

/** jsonpickle's EdgeType: `{"py/reduce": [{...}, {"py/tuple": [1]}]}`, or `{"py/id": n}` for a repeat. */
function edgeType(type: unknown): number {
  const t = (typeof type === 'object' && type !== null ? type : {}) as {
    'py/reduce'?: Array<{ 'py/tuple'?: unknown[] }>;
    'py/id'?: unknown;
  };
  const tuple = t['py/reduce']?.[1]?.['py/tuple'];
  if (Array.isArray(tuple)) return Number(tuple[0]);
  return Number(t['py/id']);
}
