/**
 * Zarr v3 fixtures (python3-zarr 2.13 cannot read v3): every array of zarrita.js's v3 fixture
 * against the same data written as v2 (its twin by name in the v2 fixture, or the unsharded
 * variant), and the known answers MANIFEST.md documents.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { openZarr } from '../../../src/zarr/reader';
import type { ZarrValues } from '../../../src/zarr/types';
import { ZARR_FIXTURES } from './helpers';

const plain = (values: ZarrValues) => Array.from(values as ArrayLike<unknown>);
const sum = (values: ZarrValues) =>
  (Array.from(values as ArrayLike<number>) as number[]).reduce((a, b) => a + b, 0);

describe('Zarr v3 fixtures', () => {
  it('reads every v3 array as its v2 twin reads', async () => {
    const v3 = await openZarr({ kind: 'local', path: join(ZARR_FIXTURES, 'zarritajs__v3_data.zarr') });
    const v2 = await openZarr({ kind: 'local', path: join(ZARR_FIXTURES, 'zarritajs__v2_data.zarr') });
    const arrays = (await v3.children('')).filter(c => c.kind === 'array');
    const nested = (await v3.children('consolidated')).filter(c => c.kind === 'array');
    assert.equal(arrays.length + nested.length + (await v3.children('consolidated/nested')).length, 45);
    let twins = 0;
    for (const array of arrays) {
      const { values } = await v3.read(array.path, []);
      // `1d.contiguous.compressed.sharded.f4` is the sharded twin of v2's `1d.contiguous.f4.le`.
      const plainName = array.path.replace('.compressed.sharded', '').replace(/\.f4$/, '.f4.le');
      const twin = (await v2.node(plainName)) ?? (await v2.node(array.path));
      if (!twin || twin.kind !== 'array' || twin.shape.join() !== array.shape.join()) continue;
      assert.deepEqual(plain(values), plain((await v2.read(twin.path, [])).values), array.path);
      twins++;
    }
    assert.ok(twins >= 20, `${twins} twins`);
  });

  it('gives the MANIFEST known answers: 351 for every 3×3×3 arange, 10 for every [1,2,3,4]', async () => {
    const v3 = await openZarr({ kind: 'local', path: join(ZARR_FIXTURES, 'zarritajs__v3_data.zarr') });
    // Its second shard (c/1) was never written: fill values, and said so.
    const filled = await v3.read('1d.chunked.filled.compressed.sharded.i2', []);
    assert.deepEqual(Array.from(filled.values as Int16Array), [1, 2, 0, 0]);
    assert.equal(filled.missingChunks, 1);
    for (const path of [
      '3d.contiguous.i2',
      '3d.chunked.i2',
      '3d.chunked.mixed.i2.C',
      '3d.contiguous.compressed.sharded.i2',
    ])
      assert.equal(sum((await v3.read(path, [])).values), 351, path);
    for (const path of [
      '1d.contiguous.raw.i2',
      '1d.contiguous.gzip.i2',
      '1d.contiguous.compressed.sharded.i4',
      '1d.contiguous.delta.i4',
    ])
      assert.equal(sum((await v3.read(path, [])).values), 10, path);
    assert.equal(sum((await v3.read('consolidated/nested/1d.i2', [])).values), 100);
  });

  it('reads the NGFF 0.5 image like its 0.4 twin and the SpatialData image to its documented sum', async () => {
    const v05 = await openZarr({
      kind: 'local',
      path: join(ZARR_FIXTURES, 'neuroglancer__simple_0.5.ome.zarr'),
    });
    const v04 = await openZarr({
      kind: 'local',
      path: join(ZARR_FIXTURES, 'neuroglancer__simple_0.4.ome.zarr'),
    });
    for (const level of ['scale0/image', 'scale1/image', 'scale2/image'])
      assert.deepEqual(
        plain((await v05.read(level, [])).values),
        plain((await v04.read(level, [])).values),
        level,
      );
    const blobs = await openZarr({
      kind: 'local',
      path: join(ZARR_FIXTURES, 'vitessce__spatialdata-0.7_blobs_multiscale_image.ome.zarr'),
    });
    assert.equal(Math.round(sum((await blobs.read('s0', [])).values) * 100) / 100, 2888.33);
  });
});
