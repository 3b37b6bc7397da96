/** The inspector: attributes, storage details (h5dump -H -p level) and the type's schema docs. */
import type { DatasetSlice, Inspection, SliceParams } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import { valueStats } from '../shared/valueStats';
import type { NwbFile } from './nwbFile';
import { product } from './reader';

export async function inspectObject(nwb: NwbFile, path: string): Promise<Inspection> {
  const entry = await nwb.reader.entry(path);
  if (!entry) throw new Error(`${path} does not exist`);
  const attributes =
    entry.kind === 'group' || entry.kind === 'dataset' ? await nwb.reader.attributeList(path) : [];
  const result: Inspection = { entry, attributes, typeChain: [] };
  if (entry.kind === 'dataset') {
    const info = await nwb.reader.datasetInfo(path);
    result.dataset = info;
    const raw = info.size * info.dtype.size;
    if (info.storageSize && raw > 0) result.compressionRatio = raw / info.storageSize;
  }
  const type = await nwb.typeOf(path);
  if (type) result.typeChain = await nwb.types.docs(type);
  return result;
}

/** A hyperslab of any dataset: numbers as float64, everything else as values. */
export async function datasetSlice(
  nwb: NwbFile,
  params: SliceParams,
  signal?: AbortSignal,
): Promise<DatasetSlice> {
  const info = await nwb.reader.datasetInfo(params.path);
  const rank = info.shape.length;
  const start = rank ? (params.start ?? info.shape.map(() => 0)) : undefined;
  const stride = rank ? (params.stride ?? info.shape.map(() => 1)) : undefined;
  const count = rank
    ? (params.count ?? info.shape.map((n, i) => Math.ceil((n - (start?.[i] ?? 0)) / (stride?.[i] ?? 1))))
    : undefined;
  if (rank && (start?.length !== rank || count?.length !== rank || stride?.length !== rank)) {
    throw new Error(`the selection must have ${rank} dimensions`);
  }
  const shape = count ?? [];
  const elements = product(shape);
  if (elements > nwb.limits.maxElements) {
    throw new Error(
      `the selection has ${elements} elements, more than the limit of ${nwb.limits.maxElements}; select less`,
    );
  }
  const selection = rank ? { start, count, stride } : undefined;
  const options = { signal, maxElements: nwb.limits.maxElements };
  if (['integer', 'float', 'boolean', 'enum', 'bitfield'].includes(info.dtype.class)) {
    const data = await nwb.reader.readNumbers(params.path, selection, options);
    const stats = valueStats(data);
    return {
      kind: 'numeric',
      shape,
      dtype: info.dtype,
      data: toArrayBuffer(data),
      min: Number.isNaN(stats.min) ? 0 : stats.min,
      max: Number.isNaN(stats.max) ? 0 : stats.max,
      stats,
    };
  }
  return {
    kind: 'values',
    shape,
    dtype: info.dtype,
    values: await nwb.reader.readValues(params.path, selection, options),
  };
}
