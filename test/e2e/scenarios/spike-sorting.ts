/**
 * The spike-sorting views on a file shaped like a real sorting (written here with h5py): an
 * EventWaveform of two 4-channel SpikeEventSeries with 3,000 noisy spikes each (a screenful
 * shown, evenly spread), a Clustering of five clusters with their ClusterWaveforms, and a
 * FeatureExtraction of three features on four channels. Each view is opened from the tree, its
 * choosers used, and a picture taken.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDebianPackages } from '../../support/debianPackages';
import type { Scenario } from '../types';
import { check, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const WRITE = `
import sys, h5py, numpy as np
rng = np.random.default_rng(7)
f = h5py.File(sys.argv[1], 'w')
f.attrs['nwb_version'] = '2.7.0'
def typed(path, t):
    g = f.create_group(path)
    g.attrs['neurodata_type'] = t
    g.attrs['namespace'] = 'core'
    return g
n, samples = 3000, 40
t = np.arange(samples)
shape = -np.exp(-((t - 12) / 2.0) ** 2) + 0.35 * np.exp(-((t - 20) / 5.0) ** 2)
times = np.sort(rng.uniform(0, 600, n))
cluster = rng.integers(0, 5, n)
ew = typed('/processing/ecephys/EventWaveform', 'EventWaveform')
for k, name in enumerate(['tetrode1', 'tetrode2']):
    gain = (40 + 25 * np.arange(4))[None, :, None] * (1 + cluster[:, None, None] * 0.3)
    data = gain * shape[None, None, :] + rng.normal(0, 8, (n, 4, samples))
    g = typed('/processing/ecephys/EventWaveform/' + name, 'SpikeEventSeries')
    d = g.create_dataset('data', data=data.astype('f4'), chunks=(100, 4, samples))
    d.attrs['unit'] = 'volts'
    d.attrs['conversion'] = 1e-6
    g.create_dataset('timestamps', data=times + k * 1e-3)
    g.attrs['description'] = 'threshold crossings, 40 samples around each'
c = typed('/processing/ecephys/Clustering', 'Clustering')
c.create_dataset('description', data='five clusters')
c.create_dataset('num', data=cluster)
c.create_dataset('times', data=times)
c.create_dataset('peak_over_rms', data=np.array([4.1, 5.2, 6.3, 7.4, 8.5]))
w = typed('/processing/ecephys/ClusterWaveforms', 'ClusterWaveforms')
w.create_dataset('waveform_filtering', data='300 Hz high-pass')
w.create_dataset('waveform_mean', data=np.array([(40 + 12 * k) * shape for k in range(5)]))
w.create_dataset('waveform_sd', data=np.full((5, samples), 8.0))
w['clustering_interface'] = h5py.SoftLink('/processing/ecephys/Clustering')
fe = typed('/processing/ecephys/FeatureExtraction', 'FeatureExtraction')
centre = rng.normal(0, 30, (5, 4, 3))
fe.create_dataset('features', data=centre[cluster] + rng.normal(0, 6, (n, 4, 3)))
fe.create_dataset('times', data=times)
fe.create_dataset('description', data=np.array(['PC1', 'PC2', 'PC3'], dtype=object), dtype=h5py.string_dtype())
f.close()
`;

const scenario: Scenario = {
  name: 'spike-sorting',
  async run(ctx) {
    ensureDebianPackages(['python3-h5py']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spike-sorting-'));
    const file = path.join(dir, 'spike-sorting.nwb');
    const run = spawnSync('/usr/bin/python3', ['-c', WRITE, file], { encoding: 'utf8' });
    check(run.status === 0, `writing the sorting file failed: ${run.stderr}`);
    try {
      const frame = await openLocalNwb(ctx, file);
      const ew = '/processing/ecephys/EventWaveform';
      await openPath(frame, ew, 'spikeEvents');
      const caption = await frame.locator('#view p.muted').first().innerText();
      check(/200 of 3000 snippets shown/.test(caption), `not a screenful of 3000 spikes: ${caption}`);
      check((await frame.locator('#view .snippet-channel canvas').count()) >= 4, 'not a plot per channel');
      await ctx.screenshot('spike-sorting-event-waveform');
      await waitForRedraw(
        frame,
        () => frame.getByLabel('Series', { exact: true }).selectOption({ label: 'tetrode2' }),
        { path: ew },
      );
      const second = await frame.locator('#view p.muted').first().innerText();
      check(second.includes('tetrode2'), `the chooser did not show tetrode2: ${second}`);

      await openPath(frame, '/processing/ecephys/Clustering', 'clustering');
      check((await frame.locator('#view .cluster-table tbody tr').count()) === 5, 'not five clusters listed');
      await ctx.screenshot('spike-sorting-clustering');

      await openPath(frame, '/processing/ecephys/ClusterWaveforms', 'clusterWaveforms');
      check((await frame.locator('#view .plot-legend li').count()) === 5, 'no legend of five clusters');
      await ctx.screenshot('spike-sorting-cluster-waveforms');
      // The waveforms link to the Clustering whose cluster numbers they follow.
      await waitForRedraw(
        frame,
        () =>
          frame.getByRole('button', { name: 'Open the Clustering /processing/ecephys/Clustering' }).click(),
        { path: '/processing/ecephys/Clustering', view: 'clustering' },
      );

      const fe = '/processing/ecephys/FeatureExtraction';
      await openPath(frame, fe, 'features');
      await waitForRedraw(
        frame,
        () => frame.getByLabel('Feature on y', { exact: true }).selectOption('PC3'),
        {
          path: fe,
        },
      );
      await waitForRedraw(
        frame,
        () => frame.getByLabel('Channel', { exact: true }).selectOption({ index: 2 }),
        {
          path: fe,
        },
      );
      await ctx.screenshot('spike-sorting-features');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;
