import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AssetRecord } from '../../../src/dandi/types';
import { zarrSpecForAsset } from '../../../src/zarr/assetSpec';
import { inspectZarr } from '../../../src/zarr/inspect';
import { openZarr } from '../../../src/zarr/reader';
import { getJson, type PageBody, useArchive } from '../archive/helpers';
import { ZARR_FIXTURES } from './helpers';

describe('Zarr inspect', () => {
  const archive = useArchive();

  it('reports OME-Zarr levels with their shapes and scales', async () => {
    const report = await inspectZarr(
      await openZarr({ kind: 'local', path: join(ZARR_FIXTURES, 'omezarrmodels__cat.ome.zarr') }),
    );
    assert.equal(report.multiscales.length, 1);
    const image = report.multiscales[0];
    assert.deepEqual(
      image?.axes.map(a => a.name),
      ['y', 'x'],
    );
    assert.deepEqual(
      image?.levels.map(l => l.shape),
      [
        [300, 451],
        [150, 225],
        [75, 112],
        [37, 56],
        [18, 28],
      ],
    );
    assert.deepEqual(image?.levels[1]?.scale, [2, 2.0044444444444443]);
  });

  it('reports NGFF 0.5 (v3) images with nested level paths, units and translations', async () => {
    const report = await inspectZarr(
      await openZarr({ kind: 'local', path: join(ZARR_FIXTURES, 'neuroglancer__simple_0.5.ome.zarr') }),
    );
    const image = report.multiscales[0];
    assert.equal(image?.version, '0.5');
    assert.deepEqual(image?.axes, [
      { name: 'y', type: 'space', unit: 'nanometer' },
      { name: 'x', type: 'space', unit: 'nanometer' },
    ]);
    assert.deepEqual(image?.levels[2], {
      path: 'scale2/image',
      shape: [2, 2],
      scale: [16, 120],
      translation: [6, 45],
    });
  });

  it('walks a store without consolidated metadata over plain HTTP by the paths its metadata names', async () => {
    const a = archive();
    const page = await getJson<PageBody<AssetRecord>>(
      `${a.apiUrl}/dandisets/${a.ids.zarrCorpus}/versions/draft/assets/?metadata=true&page_size=100`,
    );
    const asset = page.results.find(x => x.path === 'zarr/omezarrpy__bf2raw_fake-series-2.zarr');
    assert.ok(asset);
    const spec = zarrSpecForAsset(asset, a.apiUrl);
    assert.ok(spec.kind === 'dandi' && spec.baseUrl);
    a.clearLog();
    const report = await inspectZarr(await openZarr({ kind: 'http', baseUrl: spec.baseUrl }));
    assert.deepEqual(
      report.multiscales.map(m => m.path),
      ['0', '1'],
    );
    assert.deepEqual(report.multiscales[1]?.levels[1]?.shape, [1, 1, 1, 256, 256]);
    assert.ok(
      a.log.every(e => !e.url.includes('/files/')),
      'no listing',
    );
  });

  it('prints the NWB-Zarr hierarchy with neurodata types as JSON (npm run inspect)', async () => {
    const tool = resolve(process.cwd(), 'dist', 'tools', 'inspect.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [tool, join(ZARR_FIXTURES, 'aind__multiplane-ophys_eye-tracking.nwb.zarr'), '--json'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as {
      consolidated: boolean;
      nodes: { path: string; neurodataType?: string; codecs?: string[]; shape?: number[] }[];
      stats: { requests: number };
    };
    assert.equal(report.consolidated, true);
    const byPath = new Map(report.nodes.map(n => [n.path, n]));
    assert.equal(byPath.get('/')?.neurodataType, 'NWBFile');
    assert.equal(byPath.get('processing/eye_tracking/eye_tracking')?.neurodataType, 'DynamicTable');
    assert.deepEqual(byPath.get('processing/eye_tracking/eye_tracking/timestamps')?.codecs, ['blosc']);
    assert.deepEqual(byPath.get('processing/eye_tracking/eye_tracking/timestamps')?.shape, [763524]);
    assert.ok(byPath.has('specifications/core/2.8.0/namespace'), 'the node consolidation missed');
  });
});
