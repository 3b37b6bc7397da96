// ensureGeneratedNwb: caching by version stamp, manifest.json, and the broken files meant for
// error tests (truncated, not HDF5, dangling links).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import {
  GENERATED_MANIFEST,
  GENERATOR_VERSION,
  NOT_HDF5_BODY,
  TRUNCATED_FRACTION,
  type GeneratedNwb,
  ensureGeneratedNwb,
  pixelMask,
  PIXEL_MASK_ROIS,
  unitSpikeTimes,
} from '../../fixtures/nwbgen';
import { assertMatchesFormula, dataset, openH5 } from './readBack';

/** h5wasm 0.10.3 does not throw when H5Fopen fails; the first read through the bad id does. */
function openAndList(path: string): string[] {
  const file = new h5wasm.File(path, 'r');
  return file.keys();
}

describe('nwbgen: generation and broken files', function () {
  this.timeout(120_000);
  let dir: string;
  let generated: GeneratedNwb;

  before(async () => {
    await h5wasm.ready;
    dir = mkdtempSync(join(tmpdir(), 'nwbgen-generate-'));
    generated = await ensureGeneratedNwb(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every file, small, plus manifest.json with the version stamp and formula texts', () => {
    for (const [name, path] of Object.entries(generated.files)) {
      assert.equal(path, join(dir, GENERATED_MANIFEST[name as keyof typeof generated.files].fileName));
      assert.ok(statSync(path).size < 5 * 1024 * 1024, `${path} is under 5 MB`);
    }
    const stamp = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      version: number;
      sizes: Record<string, number>;
      manifest: { ecephys: { series: { path: string; data: { text: string }; shape: number[] }[] } };
    };
    assert.equal(stamp.version, GENERATOR_VERSION);
    assert.equal(stamp.sizes.ecephys, statSync(generated.files.ecephys).size);
    const es = stamp.manifest.ecephys.series.find(s => s.path === '/acquisition/ElectricalSeries');
    assert.deepEqual(es?.shape, [60_000, 32]);
    assert.match(es?.data.text ?? '', /sin/);
  });

  it('does not rewrite up-to-date files, and rewrites them when the version stamp differs', async () => {
    const before = statSync(generated.files.ophys).mtimeMs;
    await ensureGeneratedNwb(dir);
    assert.equal(statSync(generated.files.ophys).mtimeMs, before);

    const stampPath = join(dir, 'manifest.json');
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { version: number };
    writeFileSync(stampPath, JSON.stringify({ ...stamp, version: GENERATOR_VERSION - 1 }));
    writeFileSync(generated.files.behavior, 'clobbered');
    await ensureGeneratedNwb(dir);
    assert.equal(
      (JSON.parse(readFileSync(stampPath, 'utf8')) as { version: number }).version,
      GENERATOR_VERSION,
    );
    assert.notEqual(readFileSync(generated.files.behavior, 'utf8').slice(0, 9), 'clobbered');
    const file = await openH5(generated.files.behavior);
    try {
      const pose = GENERATED_MANIFEST.behavior.series.find(s => s.neurodataType === 'PoseEstimationSeries');
      assert.ok(pose);
      assertMatchesFormula(dataset(file, `${pose.path}/data`), pose.shape, pose.data);
    } finally {
      file.close();
    }
  });

  it('truncates the ecephys copy so HDF5 refuses to open it', async () => {
    const full = statSync(generated.files.ecephys).size;
    assert.equal(statSync(generated.files.truncated).size, Math.floor(full * TRUNCATED_FRACTION));
    assert.throws(() => openAndList(generated.files.truncated));
  });

  it('writes an HTML error page as not-hdf5.nwb, which HDF5 refuses', async () => {
    assert.equal(readFileSync(generated.files.notHdf5, 'utf8'), NOT_HDF5_BODY);
    assert.throws(() => openAndList(generated.files.notHdf5));
  });

  it('keeps dangling soft links and an external link to a missing file in broken-links.nwb', async () => {
    const expected = GENERATED_MANIFEST.brokenLinks;
    const file = await openH5(generated.files.brokenLinks);
    try {
      for (const [path, target] of Object.entries(expected.danglingSoftLinks ?? {}))
        assert.equal(file.get_link(path), target);
      assert.equal(file.get('/analysis/dangling_top')?.constructor.name, 'BrokenSoftLink');
      for (const [path, link] of Object.entries(expected.externalLinks ?? {})) {
        assert.deepEqual(file.get_external_link(path), { filename: link.file, obj_path: link.path });
      }
      for (const s of expected.readable ?? [])
        assertMatchesFormula(dataset(file, `${s.path}/data`), s.shape, s.data);
    } finally {
      file.close();
    }
  });

  it('describes units, masks and extension types consistently in the manifest', () => {
    const units = GENERATED_MANIFEST.ecephys.tables.find(t => t.path === '/units');
    const spikeColumn = units?.columns.find(c => c.name === 'spike_times')?.column;
    assert.ok(spikeColumn?.kind === 'ragged');
    const counts = spikeColumn.index.map((end, u) => end - (u === 0 ? 0 : spikeColumn.index[u - 1]));
    assert.deepEqual(
      counts,
      counts.map((_, u) => unitSpikeTimes(u).length),
    );
    for (let u = 0; u < counts.length; u++) {
      const times = unitSpikeTimes(u);
      assert.ok(times.every((t, k) => t >= 0 && t <= 60 && (k === 0 || t > times[k - 1])));
    }
    PIXEL_MASK_ROIS.forEach((roi, r) => {
      for (const p of pixelMask(r)) assert.ok((p.x - roi.x) ** 2 + (p.y - roi.y) ** 2 <= roi.radius ** 2);
    });
    const types = GENERATED_MANIFEST.behavior.typedObjects.map(t => `${t.namespace}:${t.neurodataType}`);
    assert.ok(types.includes('ndx-pose:PoseEstimation'));
    assert.ok(types.includes('ndx-pose:PoseEstimationSeries'));
    assert.ok(types.includes('ndx-demo:LickSeries'));
  });
});
