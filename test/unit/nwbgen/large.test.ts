// ensureLargeEphys with a small size: the same writer as the 1 GiB benchmark file (incremental
// resize + write_slice, chunked gzip int16), checked by reading slices back.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LARGE_GENERATOR_VERSION,
  type LargeFileInfo,
  ensureLargeEphys,
  largeEphysSample,
} from '../../fixtures/nwbgen';
import { attr, dataset, group, numbers, openH5, refAttrTarget, toNumbers } from './readBack';

const BYTES = 3 * 1024 * 1024;

describe('nwbgen: large ElectricalSeries generator (small size)', function () {
  this.timeout(120_000);
  let dir: string;
  let path: string;
  let info: LargeFileInfo;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nwbgen-large-'));
    path = join(dir, 'large.nwb');
    info = await ensureLargeEphys(path, { bytes: BYTES });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes at least the requested bytes and reports the layout', () => {
    assert.equal(info.path, path);
    assert.equal(info.size, statSync(path).size);
    assert.ok(info.size >= BYTES);
    assert.equal(info.generatorVersion, LARGE_GENERATOR_VERSION);
    assert.equal(info.shape[0] % info.chunks[0], 0);
    assert.equal(info.shape[1], info.chunks[1]);
    // Noise keeps gzip from shrinking the data much: at least half the raw size is on disk.
    assert.ok(info.size > (info.shape[0] * info.shape[1] * 2) / 2);
  });

  it('is a valid NWB file whose chunked gzip int16 data follows the formula', async () => {
    const file = await openH5(path);
    try {
      assert.equal(attr(group(file, '/'), 'neurodata_type'), 'NWBFile');
      assert.equal(attr(group(file, info.seriesPath), 'neurodata_type'), 'ElectricalSeries');
      const data = dataset(file, `${info.seriesPath}/data`);
      assert.deepEqual(data.shape, info.shape);
      assert.equal(data.dtype, '<h');
      assert.deepEqual(data.metadata.chunks, info.chunks);
      assert.deepEqual(
        data.filters.map(f => [f.name, f.cd_values]),
        [['deflate', [info.gzip]]],
      );
      assert.equal(attr(data, 'conversion'), info.conversion);
      for (const start of [0, info.chunks[0] - 3, Math.floor(info.shape[0] / 2), info.shape[0] - 50]) {
        const rows = Math.min(50, info.shape[0] - start);
        const stored = toNumbers(data.slice([[start, start + rows], []]), data.path);
        stored.forEach((v, k) => {
          const t = start + Math.floor(k / info.shape[1]);
          assert.equal(v, largeEphysSample(t, k % info.shape[1]), `sample [${t}, ${k % info.shape[1]}]`);
        });
      }
      const start = dataset(file, `${info.seriesPath}/starting_time`);
      assert.deepEqual(numbers(start), [info.startingTime]);
      assert.equal(attr(start, 'rate'), info.rate);
      const electrodes = dataset(file, `${info.seriesPath}/electrodes`);
      assert.deepEqual(numbers(electrodes), info.electrodes.rows);
      assert.equal(refAttrTarget(file, electrodes, 'table'), info.electrodes.table);
      assert.equal(numbers(dataset(file, `${info.electrodes.table}/id`)).length, info.shape[1]);
      // The processing tail: one module of typed TimeSeries, written after the series.
      assert.deepEqual(info.processing, { modules: 1, seriesPerModule: 20, samples: 20_000 });
      assert.equal(attr(group(file, '/processing/module_0'), 'neurodata_type'), 'ProcessingModule');
      const last = `/processing/module_0/series_${info.processing.seriesPerModule - 1}`;
      assert.equal(attr(group(file, last), 'neurodata_type'), 'TimeSeries');
      assert.deepEqual(dataset(file, `${last}/data`).shape, [info.processing.samples]);
    } finally {
      file.close();
    }
  });

  it('reuses a file with a matching stamp and rewrites it for a different size', async () => {
    const mtime = statSync(path).mtimeMs;
    const again = await ensureLargeEphys(path, { bytes: BYTES });
    assert.deepEqual(again, info);
    assert.equal(statSync(path).mtimeMs, mtime);
    const bigger = await ensureLargeEphys(path, { bytes: info.size + 1 });
    assert.ok(bigger.size > info.size);
    assert.ok(bigger.shape[0] > info.shape[0]);
  });
});
