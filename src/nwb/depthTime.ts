/**
 * Depth × time data: a series whose columns are positions along a probe (current source density
 * over virtual channels, many-channel LFP). `depthLayout` finds the series behind the object and
 * where each of its channels sits: the container's `virtual_electrode_{y,x}_positions` (AllenSDK
 * EcephysCSD), the electrodes table's position along the probe, or, when neither fits, the
 * channel index (and says why). The samples themselves come from `series/window` (min/max per
 * pixel column), so the heatmap reads what the traces read.
 */
import type { H5Value } from '../hdf5/types';
import type { DepthLayout } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath, valueToText } from './reader';
import { regionRows } from './table';

/** Series with more channels than this offer the heatmap beside their traces. */
export const MANY_CHANNELS = 64;

/** Datasets of a depth container (AllenSDK EcephysCSD) that place its virtual channels, y first. */
const VIRTUAL_POSITIONS = ['virtual_electrode_y_positions', 'virtual_electrode_x_positions'];
/** Electrodes table columns that hold the position along the probe, most specific first. */
const PROBE_POSITION_COLUMNS = ['probe_vertical_position', 'rel_y', 'depth'];
/** Names and types that say "current source density" (a depth × time quantity by definition). */
const CSD_NAME = /(^|[^a-z])csd([^a-z]|$)|current_?source_?density/i;

/** `<path>/data` when it is a 2-D numeric dataset: its shape. */
async function matrixShape(nwb: NwbFile, path: string): Promise<[number, number] | null> {
  const data = await nwb.reader.entry(joinPath(path, 'data'));
  if (data?.kind !== 'dataset' || data.shape?.length !== 2) return null;
  const cls = (await nwb.reader.datasetInfo(data.path)).dtype.class;
  if (!['integer', 'float'].includes(cls)) return null;
  return [data.shape[0], data.shape[1]];
}

/** The child series of a container whose data are time × channels (the first one found). */
async function childMatrix(nwb: NwbFile, path: string): Promise<string | null> {
  const entry = await nwb.reader.entry(path);
  if (entry?.kind !== 'group') return null;
  for (const child of await nwb.reader.list(path)) {
    const target = await nwb.reader.entry(child.path);
    if (target?.kind === 'group' && (await matrixShape(nwb, child.path))) return child.path;
  }
  return null;
}

async function hasVirtualPositions(nwb: NwbFile, path: string): Promise<boolean> {
  for (const name of VIRTUAL_POSITIONS)
    if ((await nwb.reader.entry(joinPath(path, name)))?.kind === 'dataset') return true;
  return false;
}

/** A container that is depth × time by definition: it places virtual channels, or it names itself CSD. */
async function isDepthContainer(nwb: NwbFile, path: string): Promise<boolean> {
  if ((await nwb.reader.entry(path))?.kind !== 'group') return false;
  // The cheap signs first: they rule out almost every group without listing its children.
  const named = [path.split('/').pop() ?? '', ...(await nwb.chainOf(path))];
  if (!(await hasVirtualPositions(nwb, path)) && !named.some(n => CSD_NAME.test(n))) return false;
  if ((await matrixShape(nwb, path)) !== null) return false;
  return (await childMatrix(nwb, path)) !== null;
}

const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

/**
 * Whether the object's data are depth × time by definition (so the heatmap is its first view): a
 * CSD container, or the time × channel series inside one, or a series that names itself CSD.
 */
export async function isDepthByDefinition(nwb: NwbFile, path: string): Promise<boolean> {
  if (await isDepthContainer(nwb, path)) return true;
  if (!(await matrixShape(nwb, path))) return false;
  if (path !== '/' && (await isDepthContainer(nwb, parentOf(path)))) return true;
  return [path.split('/').pop() ?? '', ...(await nwb.chainOf(path))].some(n => CSD_NAME.test(n));
}

/** A series with more than {@link MANY_CHANNELS} channels along its second axis. */
export async function hasManyChannels(nwb: NwbFile, path: string): Promise<boolean> {
  const shape = await matrixShape(nwb, path);
  return shape !== null && shape[0] > 0 && shape[1] > MANY_CHANNELS;
}

interface Positions {
  values: number[];
  label: string;
  unit: string;
}

/** The position dataset's values when they place every channel (right length, finite, not all equal). */
function usable(values: ArrayLike<number>, channels: number): string | null {
  if (values.length !== channels) return `holds ${values.length} values for ${channels} channels`;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return 'holds values that are not finite';
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  return max > min ? null : 'places every channel at the same position';
}

const unitText = (unit: H5Value | undefined): string => {
  const text = unit === undefined ? '' : valueToText(unit).trim();
  return text === 'um' || text === 'microns' || text === 'micrometers' ? 'µm' : text;
};

/** The virtual channel positions of a CSD container: the axis that varies (y, else x). */
async function virtualPositions(
  nwb: NwbFile,
  container: string,
  channels: number,
  why: string[],
): Promise<Positions | null> {
  for (const name of VIRTUAL_POSITIONS) {
    const path = joinPath(container, name);
    if ((await nwb.reader.entry(path))?.kind !== 'dataset') continue;
    const values = await nwb.reader.readNumbers(path, undefined, { maxElements: 1_000_000 });
    const problem = usable(values, channels);
    if (problem) {
      why.push(`${name} ${problem}`);
      continue;
    }
    const label = name.replace(/_positions$/, ' position').replace(/_/g, ' ');
    return { values: Array.from(values), label, unit: unitText(await nwb.reader.attr(path, 'unit')) };
  }
  return null;
}

/** The position along the probe of each electrode the series records from (electrodes table). */
async function electrodePositions(
  nwb: NwbFile,
  series: string,
  channels: number,
  why: string[],
): Promise<Positions | null> {
  const region = joinPath(series, 'electrodes');
  const entry = await nwb.reader.entry(region);
  if (entry?.kind !== 'dataset' || (entry.shape?.length ?? 0) !== 1) return null;
  const { rows, table } = await regionRows(nwb, region, 1_000_000).catch(() => ({
    rows: [],
    table: undefined,
  }));
  if (!table) return null;
  for (const column of PROBE_POSITION_COLUMNS) {
    const path = joinPath(table, column);
    const col = await nwb.reader.entry(path);
    if (col?.kind !== 'dataset' || (col.shape?.length ?? 0) !== 1) continue;
    const all = await nwb.reader.readNumbers(path, undefined, { maxElements: 1_000_000 });
    const values = rows.map(row => (row >= 0 && row < all.length ? all[row] : NaN));
    const problem = usable(values, channels);
    if (problem) {
      why.push(`the electrodes' ${column} ${problem}`);
      continue;
    }
    const description = (await nwb.reader.attrString(path, 'description')) ?? '';
    const unit = unitText(await nwb.reader.attr(path, 'unit')) || (/micron/i.test(description) ? 'µm' : '');
    return { values, label: column.replace(/_/g, ' '), unit };
  }
  return null;
}

/** Where the object's time × channel series is and where its channels sit along depth. */
export async function depthLayout(nwb: NwbFile, path: string): Promise<DepthLayout> {
  const own = await matrixShape(nwb, path);
  const seriesPath = own ? path : await childMatrix(nwb, path);
  if (!seriesPath) throw new Error(`${path} holds no series of time × channels`);
  const shape = own ?? (await matrixShape(nwb, seriesPath));
  if (!shape) throw new Error(`${seriesPath} holds no 2-D numeric data`);
  const channels = shape[1];
  const container = own ? parentOf(path) : path;
  const why: string[] = [];
  const positions =
    (await virtualPositions(nwb, seriesPath, channels, why)) ??
    (await virtualPositions(nwb, container, channels, why)) ??
    (await electrodePositions(nwb, seriesPath, channels, why));
  const layout: DepthLayout = {
    path,
    seriesPath,
    channelCount: channels,
    positions: positions?.values ?? null,
    positionLabel: positions?.label ?? 'channel',
    positionUnit: positions?.unit ?? '',
    byDefinition: await isDepthByDefinition(nwb, path),
  };
  if (!positions && why.length) layout.note = `Rows are channel indices: ${why.join('; ')}.`;
  return layout;
}
