import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { coarseContrast, describeRoot, openImage, readTile, wellFields } from '../../../src/ome/image';
import { OmeMetadataError, parseMultiscales } from '../../../src/ome/ngff';
import { openZarr } from '../../../src/zarr/reader';
import type { ZarrReader } from '../../../src/zarr/types';

const FIXTURES = join(__dirname, '../../../../../shared/fixtures/zarr');

async function withStore<T>(name: string, body: (r: ZarrReader) => Promise<T>): Promise<T> {
  const reader = await openZarr({ kind: 'local', path: join(FIXTURES, name) });
  try {
    return await body(reader);
  } finally {
    await reader.close();
  }
}

const shapes = (levels: { shape: number[] }[]): number[][] => levels.map(l => l.shape);
const round = (xs: number[]): number[] => xs.map(x => Math.round(x * 1000) / 1000);

describe('OME-NGFF metadata over the real fixtures', () => {
  it('vitessce image (0.4 with "0.3" version, shape-ratio scales): 5 levels, 4 white channels windowed 0-65535', () =>
    withStore('vitessce__exemplar-001.crop.image.ome.zarr', async r => {
      assert.deepEqual(await describeRoot(r), { kind: 'image', image: '' });
      const img = await openImage(r, '', 'vitessce__exemplar-001.crop.image.ome.zarr');
      assert.deepEqual(
        img.axes.map(a => a.name),
        ['c', 'y', 'x'],
      );
      assert.deepEqual(shapes(img.levels), [
        [4, 250, 250],
        [4, 125, 125],
        [4, 62, 62],
        [4, 31, 31],
        [4, 15, 15],
      ]);
      assert.deepEqual(round(img.levels[2]?.scale ?? []), [1, 4.032, 4.032]);
      assert.deepEqual(img.levels[0]?.chunks, [1, 256, 256]);
      assert.equal(img.levels[0]?.dtype, '<u2');
      assert.deepEqual(
        img.channels.map(c => c.label),
        ['DNA', 'FDX1', 'CD1D', 'CD357'],
      );
      assert.ok(
        img.channels.every(c => c.color === 'FFFFFF' && c.window?.start === 0 && c.window.end === 65535),
      );
      assert.equal(img.labels, false);
    }));

  it('vitessce segmentations: two label channels shown as labels', () =>
    withStore('vitessce__exemplar-001.crop.segmentations.ome.zarr', async r => {
      const img = await openImage(r, '', 'vitessce__exemplar-001.crop.segmentations.ome.zarr');
      assert.equal(img.labels, true);
      assert.deepEqual(
        img.channels.map(c => c.label),
        ['cell', 'circle'],
      );
      assert.deepEqual(shapes(img.levels)[4], [2, 15, 15]);
    }));

  it('cat: 2-D float64, anisotropic non-integer scales, "/" keys, one white channel', () =>
    withStore('omezarrmodels__cat.ome.zarr', async r => {
      const img = await openImage(r, '');
      assert.deepEqual(
        img.axes.map(a => a.name),
        ['y', 'x'],
      );
      assert.deepEqual(shapes(img.levels), [
        [300, 451],
        [150, 225],
        [75, 112],
        [37, 56],
        [18, 28],
      ]);
      assert.deepEqual(round(img.levels[3]?.scale ?? []), [8.108, 8.054]);
      assert.equal(img.channels.length, 1);
      assert.equal(img.channels[0]?.color, 'FFFFFF');
      const tile = await readTile(r, img, {
        image: '',
        level: 4,
        channel: 0,
        z: 0,
        t: 0,
        y0: 0,
        y1: 18,
        x0: 0,
        x1: 28,
      });
      assert.equal(tile.reply.type, 'Float64Array');
      assert.equal(tile.values.length, 18 * 28);
      const [lo, hi] = (await coarseContrast(r, img, 0, 0))[0] as [number, number];
      assert.ok(lo >= 0.015 && hi <= 0.756 && hi > lo, `${lo}..${hi}`);
    }));

  it('neuroglancer 0.4: nested dataset paths, nanometre units, scales with translations', () =>
    withStore('neuroglancer__simple_0.4.ome.zarr', async r => {
      const img = await openImage(r, '');
      assert.deepEqual(
        img.levels.map(l => l.path),
        ['scale0/image', 'scale1/image', 'scale2/image'],
      );
      assert.deepEqual(img.axes, [
        { name: 'y', type: 'space', unit: 'nanometer' },
        { name: 'x', type: 'space', unit: 'nanometer' },
      ]);
      assert.deepEqual(
        img.levels.map(l => l.scale),
        [
          [4, 30],
          [8, 60],
          [16, 120],
        ],
      );
      assert.deepEqual(
        img.levels.map(l => l.translation),
        [
          [0, 0],
          [2, 15],
          [6, 45],
        ],
      );
      const tile = await readTile(r, img, {
        image: '',
        level: 0,
        channel: 0,
        z: 0,
        t: 0,
        y0: 0,
        y1: 10,
        x0: 0,
        x1: 10,
      });
      assert.equal(
        [...(tile.values as Uint16Array)].reduce((a, b) => a + b, 0),
        4950,
      );
    }));

  it('neuroglancer 0.5 (Zarr v3, attributes.ome): the same levels and values as 0.4', () =>
    withStore('neuroglancer__simple_0.5.ome.zarr', async r => {
      const img = await openImage(r, '');
      assert.equal(img.version, '0.5');
      assert.deepEqual(shapes(img.levels), [
        [10, 10],
        [5, 5],
        [2, 2],
      ]);
      assert.deepEqual(img.levels[2]?.translation, [6, 45]);
      const tile = await readTile(r, img, {
        image: '',
        level: 1,
        channel: 0,
        z: 0,
        t: 0,
        y0: 0,
        y1: 5,
        x0: 0,
        x1: 5,
      });
      assert.equal(
        [...(tile.values as Uint16Array)].reduce((a, b) => a + b, 0),
        1085,
      );
    }));

  it('spatialdata 0.5-dev: s0..s2, integer channel labels, float64', () =>
    withStore('vitessce__spatialdata-0.7_blobs_multiscale_image.ome.zarr', async r => {
      const img = await openImage(r, '');
      assert.equal(img.version, '0.5-dev-spatialdata');
      assert.deepEqual(
        img.levels.map(l => l.path),
        ['s0', 's1', 's2'],
      );
      assert.deepEqual(shapes(img.levels), [
        [3, 100, 100],
        [3, 50, 50],
        [3, 25, 25],
      ]);
      assert.deepEqual(img.levels[2]?.scale, [1, 4, 4]);
      assert.deepEqual(
        img.channels.map(c => c.label),
        ['0', '1', '2'],
      );
    }));

  it('bioformats2raw: two series from OME/.zattrs, 5-D t,c,z,y,x', () =>
    withStore('omezarrpy__bf2raw_fake-series-2.zarr', async r => {
      assert.deepEqual(await describeRoot(r), { kind: 'series', series: ['0', '1'] });
      const img = await openImage(r, '1');
      assert.deepEqual(
        img.axes.map(a => a.name),
        ['t', 'c', 'z', 'y', 'x'],
      );
      assert.deepEqual(shapes(img.levels), [
        [1, 1, 1, 512, 512],
        [1, 1, 1, 256, 256],
      ]);
      assert.deepEqual(img.levels[1]?.scale, [1, 1, 1, 2, 2]);
      assert.equal(img.levels[0]?.path, '1/0');
    }));

  it('HCS plate: rows, columns, wells and the fields of a well', () =>
    withStore('omezarrpy__bf2raw_plate-rows-2.zarr', async r => {
      const root = await describeRoot(r);
      assert.equal(root.kind, 'plate');
      if (root.kind !== 'plate') return;
      assert.deepEqual(root.plate.rows, ['A', 'B']);
      assert.deepEqual(root.plate.columns, ['1']);
      assert.deepEqual(
        root.plate.wells.map(w => w.path),
        ['A/1', 'B/1'],
      );
      assert.deepEqual(await wellFields(r, 'B/1'), ['B/1/0']);
      const img = await openImage(r, 'B/1/0');
      assert.equal(img.axes[3]?.unit, 'micrometer');
      assert.deepEqual(shapes(img.levels)[0], [1, 1, 1, 512, 512]);
    }));

  it('64-bit integer tiles arrive as doubles (zarr-python fixture `flat`, <i8 [[1, 2], [3, 4]])', () =>
    withStore('zarrpy__fixture_subset.zarr', async r => {
      const image = {
        path: '',
        name: 'flat',
        version: '0.4',
        axes: [
          { name: 'y', type: 'space' },
          { name: 'x', type: 'space' },
        ],
        levels: [
          { path: 'flat', shape: [2, 2], chunks: [2, 2], dtype: '<i8', scale: [1, 1], translation: [0, 0] },
        ],
        channels: [{ label: 'flat', color: 'FFFFFF', active: true }],
        labels: true,
        labelPaths: [],
      };
      const tile = await readTile(r, image, {
        image: '',
        level: 0,
        channel: 0,
        z: 0,
        t: 0,
        y0: 0,
        y1: 2,
        x0: 0,
        x1: 2,
      });
      assert.equal(tile.reply.type, 'Float64Array');
      assert.deepEqual([...tile.values], [1, 2, 3, 4]);
    }));

  it('a plain Zarr is no OME-Zarr: a clear error', () =>
    withStore('zarritajs__v2_data.zarr', async r => {
      await assert.rejects(describeRoot(r), OmeMetadataError);
    }));

  it('bad multiscales are refused with the reason', () => {
    assert.throws(
      () => parseMultiscales({ multiscales: [{ axes: ['y', 'x'], datasets: [] }] }),
      /no datasets/,
    );
    assert.throws(
      () =>
        parseMultiscales({
          multiscales: [
            {
              axes: ['y', 'x'],
              datasets: [{ path: '0', coordinateTransformations: [{ type: 'scale', scale: [1] }] }],
            },
          ],
        }),
      /scale needs 2 numbers/,
    );
    assert.equal(parseMultiscales({ other: 1 }), undefined);
  });
});
