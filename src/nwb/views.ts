/**
 * Which view shows an object: by neurodata_type through the inheritance chain (so extension types
 * get their ancestors' views), with a generic fallback. The raw group/dataset view is always
 * offered last.
 */
import type { ViewKind, ViewResolution } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath } from './reader';

/** Checked in order: the first type found in the chain decides. */
const VIEW_BY_TYPE: [string, ViewKind[]][] = [
  ['NWBFile', ['overview']],
  ['PoseEstimation', ['pose']],
  ['PlaneSegmentation', ['planeSegmentation', 'table']],
  ['ImageSegmentation', ['group']],
  ['Units', ['units', 'table']],
  ['TimeIntervals', ['intervals', 'table']],
  ['IntracellularRecordingsTable', ['icephys', 'table']],
  ['SweepTable', ['icephys', 'table']],
  ['SequentialRecordingsTable', ['icephys', 'table']],
  ['SimultaneousRecordingsTable', ['icephys', 'table']],
  ['SpatialSeries', ['spatial', 'timeseries']],
  ['Position', ['spatial']],
  ['CompassDirection', ['spatial']],
  ['EyeTracking', ['spatial']],
  ['PupilTracking', ['group']],
  ['ImageSeries', ['imageSeries', 'timeseries']],
  ['PatchClampSeries', ['timeseries', 'icephys']],
  ['TimeSeries', ['timeseries']],
  ['Image', ['image']],
  ['Images', ['images']],
  ['DynamicTable', ['table']],
];

export async function resolveView(nwb: NwbFile, path: string): Promise<ViewResolution> {
  const entry = await nwb.reader.entry(path);
  if (!entry) {
    const raw = await nwb.h5.entry(path).catch(() => null);
    if (raw && raw.kind !== 'group' && raw.kind !== 'dataset') {
      throw new Error(`${path} is a ${raw.kind === 'externalLink' ? 'link into another file' : 'broken link'} (→ ${raw.target ?? '?'})`);
    }
    throw new Error(`${path} does not exist`);
  }
  const raw: ViewKind = entry.kind === 'dataset' ? 'dataset' : 'group';
  const type = await nwb.typeOf(path);
  const inheritance = type ? await nwb.types.chain(type) : [];
  let views: ViewKind[] | null = null;
  if (path === '/' && ((await nwb.version()) !== null || inheritance.includes('NWBFile'))) views = ['overview'];
  else {
    for (const [t, v] of VIEW_BY_TYPE) {
      if (inheritance.includes(t)) {
        views = v;
        break;
      }
    }
  }
  // A typed object whose data cannot feed its views (text annotations, external video) gets the raw view.
  views = views ? await refine(nwb, path, views) : await untypedViews(nwb, path, entry.kind);
  const all = [...new Set([...views, raw])];
  return { path, view: all[0], neurodataType: type, inheritance, alternatives: all.slice(1) };
}

/** Drops views the object's data cannot feed (e.g. an ImageSeries whose frames are in an external file). */
async function refine(nwb: NwbFile, path: string, views: ViewKind[]): Promise<ViewKind[]> {
  const out: ViewKind[] = [];
  for (const view of views) {
    if (view === 'imageSeries' || view === 'timeseries' || view === 'spatial') {
      const data = await nwb.reader.entry(joinPath(path, 'data'));
      const shape = data?.kind === 'dataset' ? (data.shape ?? []) : null;
      const dtypeClass = data?.kind === 'dataset' ? (await nwb.reader.datasetInfo(data.path)).dtype.class : null;
      if (view === 'spatial' && shape === null && !(await hasSpatialChildren(nwb, path))) continue;
      if (view !== 'spatial' && (!shape || shape.length === 0 || shape[0] === 0)) continue;
      if (view === 'imageSeries' && shape && shape.length < 3) continue;
      if (view !== 'spatial' && dtypeClass && !['integer', 'float', 'boolean', 'enum'].includes(dtypeClass)) continue;
      if (view === 'timeseries' && shape && shape.length > 2 && views.includes('imageSeries')) continue;
    }
    out.push(view);
  }
  return out;
}

async function hasSpatialChildren(nwb: NwbFile, path: string): Promise<boolean> {
  for (const child of await nwb.reader.typedChildren(path)) if (await nwb.isA(child.path, 'SpatialSeries')) return true;
  return false;
}

/** Objects without a neurodata_type: tables by `colnames`, series-like groups by `data` + time axis, images by shape. */
async function untypedViews(nwb: NwbFile, path: string, kind: string): Promise<ViewKind[]> {
  if (kind === 'group') {
    if ((await nwb.reader.attr(path, 'colnames')) !== undefined) return ['table'];
    const data = await nwb.reader.entry(joinPath(path, 'data'));
    const hasTime = (await nwb.reader.exists(joinPath(path, 'timestamps'))) || (await nwb.reader.exists(joinPath(path, 'starting_time')));
    return data?.kind === 'dataset' && hasTime ? refine(nwb, path, ['timeseries']) : [];
  }
  return [];
}
