/**
 * The spike-sorting readers (SpikeEventSeries / EventWaveform, Clustering, ClusterWaveforms,
 * FeatureExtraction) on the real files that hold them, each value checked against what libhdf5
 * (h5py) reads; and on a large generated file, that at most a screenful is read, evenly spread.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusteringEvents, clusterWaveforms } from '../../../src/nwb/clustering';
import { featureValues } from '../../../src/nwb/features';
import { spikeSnippets } from '../../../src/nwb/spikeEvents';
import { resolveView } from '../../../src/nwb/views';
import { ensureDebianPackages } from '../../support/debianPackages';
import { fixture, openNwb } from './helpers';

const PYTHON = '/usr/bin/python3';

/** h5py's reading of `path` in `file`: every dataset of the group (attributes of data), as JSON. */
const READ = `
import sys, json, h5py, numpy as np
g = h5py.File(sys.argv[1], 'r')[sys.argv[2]]
out = {}
for name in g:
    if g.get(name, getlink=True).__class__.__name__ != 'HardLink' and name == 'clustering_interface':
        out[name] = g.get(name, getlink=True).path
        continue
    d = g[name]
    if not isinstance(d, h5py.Dataset):
        continue
    v = d[()]
    if d.dtype.kind in 'OSU':
        v = np.asarray(v, dtype=object).ravel()
        out[name] = [x.decode() if isinstance(x, bytes) else str(x) for x in v]
    else:
        out[name] = np.asarray(v, dtype=float).tolist()
    out[name + '@attrs'] = {k: (float(a) if np.ndim(a) == 0 and np.issubdtype(np.asarray(a).dtype, np.number) else None) for k, a in d.attrs.items()}
print(json.dumps(out))
`;

type Stored = Record<string, unknown>;

function h5py(file: string, path: string): Stored {
  const run = spawnSync(PYTHON, ['-c', READ, file, path], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Stored;
}

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/** A large SpikeEventSeries, an all-NaN one, a big Clustering and FeatureExtraction. */
const WRITE = `
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'w')
f.attrs['nwb_version'] = '2.7.0'
f.attrs['neurodata_type'] = 'NWBFile'
f.attrs['namespace'] = 'core'
def typed(g, t):
    g.attrs['neurodata_type'] = t
    g.attrs['namespace'] = 'core'
    return g
ev = np.arange(${'${EVENTS}'})
g = typed(f.create_group('/acquisition/big'), 'SpikeEventSeries')
data = (ev[:, None, None] * 1000 + np.arange(3)[None, :, None] * 100 + np.arange(40)[None, None, :]).astype('f4')
d = g.create_dataset('data', data=data, chunks=(64, 3, 40))
d.attrs['unit'] = 'volts'
d.attrs['conversion'] = 1e-6
g.create_dataset('timestamps', data=ev * 0.01)
g = typed(f.create_group('/acquisition/chunky'), 'SpikeEventSeries')
n2 = ${'${CHUNKY}'}
data = np.broadcast_to(np.arange(n2, dtype='f4')[:, None, None], (n2, 4, 100))
g.create_dataset('data', data=data, chunks=(2000, 4, 100), compression='gzip').attrs['unit'] = 'volts'
g.create_dataset('timestamps', data=np.arange(n2) * 0.001)
g = typed(f.create_group('/acquisition/nan'), 'SpikeEventSeries')
g.create_dataset('data', data=np.full((5, 2, 8), np.nan)).attrs['unit'] = 'volts'
g.create_dataset('timestamps', data=np.arange(5.0))
g = typed(f.create_group('/processing/sorting'), 'Clustering')
g.create_dataset('description', data='many')
g.create_dataset('num', data=ev % 7)
g.create_dataset('times', data=ev * 0.01)
g.create_dataset('peak_over_rms', data=np.arange(7) * 1.5)
g = typed(f.create_group('/processing/features'), 'FeatureExtraction')
g.create_dataset('features', data=ev[:, None, None] * 10.0 + np.arange(2)[None, :, None] + np.arange(3)[None, None, :] * 0.1)
g.create_dataset('times', data=ev * 0.01)
g.create_dataset('description', data=np.array(['pc1', 'pc2', 'pc3'], dtype=object), dtype=h5py.string_dtype())
f.close()
`;
const EVENTS = 10_000;
/** Events of a series in 3.2 MB chunks (gzip): an event per chunk would read 64 MB. */
const CHUNKY = 40_000;

describe('spike-sorting readers', function () {
  this.timeout(60_000);

  before(() => ensureDebianPackages(['python3-h5py']));

  it('picks the spike-sorting views for the real files’ objects', async () => {
    const cases: [string, string, string][] = [
      ['aqnwb__createESandSES.nwb', '/acquisition/spikedata0', 'spikeEvents'],
      ['nwbexplorer__test_EventWaveform.nwb', '/acquisition/EventWaveform', 'spikeEvents'],
      ['nwbexplorer__test_EventWaveform.nwb', '/acquisition/EventWaveform/test_sES', 'spikeEvents'],
      ['nwbexplorer__test_ClusterWaveforms.nwb', '/acquisition/ClusterWaveforms', 'clusterWaveforms'],
      ['nwbexplorer__test_ClusterWaveforms.nwb', '/acquisition/Clustering', 'clustering'],
      ['matnwb__ecephys_tutorial.nwb', '/processing/cellular/clustering', 'clustering'],
      ['nwbexplorer__test_FeatureExtraction.nwb', '/acquisition/FeatureExtraction', 'features'],
    ];
    for (const [name, path, view] of cases) {
      const nwb = await openNwb(fixture(name));
      try {
        assert.equal((await resolveView(nwb, path)).view, view, `${name} ${path}`);
      } finally {
        await nwb.close();
      }
    }
  });

  it('reads SpikeEventSeries snippets in volts with channel_conversion applied, as h5py stores them', async () => {
    const file = fixture('aqnwb__createESandSES.nwb');
    const stored = h5py(file, '/acquisition/spikedata1');
    const data = stored.data as number[][][];
    const gains = stored.channel_conversion as number[];
    const nwb = await openNwb(file);
    try {
      const s = await spikeSnippets(nwb, '/acquisition/spikedata1');
      assert.deepEqual(s.seriesPaths, ['/acquisition/spikedata1']);
      assert.equal(s.unit, 'volts');
      assert.deepEqual([s.total, s.channelCount, s.sampleCount], [10, 2, 5]);
      assert.deepEqual(s.shown, [...Array(10).keys()]);
      const expected = data.flatMap(event => event.flatMap((ch, c) => ch.map(v => v * gains[c])));
      const got = [...new Float32Array(s.snippets)];
      assert.equal(got.length, expected.length);
      got.forEach((v, i) => assert.ok(close(v, expected[i]), `${i}: ${v} vs ${expected[i]}`));
      assert.deepEqual([...new Float64Array(s.times)], stored.timestamps);
      assert.deepEqual([...new Float64Array(s.shownTimes)], stored.timestamps);
      assert.equal(s.channelLabels.length, 2);
      assert.equal(s.stats.nanCount, 0);
    } finally {
      await nwb.close();
    }
  });

  it('shows an EventWaveform through its series, a 1-D series as one value per event', async () => {
    const file = fixture('nwbexplorer__test_EventWaveform.nwb');
    const stored = h5py(file, '/acquisition/EventWaveform/test_sES');
    const nwb = await openNwb(file);
    try {
      const s = await spikeSnippets(nwb, '/acquisition/EventWaveform');
      assert.deepEqual(s.seriesPaths, ['/acquisition/EventWaveform/test_sES']);
      assert.equal(s.path, '/acquisition/EventWaveform/test_sES');
      assert.deepEqual([s.channelCount, s.sampleCount], [1, 1]);
      assert.deepEqual([...new Float32Array(s.snippets)], stored.data);
      assert.deepEqual([...new Float64Array(s.shownTimes)], stored.timestamps);
      await assert.rejects(
        spikeSnippets(nwb, '/acquisition/EventWaveform', '/acquisition'),
        /not a SpikeEventSeries of/,
      );
    } finally {
      await nwb.close();
    }
  });

  it('reads Clustering numbers, times and peak_over_rms per cluster as h5py does', async () => {
    for (const [name, path] of [
      ['matnwb__ecephys_tutorial.nwb', '/processing/cellular/clustering'],
      ['nwbexplorer__test_ClusterWaveforms.nwb', '/acquisition/Clustering'],
    ]) {
      const stored = h5py(fixture(name), path);
      const nums = stored.num as number[];
      const peaks = stored.peak_over_rms as number[];
      const nwb = await openNwb(fixture(name));
      try {
        const c = await clusteringEvents(nwb, path);
        assert.deepEqual([...new Float64Array(c.times)], stored.times);
        assert.deepEqual([...new Float64Array(c.nums)], nums);
        const distinct = [...new Set(nums)].sort((a, b) => a - b);
        assert.deepEqual(
          c.clusters.map(k => [k.num, k.count]),
          distinct.map(n => [n, nums.filter(m => m === n).length]),
        );
        // Both files hold one peak_over_rms per cluster present, in ascending order.
        assert.deepEqual(
          c.clusters.map(k => k.peakOverRms),
          peaks,
        );
        assert.equal(c.description, (stored.description as string[]).join(', '));
      } finally {
        await nwb.close();
      }
    }
  });

  it('reads ClusterWaveforms mean and sd and says how rows meet the linked Clustering', async () => {
    const file = fixture('nwbexplorer__test_ClusterWaveforms.nwb');
    const stored = h5py(file, '/acquisition/ClusterWaveforms');
    const nwb = await openNwb(file);
    try {
      const w = await clusterWaveforms(nwb, '/acquisition/ClusterWaveforms');
      assert.equal(w.clusteringPath, stored.clustering_interface);
      assert.deepEqual([...new Float64Array(w.mean)], flat(stored.waveform_mean));
      assert.deepEqual([...new Float64Array(w.sd ?? new ArrayBuffer(0))], flat(stored.waveform_sd));
      assert.deepEqual([w.total, w.sampleCount], [1, 2]);
      // One row, clusters 3 and 4 in the Clustering: neither NWB's rule nor one-per-cluster fits.
      assert.deepEqual(w.rows, [{ row: 0, cluster: 0, inClustering: false }]);
      assert.match(w.rowNote, /1 row for clusters 3, 4 of the Clustering/);
      assert.deepEqual(w.filtering, (stored.waveform_filtering as string[]).join(', '));
    } finally {
      await nwb.close();
    }
  });

  it('reads FeatureExtraction features per channel with their description names', async () => {
    const file = fixture('nwbexplorer__test_FeatureExtraction.nwb');
    const stored = h5py(file, '/acquisition/FeatureExtraction');
    const features = stored.features as number[][][];
    const nwb = await openNwb(file);
    try {
      for (const channel of [0, 1]) {
        const f = await featureValues(nwb, '/acquisition/FeatureExtraction', channel);
        assert.deepEqual(f.featureNames, stored.description);
        assert.deepEqual([f.total, f.channelCount, f.featureCount], [2, 2, 3]);
        assert.deepEqual(
          [...new Float64Array(f.values)],
          features.flatMap(event => event[channel]),
        );
        assert.deepEqual([...new Float64Array(f.times)], stored.times);
      }
      await assert.rejects(featureValues(nwb, '/acquisition/FeatureExtraction', 2), /outside 0 – 1/);
    } finally {
      await nwb.close();
    }
  });

  describe('on a large generated file', () => {
    let dir: string;
    let file: string;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'spike-sorting-'));
      file = join(dir, 'sorting.nwb');
      const run = spawnSync(
        PYTHON,
        ['-c', WRITE.replace('${EVENTS}', String(EVENTS)).replace('${CHUNKY}', String(CHUNKY)), file],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(run.status, 0, run.stderr);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reads at most a screenful of snippets, evenly spread, each the stored one', async () => {
      const nwb = await openNwb(file);
      try {
        const s = await spikeSnippets(nwb, '/acquisition/big');
        assert.equal(s.total, EVENTS);
        assert.equal(s.shown.length, 200);
        const step = s.shown[1] - s.shown[0];
        assert.equal(step, EVENTS / 200);
        s.shown.forEach((event, k) => assert.equal(event, k * step));
        const values = new Float32Array(s.snippets);
        assert.equal(values.length, 200 * 3 * 40);
        for (const k of [0, 1, 137, 199])
          for (const c of [0, 2])
            for (const i of [0, 39]) {
              const stored = (s.shown[k] * 1000 + c * 100 + i) * 1e-6;
              assert.ok(close(values[(k * 3 + c) * 40 + i], stored), `${k} ${c} ${i}`);
            }
        assert.deepEqual([...new Float64Array(s.shownTimes)].slice(0, 3), [0, step * 0.01, 2 * step * 0.01]);
        const fewer = await spikeSnippets(nwb, '/acquisition/big', undefined, 7);
        assert.ok(fewer.shown.length <= 7);
      } finally {
        await nwb.close();
      }
    });

    it('spreads the snippets of a series in big chunks over a few chunks, not a chunk per snippet', async () => {
      const nwb = await openNwb(file);
      try {
        const s = await spikeSnippets(nwb, '/acquisition/chunky');
        assert.equal(s.total, CHUNKY);
        assert.ok(s.shown.length <= 200 && s.shown.length >= 150, `${s.shown.length} shown`);
        const chunks = new Set(s.shown.map(i => Math.floor(i / 2000)));
        // A budget of 16 MB of 3.2 MB chunks: five chunks, from the first to the last quarter.
        assert.equal(chunks.size, 5);
        assert.equal(Math.min(...chunks), 0);
        assert.ok(Math.max(...chunks) >= 15);
        const values = new Float32Array(s.snippets);
        s.shown.forEach((event, k) => {
          assert.equal(values[k * 400], event);
          assert.equal(values[k * 400 + 399], event);
        });
        assert.deepEqual(
          [...new Float64Array(s.shownTimes)],
          s.shown.map(i => i * 0.001),
        );
      } finally {
        await nwb.close();
      }
    });

    it('says an all-NaN series is all NaN', async () => {
      const nwb = await openNwb(file);
      try {
        const s = await spikeSnippets(nwb, '/acquisition/nan');
        assert.equal(s.stats.count, 5 * 2 * 8);
        assert.equal(s.stats.nanCount, s.stats.count);
      } finally {
        await nwb.close();
      }
    });

    it('spreads Clustering and FeatureExtraction events and keeps peak_over_rms by cluster number', async () => {
      const nwb = await openNwb(file);
      try {
        const c = await clusteringEvents(nwb, '/processing/sorting', 1000);
        assert.equal(c.total, EVENTS);
        const nums = new Float64Array(c.nums);
        assert.equal(nums.length, 1000);
        nums.forEach((n, i) => assert.equal(n, (i * 10) % 7));
        assert.deepEqual(
          c.clusters.map(k => [k.num, k.peakOverRms]),
          [0, 1, 2, 3, 4, 5, 6].map(n => [n, n * 1.5]),
        );
        const f = await featureValues(nwb, '/processing/features', 1, 500);
        assert.equal(f.shown.length, 500);
        const values = new Float64Array(f.values);
        f.shown.forEach((event, k) => assert.ok(close(values[k * 3 + 2], event * 10 + 1 + 0.2)));
        assert.deepEqual(f.featureNames, ['pc1', 'pc2', 'pc3']);
      } finally {
        await nwb.close();
      }
    });
  });
});
