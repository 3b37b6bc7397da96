/**
 * Persistent cache of finished min/max pyramids: one file per (blob identity, dataset path), the
 * identity the metadata cache keys on (src/hdf5/metadataCache.ts), in a folder of its own beside
 * that cache, under its own byte bound with least recently used files evicted first. Each file
 * carries the sha256 of its body and a format version: a damaged or outdated file is deleted on
 * load. Files of assets read with an API key are marked private and deleted at sign-out.
 * Version 2 adds the block times of series with timestamps; version 1 files (no times) still load.
 */
import { EntryFolder, type EntryHeader } from '../util/entryFolder';
import { OverviewPyramid, type PyramidLevel } from './overviewPyramid';
import { BlockTimes } from './overviewTimes';

const VERSION = 2;
/** Versions this store reads: 1 is 2 without block times. */
const READABLE = new Set([1, VERSION]);
const SUFFIX = '.h5pyramid';

/**
 * Its body: per level min, max, then NaN counts (uint32); then, when `times`, the finest blocks'
 * first and last sample times and longest inner steps (float64 each).
 */
interface Header extends EntryHeader {
  identity: string;
  dataPath: string;
  sampleCount: number;
  channelCount: number;
  /** Min/max stored as float32 when every value survives it exactly, else float64. */
  valueType: 'f32' | 'f64';
  levels: { shift: number; blocks: number }[];
  /** The body ends with the block times (version 2). */
  times?: boolean;
}

export interface OverviewStoreOptions {
  /** Entries saved are private (the file was read with an API key). */
  private?: boolean;
}

export class OverviewStore {
  private readonly folder: EntryFolder;

  constructor(
    dir: string,
    maxBytes: number,
    private readonly options: OverviewStoreOptions = {},
  ) {
    this.folder = new EntryFolder(dir, SUFFIX, maxBytes);
  }

  private fileFor(identity: string, dataPath: string): string {
    return this.folder.fileFor(`${identity}\n${dataPath}`);
  }

  /** The finished pyramid of this dataset, or null; a damaged or outdated file is deleted. */
  async load(identity: string, dataPath: string): Promise<OverviewPyramid | null> {
    const file = this.fileFor(identity, dataPath);
    const read = await this.folder.read<Header>(file);
    if (!read) return null;
    const pyramid = parsePyramid(read.header, read.body);
    if (!pyramid) {
      await this.folder.drop(file);
      return null;
    }
    // A hash prefix collision with another dataset is not damage: leave that file alone.
    if (read.header.identity !== identity || read.header.dataPath !== dataPath) return null;
    return pyramid;
  }

  async save(identity: string, dataPath: string, pyramid: OverviewPyramid): Promise<void> {
    const valueType = pyramid.levels.every(l => fitsFloat32(l.min) && fitsFloat32(l.max)) ? 'f32' : 'f64';
    const parts: Uint8Array[] = [];
    for (const level of pyramid.levels) {
      for (const values of [level.min, level.max]) {
        const typed = valueType === 'f32' ? Float32Array.from(values) : values;
        parts.push(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
      }
      parts.push(new Uint8Array(level.nan.buffer, level.nan.byteOffset, level.nan.byteLength));
    }
    const times = pyramid.times;
    for (const values of times ? [times.first, times.last, times.maxStep] : [])
      parts.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    const header: Omit<Header, 'sha256'> = {
      version: VERSION,
      identity,
      dataPath,
      sampleCount: pyramid.sampleCount,
      channelCount: pyramid.channelCount,
      valueType,
      private: this.options.private ?? false,
      levels: pyramid.levels.map(l => ({ shift: l.shift, blocks: l.blocks })),
      times: times !== null,
    };
    await this.folder.write(this.fileFor(identity, dataPath), header, parts);
  }
}

/** Deletes every private pyramid (and any unreadable one): at sign-out. Returns how many. */
export function forgetPrivateOverviews(dir: string): Promise<number> {
  return new EntryFolder(dir, SUFFIX, Infinity).forgetPrivate();
}

function fitsFloat32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Math.fround(v) !== v && !Number.isNaN(v)) return false;
  }
  return true;
}

/** The pyramid a verified file holds, when its header is of this version and matches its body. */
function parsePyramid(header: Header, body: Buffer): OverviewPyramid | null {
  if (!READABLE.has(header.version) || !Array.isArray(header.levels)) return null;
  const { sampleCount, channelCount } = header;
  if (!Number.isSafeInteger(sampleCount) || !Number.isSafeInteger(channelCount)) return null;
  if (sampleCount <= 0 || channelCount <= 0 || header.levels.length === 0) return null;
  const valueBytes = header.valueType === 'f32' ? 4 : 8;
  let at = 0;
  const take = (bytes: number): Uint8Array | null => {
    if (at + bytes > body.length) return null;
    // A copy: typed arrays need their own aligned buffer.
    const out = new Uint8Array(body.subarray(at, at + bytes));
    at += bytes;
    return out;
  };
  const levels: PyramidLevel[] = [];
  for (const { shift, blocks } of header.levels) {
    if (!Number.isInteger(shift) || shift < 0 || shift > 31) return null;
    if (blocks !== Math.ceil(sampleCount / 2 ** shift)) return null;
    const n = blocks * channelCount;
    const min = take(n * valueBytes);
    const max = take(n * valueBytes);
    const nan = take(n * 4);
    if (!min || !max || !nan) return null;
    const values = (bytes: Uint8Array) =>
      valueBytes === 4 ? Float64Array.from(new Float32Array(bytes.buffer)) : new Float64Array(bytes.buffer);
    levels.push({ shift, blocks, min: values(min), max: values(max), nan: new Uint32Array(nan.buffer) });
  }
  const pyramid = new OverviewPyramid(sampleCount, channelCount, levels[0].shift, levels);
  if (header.version >= 2 && header.times === true) {
    const n = levels[0].blocks * 8;
    const [first, last, maxStep] = [take(n), take(n), take(n)];
    if (!first || !last || !maxStep) return null;
    pyramid.times = new BlockTimes(sampleCount, levels[0].shift, {
      first: new Float64Array(first.buffer),
      last: new Float64Array(last.buffer),
      maxStep: new Float64Array(maxStep.buffer),
    });
  }
  if (at !== body.length) return null;
  return pyramid;
}
