import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { type StoredZarr, type ZarrEntry } from './model';
import { chunkPixels, levelShape, OME_LARGE } from './omeLargeImage';

/**
 * The large generated OME-Zarr (NGFF 0.4, Zarr v2, uint16, zlib chunks of 512×512, 7 levels of a
 * 20,480² × 3-channel image). Nothing of it is on disk: each chunk is computed from its key when
 * asked for and kept in a small LRU. The metadata keys are ordinary entries; chunk entries compute
 * their bytes (and md5) on first use, so serving a chunk costs one chunk.
 */

const CHUNK_CACHE = 48;

function metadataDocuments(): [string, Record<string, unknown>][] {
  const { chunk, channels, colors, levels, pixelSizeUm } = OME_LARGE;
  const windows = [
    [5000, 35000],
    [0, 60000],
    [4000, 50000],
  ];
  const attrs = {
    multiscales: [
      {
        version: '0.4',
        name: 'generated large image',
        axes: [
          { name: 'c', type: 'channel' },
          { name: 'y', type: 'space', unit: 'micrometer' },
          { name: 'x', type: 'space', unit: 'micrometer' },
        ],
        datasets: Array.from({ length: levels }, (_, level) => ({
          path: String(level),
          coordinateTransformations: [
            { type: 'scale', scale: [1, pixelSizeUm * 2 ** level, pixelSizeUm * 2 ** level] },
            { type: 'translation', translation: [0, 0, 0] },
          ],
        })),
        type: 'point sampling',
      },
    ],
    omero: {
      name: 'generated large image',
      version: '0.4',
      channels: channels.map((label, i) => ({
        label,
        color: colors[i],
        active: true,
        window: { min: 0, max: 65535, start: windows[i]?.[0], end: windows[i]?.[1] },
      })),
      rdefs: { model: 'color', defaultZ: 0, defaultT: 0 },
    },
  };
  const docs: [string, Record<string, unknown>][] = [
    ['.zgroup', { zarr_format: 2 }],
    ['.zattrs', attrs],
  ];
  for (let level = 0; level < levels; level++) {
    docs.push([
      `${level}/.zarray`,
      {
        chunks: [1, chunk, chunk],
        compressor: { id: 'zlib', level: 1 },
        dimension_separator: '/',
        dtype: '<u2',
        fill_value: 0,
        filters: null,
        order: 'C',
        shape: levelShape(level),
        zarr_format: 2,
      },
    ]);
  }
  return docs;
}

function jsonEntry(key: string, doc: unknown): ZarrEntry {
  const data = Buffer.from(JSON.stringify(doc, null, 4));
  return { key, data, md5: createHash('md5').update(data).digest('hex') };
}

/** A chunk key's (level, channel, row, col), or undefined when the key is not one of this image's chunks. */
export function parseChunkKey(key: string): [number, number, number, number] | undefined {
  const m = /^(\d+)\/(\d+)\/(\d+)\/(\d+)$/.exec(key);
  if (!m) return undefined;
  const [level, channel, row, col] = m.slice(1).map(Number) as [number, number, number, number];
  if (level >= OME_LARGE.levels) return undefined;
  const [channels, height, width] = levelShape(level);
  const rows = Math.ceil(height / OME_LARGE.chunk);
  const cols = Math.ceil(width / OME_LARGE.chunk);
  if (channel >= channels || row >= rows || col >= cols) return undefined;
  return [level, channel, row, col];
}

const cache = new Map<string, Buffer>();

/** The stored (zlib) bytes of one chunk, from the LRU or computed. */
export function chunkBytes(key: string): Buffer | undefined {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const parsed = parseChunkKey(key);
  if (!parsed) return undefined;
  const pixels = chunkPixels(...parsed);
  const data = deflateSync(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), { level: 1 });
  cache.set(key, data);
  if (cache.size > CHUNK_CACHE) cache.delete(cache.keys().next().value as string);
  return data;
}

/**
 * A chunk entry whose bytes are computed on use. Its md5 and size are remembered (a few bytes per
 * key), so a listing computes each chunk once, not once per page.
 */
class ComputedChunk implements ZarrEntry {
  private _digest: { md5: string; size: number } | undefined;
  constructor(readonly key: string) {}
  get data(): Buffer {
    const data = chunkBytes(this.key) as Buffer;
    this._digest ??= { md5: createHash('md5').update(data).digest('hex'), size: data.length };
    return data;
  }
  get md5(): string {
    if (!this._digest) void this.data;
    return (this._digest as { md5: string }).md5;
  }
  /** The stored size, for listings (`Size`), without keeping the bytes. */
  get size(): number {
    if (!this._digest) void this.data;
    return (this._digest as { size: number }).size;
  }
}

function chunkKeys(): string[] {
  const keys: string[] = [];
  for (let level = 0; level < OME_LARGE.levels; level++) {
    const [channels, height, width] = levelShape(level);
    for (let c = 0; c < channels; c++)
      for (let row = 0; row < Math.ceil(height / OME_LARGE.chunk); row++)
        for (let col = 0; col < Math.ceil(width / OME_LARGE.chunk); col++)
          keys.push(`${level}/${c}/${row}/${col}`);
  }
  return keys;
}

export function generateOmeLargeZarr(zarrId: string, name: string, dandisetId: string): StoredZarr {
  const docs = metadataDocuments();
  const consolidated = {
    zarr_consolidated_format: 1,
    metadata: Object.fromEntries(docs),
  };
  const entries: ZarrEntry[] = [
    ...docs.map(([key, doc]) => jsonEntry(key, doc)),
    jsonEntry('.zmetadata', consolidated),
    ...chunkKeys().map(key => new ComputedChunk(key)),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // The size and checksum would need every chunk built (about 6,400); the stand-in reports the
  // decoded size and a digest of the generator's parameters in the checksum's shape instead.
  const chunkCount = entries.filter(e => e instanceof ComputedChunk).length;
  const size = chunkCount * OME_LARGE.chunk * OME_LARGE.chunk * 2;
  const digest = createHash('md5').update(JSON.stringify({ OME_LARGE, docs })).digest('hex');
  return {
    zarrId,
    name,
    dandisetId,
    entries,
    checksum: `${digest}-${entries.length}--${size}`,
    size,
    embargoed: false,
  };
}
