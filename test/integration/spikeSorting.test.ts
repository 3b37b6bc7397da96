/**
 * The spike-sorting views in a real VS Code with the real webview: SpikeEventSeries and its
 * EventWaveform, Clustering, ClusterWaveforms and FeatureExtraction from the real files, the
 * host's replies checked against what libhdf5 (h5py) reads; and, on a file written here, a large
 * series shown as an even spread of a screenful, an all-NaN one said as such, and one the view
 * cannot show falling back to the generic view with the reason.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { defaultFixturesDir } from '../archive/server';
import { ensureDebianPackages } from '../support/debianPackages';
import { useViewer, lastReply, openInViewer, showInPanel as show } from '../suite/viewerPanels';

const real = (name: string): string => join(defaultFixturesDir(), 'nwb', name);

/** Every numeric dataset of a group as h5py reads it (nested lists), by name. */
const READ = `
import sys, json, h5py, numpy as np
g = h5py.File(sys.argv[1], 'r')[sys.argv[2]]
print(json.dumps({n: np.asarray(g[n][()], dtype=float).tolist() for n in g
                  if isinstance(g.get(n), h5py.Dataset) and g[n].dtype.kind in 'iuf'}))
`;

/** A large SpikeEventSeries, an all-NaN one and a 4-D one (no SpikeEventSeries layout). */
const WRITE = `
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'w')
f.attrs['nwb_version'] = '2.7.0'
def series(name, data):
    g = f.create_group('/acquisition/' + name)
    g.attrs['neurodata_type'] = 'SpikeEventSeries'
    g.attrs['namespace'] = 'core'
    g.create_dataset('data', data=data).attrs['unit'] = 'volts'
    g.create_dataset('timestamps', data=np.arange(data.shape[0]) * 0.01)
series('big', (np.arange(5000)[:, None] * 1e-6 + np.sin(np.arange(32) / 4)[None, :] * 1e-4).astype('f4'))
series('nan', np.full((10, 8), np.nan))
series('fourd', np.zeros((3, 2, 2, 4)))
f.close()
`;

type Numbers = Record<string, unknown>;
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

function h5py(file: string, group: string): Numbers {
  const run = spawnSync('/usr/bin/python3', ['-c', READ, file, group], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Numbers;
}

describe('NWB viewer spike-sorting views (VS Code)', function () {
  this.timeout(180_000);
  before(() => {
    ensureDebianPackages(['python3-h5py']);
  });
  const suite = useViewer();

  it('overlays SpikeEventSeries snippets in volts, channel_conversion applied, as h5py reads them', async () => {
    const file = real('aqnwb__createESandSES.nwb');
    const path = '/acquisition/spikedata0';
    const stored = h5py(file, path);
    const panel = await openInViewer(suite.provider, vscode.Uri.file(file));
    const done = await show(panel, path);
    assert.equal(done.view, 'spikeEvents');
    assert.equal(done.note, undefined, 'varying snippets need no note');
    const s = lastReply(panel, 'spikeEvents', path);
    const gains = stored.channel_conversion as number[];
    const expected = (stored.data as number[][][]).flatMap(e =>
      e.flatMap((ch, c) => ch.map(v => v * gains[c])),
    );
    const got = [...new Float32Array(s.snippets)];
    assert.equal(got.length, expected.length);
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-6 * Math.abs(expected[i]), `${i}`));
    assert.deepEqual([...new Float64Array(s.times)], stored.timestamps);
  });

  it('shows an EventWaveform through its SpikeEventSeries', async () => {
    const file = real('nwbexplorer__test_EventWaveform.nwb');
    const stored = h5py(file, '/acquisition/EventWaveform/test_sES');
    const panel = await openInViewer(suite.provider, vscode.Uri.file(file));
    const done = await show(panel, '/acquisition/EventWaveform');
    assert.equal(done.view, 'spikeEvents');
    const s = lastReply(panel, 'spikeEvents', '/acquisition/EventWaveform');
    assert.deepEqual(s.seriesPaths, ['/acquisition/EventWaveform/test_sES']);
    assert.deepEqual([...new Float32Array(s.snippets)], stored.data);
  });

  it('draws a Clustering by cluster number and its ClusterWaveforms linked to it', async () => {
    const matnwb = real('matnwb__ecephys_tutorial.nwb');
    const stored = h5py(matnwb, '/processing/cellular/clustering');
    let panel = await openInViewer(suite.provider, vscode.Uri.file(matnwb));
    assert.equal((await show(panel, '/processing/cellular/clustering')).view, 'clustering');
    const c = lastReply(panel, 'clustering', '/processing/cellular/clustering');
    assert.deepEqual([...new Float64Array(c.nums)], stored.num);
    assert.deepEqual([...new Float64Array(c.times)], stored.times);
    assert.deepEqual(
      c.clusters.map(k => k.peakOverRms),
      stored.peak_over_rms,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    const file = real('nwbexplorer__test_ClusterWaveforms.nwb');
    const waves = h5py(file, '/acquisition/ClusterWaveforms');
    panel = await openInViewer(suite.provider, vscode.Uri.file(file));
    const done = await show(panel, '/acquisition/ClusterWaveforms');
    assert.equal(done.view, 'clusterWaveforms');
    // The file's one mean waveform is 7.3 at both samples: said, with the value.
    assert.equal(done.note, 'Constant in this selection: every value is 7.3 (2 values).');
    const w = lastReply(panel, 'clusterWaveforms', '/acquisition/ClusterWaveforms');
    assert.equal(w.clusteringPath, '/acquisition/Clustering');
    assert.deepEqual([...new Float64Array(w.mean)], flat(waves.waveform_mean));
    assert.deepEqual([...new Float64Array(w.sd ?? new ArrayBuffer(0))], flat(waves.waveform_sd));
  });

  it('scatters FeatureExtraction features of a channel, as h5py reads them', async () => {
    const file = real('nwbexplorer__test_FeatureExtraction.nwb');
    const stored = h5py(file, '/acquisition/FeatureExtraction');
    const panel = await openInViewer(suite.provider, vscode.Uri.file(file));
    const done = await show(panel, '/acquisition/FeatureExtraction');
    assert.equal(done.view, 'features');
    const f = lastReply(panel, 'features', '/acquisition/FeatureExtraction');
    assert.deepEqual(f.featureNames, ['desc1', 'desc2', 'desc3']);
    assert.deepEqual(
      [...new Float64Array(f.values)],
      (stored.features as number[][][]).flatMap(e => e[f.channel]),
    );
  });

  describe('on a file written here', () => {
    let dir: string;
    let file: string;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'spike-views-'));
      file = join(dir, 'spikes.nwb');
      const run = spawnSync('/usr/bin/python3', ['-c', WRITE, file], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('shows a screenful of a large series evenly spread, says all-NaN, falls back with the reason', async () => {
      const panel = await openInViewer(suite.provider, vscode.Uri.file(file));
      assert.equal((await show(panel, '/acquisition/big')).view, 'spikeEvents');
      const big = lastReply(panel, 'spikeEvents', '/acquisition/big');
      assert.equal(big.total, 5000);
      assert.deepEqual(
        big.shown,
        Array.from({ length: 200 }, (_, i) => i * 25),
      );

      const nan = await show(panel, '/acquisition/nan');
      assert.equal(nan.view, 'spikeEvents');
      assert.equal(nan.note, 'All 80 values in this selection are NaN (not a number): nothing to draw.');

      const fourD = await show(panel, '/acquisition/fourd');
      assert.equal(fourD.view, 'group', 'the generic view is shown instead');
      assert.match(
        fourD.note ?? '',
        /^The spikeEvents view cannot show this object \(.*is 4-D: a SpikeEventSeries holds .*\); shown as group instead\.$/,
      );
    });
  });
});
