import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PICKLE_UNREADABLE } from '../../../src/zarr/codecs';
import { ZarrError } from '../../../src/zarr/errors';
import { decodeSelection, type ChunkSource } from '../../../src/zarr/decode';
import { openZarr } from '../../../src/zarr/reader';
import { LocalStore } from '../../../src/zarr/stores';
import type { ZarrJson } from '../../../src/zarr/types';
import { ZARR_FIXTURES } from './helpers';

const local = (name: string) => ({ kind: 'local' as const, path: join(ZARR_FIXTURES, name) });
const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);

/** A v2 store written here: `.zarray` documents and chunk files by key. */
function writeStore(files: Record<string, string | Buffer>): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'zarr-store-'));
  for (const [key, data] of Object.entries(files)) {
    mkdirSync(join(dir, ...key.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(dir, ...key.split('/')), data);
  }
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const zarray = (extra: Record<string, unknown>) =>
  JSON.stringify({
    zarr_format: 2,
    shape: [4],
    chunks: [2],
    dtype: '<i2',
    compressor: null,
    fill_value: 7,
    filters: null,
    order: 'C',
    ...extra,
  });

describe('Zarr reader (local stores)', () => {
  it('opens a consolidated v2 store with one request and lists it from .zmetadata', async () => {
    const reader = await openZarr(local('zarritajs__v2_data.zarr'));
    assert.equal(reader.consolidated, true);
    assert.equal(reader.requests, 1);
    const children = await reader.children('');
    assert.equal(children.length, 33);
    assert.ok(children.some(c => c.kind === 'group' && c.path === 'my group with spaces'));
    const root = await reader.node('/');
    assert.deepEqual(root?.attributes, { answer: 42 });
    // Metadata answers came from the consolidated document: still one request.
    assert.equal(reader.requests, 1);
    const { shape, values } = await reader.read('2d.chunked.i2', [null, null]);
    assert.deepEqual(shape, [2, 2]);
    assert.deepEqual(Array.from(values as Int16Array), [1, 2, 3, 4]);
    await reader.close();
  });

  it('reads v3 sharded, transposed and string arrays', async () => {
    const reader = await openZarr(local('zarritajs__v3_data.zarr'));
    assert.equal(reader.consolidated, false);
    for (const path of [
      '3d.contiguous.compressed.sharded.i2',
      '3d.chunked.mixed.compressed.sharded.i2',
      '3d.chunked.mixed.i2.F',
    ]) {
      const { shape, values } = await reader.read(path, []);
      assert.deepEqual(shape, [3, 3, 3], path);
      assert.equal(sum(values as Int16Array), 351, path);
    }
    const unicode = await reader.read('1d.string.unicode', [null]);
    assert.deepEqual(unicode.values, ['hello', '世界', '🚀🎉', 'Ñoño']);
    const half = await reader.read('1d.contiguous.f2.le', [null]);
    assert.ok(half.values instanceof Float32Array);
    assert.deepEqual(Array.from(half.values as Float32Array), [-1000.5, 0, 1000.5, 0]);
    const delta = await reader.read('1d.contiguous.delta.i4', [{ start: 1, stop: 4 }]);
    assert.deepEqual(Array.from(delta.values as Int32Array), [2, 3, 4]);
  });

  it('reads v3 inline consolidated metadata and drops indexed dimensions', async () => {
    const reader = await openZarr(local('neuroglancer__simple_0.5.ome.zarr'));
    assert.equal(reader.consolidated, true);
    const opened = reader.requests;
    const level = await reader.node('scale0/image');
    assert.equal(level?.kind, 'array');
    assert.equal(reader.requests, opened);
    const row = await reader.read('scale0/image', [3, null]);
    assert.deepEqual(row.shape, [10]);
    assert.deepEqual(Array.from(row.values as Uint16Array), [30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    const all = await reader.read('scale0/image', []);
    assert.equal(sum(all.values as Uint16Array), 4950);
  });

  it('decodes gzip, zlib, blosc and raw chunks of one image alike', async () => {
    const reader = await openZarr(local('zarrimpl__zarr.zr'));
    const sums = await Promise.all(
      ['raw', 'gzip', 'zlib', 'blosc'].map(async p => sum((await reader.read(p, [])).values as Uint8Array)),
    );
    assert.deepEqual(sums, [90124324, 90124324, 90124324, 90124324]);
  });

  it('answers the fill value for a missing chunk and names the key of a corrupt one', async () => {
    const store = writeStore({
      '.zgroup': '{"zarr_format": 2}',
      'a/.zarray': zarray({}),
      'a/0': Buffer.from(new Int16Array([1, 2]).buffer),
      'b/.zarray': zarray({ compressor: { id: 'zlib', level: 1 } }),
      'b/1': Buffer.from('not zlib at all'),
    });
    try {
      const reader = await openZarr({ kind: 'local', path: store.path });
      const a = await reader.read('a', []);
      assert.deepEqual(Array.from(a.values as Int16Array), [1, 2, 7, 7]);
      assert.equal(a.missingChunks, 1);
      await assert.rejects(reader.read('b', []), (error: unknown) => {
        assert.ok(error instanceof ZarrError);
        assert.equal(error.code, 'corrupt');
        assert.match(error.message, /chunk b\/1 does not decode/);
        return true;
      });
    } finally {
      store.remove();
    }
  });

  it('marks Pickle arrays unreadable and refuses to read them (never zeros)', async () => {
    const store = writeStore({
      '.zgroup': '{"zarr_format": 2}',
      'refs/.zarray': zarray({ dtype: '|O', filters: [{ id: 'pickle', protocol: 2 }], fill_value: 0 }),
      'refs/0': Buffer.from([0x80, 0x02, 0x5d, 0x71, 0x00, 0x2e]),
    });
    try {
      const reader = await openZarr({ kind: 'local', path: store.path });
      const node = await reader.node('refs');
      assert.equal(node?.kind, 'array');
      assert.equal(node?.kind === 'array' ? node.unreadable : undefined, PICKLE_UNREADABLE);
      await assert.rejects(reader.read('refs', []), /Pickle: cannot be read outside Python.*pickle/);
    } finally {
      store.remove();
    }
  });

  it('says clearly when .zmetadata is an HTML page', async () => {
    const store = writeStore({ '.zmetadata': '<!DOCTYPE html><html><body>Sign in</body></html>' });
    try {
      await assert.rejects(
        openZarr({ kind: 'local', path: store.path }),
        /\.zmetadata .* is an HTML page, not Zarr metadata/,
      );
    } finally {
      store.remove();
    }
  });

  it('refuses a selection larger than the cap', async () => {
    const reader = await openZarr(local('zarrimpl__zarr.zr'), { maxSelectionBytes: 1000 });
    await assert.rejects(reader.read('raw', []), /786,432 values .* more than/);
    assert.equal((await reader.read('raw', [0, { start: 0, stop: 10 }, null])).values.length, 30);
  });

  it('drops a damaged metadata cache entry (sha256 mismatch) and reads the store again', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'zarr-meta-'));
    try {
      const spec = local('neuroglancer__simple_0.4.ome.zarr');
      await (await openZarr(spec, { metadataCacheDir: cacheDir })).close();
      const [entry] = readdirSync(cacheDir);
      assert.ok(entry?.endsWith('.zmeta'));
      const file = join(cacheDir, entry);
      writeFileSync(file, readFileSync(file, 'utf8').replace('scale0', 'scaleX'));
      const reopened = await openZarr(spec, { metadataCacheDir: cacheDir });
      assert.equal(reopened.requests, 1, '.zmetadata read again');
      assert.equal((await reopened.node('scale0/image'))?.kind, 'array');
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('fetches at most eight chunks at once', async () => {
    const dir = join(ZARR_FIXTURES, 'zarrimpl__zarr.zr');
    const store = new LocalStore(dir);
    let inFlight = 0;
    let most = 0;
    const counting: ChunkSource = {
      get: async key => {
        most = Math.max(most, ++inFlight);
        try {
          return await store.get(`/${key}`);
        } finally {
          inFlight--;
        }
      },
      getRange: (key, range) => store.getRange(`/${key}`, range),
    };
    const array = JSON.parse(readFileSync(join(dir, 'raw', '.zarray'), 'utf8')) as Record<string, ZarrJson>;
    const { values } = await decodeSelection({ path: 'raw', format: 2, array }, [], counting, {
      maxBytes: 1 << 30,
    });
    assert.equal(values.length, 512 * 512 * 3);
    assert.equal(most, 8);
  });

  it('reopens a consolidated local store from the metadata cache without a read; caches no other', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'zarr-meta-'));
    try {
      const spec = local('zarritajs__v2_data.zarr');
      const first = await openZarr(spec, { metadataCacheDir: cacheDir });
      const names = (await first.children('')).map(c => c.path);
      await first.close();
      const second = await openZarr(spec, { metadataCacheDir: cacheDir });
      assert.equal(second.requests, 0);
      assert.deepEqual(
        (await second.children('')).map(c => c.path),
        names,
      );
      assert.equal(second.requests, 0);
      await second.close();
      // Without consolidated metadata any nested document may change unseen: no entry at all.
      const entries = readdirSync(cacheDir).length;
      await (await openZarr(local('zarrpy__fixture_subset.zarr'), { metadataCacheDir: cacheDir })).close();
      assert.equal(readdirSync(cacheDir).length, entries);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
