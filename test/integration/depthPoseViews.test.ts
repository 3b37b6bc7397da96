/**
 * Depth × time heatmaps and pose in image coordinates, in a real VS Code with the real webview:
 * the AllenSDK CSD drawn as a heatmap of every virtual channel, and DeepLabCut keypoints in video
 * pixels drawn y down. The host's replies to the webview are checked against what libhdf5 (h5py)
 * reads from the same real files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { defaultFixturesDir } from '../archive/server';
import { ensureDebianPackages } from '../support/debianPackages';
import { useViewer, lastReply, openInViewer, showInPanel as show } from '../suite/viewerPanels';

const realPath = (name: string): string => join(defaultFixturesDir(), 'nwb', name);

/** Python run with h5py on (file, dataset): prints the dataset as JSON. */
function h5pyData(file: string, dataset: string): number[][] {
  ensureDebianPackages(['python3-h5py']);
  const code = `
import sys, json, h5py
print(json.dumps(h5py.File(sys.argv[1], 'r')[sys.argv[2]][()].tolist()))
`;
  const run = spawnSync('/usr/bin/python3', ['-c', code, file, dataset], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as number[][];
}

describe('NWB viewer depth heatmaps and pose coordinates (VS Code)', function () {
  this.timeout(180_000);
  const suite = useViewer();

  it('draws the EcephysCSD as a heatmap of every virtual channel with the values h5py reads', async () => {
    const file = realPath('nwblinkml__aibs_ecephys.nwb');
    const csd = '/processing/current_source_density/ecephys_csd';
    const series = `${csd}/current_source_density`;
    const expected = h5pyData(file, `${series}/data`);
    const panel = await openInViewer(suite.provider, vscode.Uri.file(file));
    const done = await show(panel, csd);
    assert.equal(done.view, 'depthHeatmap');
    const layout = lastReply(panel, 'depth/layout', csd);
    assert.equal(layout.seriesPath, series);
    assert.equal(layout.channelCount, expected[0].length);
    const window = lastReply(panel, 'series/window', series);
    assert.equal(window.mode, 'raw');
    if (window.mode !== 'raw') return;
    assert.deepEqual(
      window.channels,
      expected[0].map((_, c) => c),
    );
    const values = new Float32Array(window.values);
    for (let i = 0; i < window.count; i++)
      for (let c = 0; c < window.channels.length; c++)
        assert.equal(
          values[c * window.count + i],
          Math.fround(expected[window.sampleStart + i][c]),
          `${i} ${c}`,
        );
  });

  it('draws DeepLabCut keypoints in image coordinates with the positions h5py reads', async () => {
    const file = realPath('dlc2nwb__m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb');
    const pose = '/processing/behavior/PoseEstimation';
    const snout = h5pyData(file, `${pose}/ind1_snout/data`);
    const panel = await openInViewer(suite.provider, vscode.Uri.file(file));
    const done = await show(panel, pose);
    assert.equal(done.view, 'pose');
    const set = lastReply(panel, 'spatial/trajectory', pose);
    assert.equal(set.coordinates, 'image');
    assert.equal(set.frame, undefined, 'the file states dimensions [0, 0]: no frame');
    const series = set.series.find(s => s.name === 'ind1_snout');
    assert.ok(series?.y);
    const [x, y] = [new Float32Array(series.x), new Float32Array(series.y)];
    assert.equal(x.length, snout.length);
    snout.forEach(([sx, sy], i) => {
      assert.equal(x[i], Math.fround(sx), `x ${i}`);
      assert.equal(y[i], Math.fround(sy), `y ${i}`);
    });
  });
});
