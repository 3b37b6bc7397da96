/**
 * Persistent cache of finished min/max pyramids: one file per (blob identity, dataset path), the
 * identity the metadata cache keys on (src/hdf5/metadataCache.ts), in a folder of its own beside
 * that cache, under its own byte bound with least recently used files evicted first. Each file
 * carries the sha256 of its body and a format version: a damaged or outdated file is deleted on
 * load. Files of assets read with an API key are marked private and deleted at sign-out.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OverviewPyramid, type PyramidLevel } from './overviewPyramid';

const VERSION = 1;
const SUFFIX = '.h5pyramid';
const TEMP_SUFFIX = '.tmp';
/** A temp file this old was left by a write that never finished. */
const STALE_TEMP_MS = 10 * 60_000;

interface Header {
  version: number;
  identity: string;
  dataPath: string;
  sampleCount: number;
  channelCount: number;
  /** Min/max stored as float32 when every value survives it exactly, else float64. */
  valueType: 'f32' | 'f64';
  private: boolean;
  /** sha256 (hex) of the body: per level min, max, then NaN counts (uint32). */
  sha256: string;
  levels: { shift: number; blocks: number }[];
}

export interface OverviewStoreOptions {
  /** Entries saved are private (the file was read with an API key). */
  private?: boolean;
}

/** Folders already swept of leftover temp files by this process. */
const swept = new Set<string>();

export class OverviewStore {
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly options: OverviewStoreOptions = {},
  ) {}

  private fileFor(identity: string, dataPath: string): string {
    const key = createHash('sha256').update(`${identity}\n${dataPath}`).digest('hex').slice(0, 40);
    return join(this.dir, key + SUFFIX);
  }

  /** The finished pyramid of this dataset, or null; a damaged or outdated file is deleted. */
  async load(identity: string, dataPath: string): Promise<OverviewPyramid | null> {
    await this.sweepOnce();
    const file = this.fileFor(identity, dataPath);
    const data = await readFile(file).catch(() => null);
    if (!data) return null;
    const parsed = parseEntry(data);
    if (!parsed) {
      await unlink(file).catch(() => undefined);
      return null;
    }
    // A hash prefix collision with another dataset is not damage: leave that file alone.
    if (parsed.header.identity !== identity || parsed.header.dataPath !== dataPath) return null;
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return parsed.pyramid;
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
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    const header: Header = {
      version: VERSION,
      identity,
      dataPath,
      sampleCount: pyramid.sampleCount,
      channelCount: pyramid.channelCount,
      valueType,
      private: this.options.private ?? false,
      sha256: hash.digest('hex'),
      levels: pyramid.levels.map(l => ({ shift: l.shift, blocks: l.blocks })),
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32LE(json.length, 0);
    const total = 4 + json.length + parts.reduce((n, p) => n + p.byteLength, 0);
    if (total > this.maxBytes) return;
    await mkdir(this.dir, { recursive: true });
    const file = this.fileFor(identity, dataPath);
    const temp = `${file}.${process.pid}.${Date.now()}${TEMP_SUFFIX}`;
    try {
      await writeFile(temp, Buffer.concat([prefix, json, ...parts]));
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await this.evict();
  }

  /** Deletes least recently used files until the folder fits the bound. */
  private async evict(): Promise<void> {
    const entries = [];
    for (const name of (await readdir(this.dir)).filter(n => n.endsWith(SUFFIX))) {
      const s = await stat(join(this.dir, name)).catch(() => null);
      if (s) entries.push({ name, size: s.size, used: s.mtimeMs });
    }
    let total = entries.reduce((n, e) => n + e.size, 0);
    entries.sort((a, b) => a.used - b.used);
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      await unlink(join(this.dir, entry.name)).catch(() => undefined);
      total -= entry.size;
    }
  }

  /** Once per folder and process: temp files whose writer is gone, or that are old. */
  private async sweepOnce(): Promise<void> {
    if (swept.has(this.dir)) return;
    swept.add(this.dir);
    for (const name of (await readdir(this.dir).catch(() => [] as string[])).filter(n =>
      n.endsWith(TEMP_SUFFIX),
    )) {
      const path = join(this.dir, name);
      const pid = Number(/\.h5pyramid\.(\d+)\.\d+\.tmp$/.exec(name)?.[1] ?? NaN);
      const s = await stat(path).catch(() => null);
      if (s && (!isAlive(pid) || Date.now() - s.mtimeMs > STALE_TEMP_MS))
        await unlink(path).catch(() => undefined);
    }
  }
}

/** Deletes every private pyramid (and any unreadable one): at sign-out. Returns how many. */
export async function forgetPrivateOverviews(dir: string): Promise<number> {
  let removed = 0;
  for (const name of (await readdir(dir).catch(() => [] as string[])).filter(n => n.endsWith(SUFFIX))) {
    const path = join(dir, name);
    const header = await readFile(path)
      .then(parseHeader)
      .catch(() => null);
    if (header === null || header.private !== false) {
      await unlink(path).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fitsFloat32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Math.fround(v) !== v && !Number.isNaN(v)) return false;
  }
  return true;
}

function parseHeader(data: Buffer): Header | null {
  if (data.length < 4) return null;
  const length = data.readUInt32LE(0);
  if (4 + length > data.length) return null;
  try {
    return JSON.parse(data.subarray(4, 4 + length).toString('utf8')) as Header;
  } catch {
    return null;
  }
}

/** The header and pyramid when the file is whole, of this version and self-consistent; else null. */
function parseEntry(data: Buffer): { header: Header; pyramid: OverviewPyramid } | null {
  const header = parseHeader(data);
  if (!header || header.version !== VERSION || !Array.isArray(header.levels)) return null;
  const { sampleCount, channelCount } = header;
  if (!Number.isSafeInteger(sampleCount) || !Number.isSafeInteger(channelCount)) return null;
  if (sampleCount <= 0 || channelCount <= 0 || header.levels.length === 0) return null;
  const body = data.subarray(4 + data.readUInt32LE(0));
  if (createHash('sha256').update(body).digest('hex') !== header.sha256) return null;
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
  if (at !== body.length) return null;
  return { header, pyramid: new OverviewPyramid(sampleCount, channelCount, levels[0].shift, levels) };
}
