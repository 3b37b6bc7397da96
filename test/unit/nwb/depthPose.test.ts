/**
 * Depth × time heatmaps and pose in image coordinates, on real files: which objects get the
 * heatmap (first for CSD, beside the traces for many channels), where their channels sit, and
 * whether positions are drawn as image coordinates (keypoints in pixels) or arena ones (metres).
 * Expected values are read from the files through the reader, not from the code under test.
 */
import * as assert from 'node:assert/strict';
import { depthLayout } from '../../../src/nwb/depthTime';
import type { NwbFile } from '../../../src/nwb/nwbFile';
import { trajectories } from '../../../src/nwb/spatial';
import { regionRows } from '../../../src/nwb/table';
import { resolveView } from '../../../src/nwb/views';
import { ensureGeneratedNwb } from '../../fixtures/nwbgen/index';
import { fixture, openNwb } from './helpers';

const CSD = '/processing/current_source_density/ecephys_csd';
const CSD_SERIES = `${CSD}/current_source_density`;
const LFP = '/acquisition/probe_769322820_lfp/probe_769322820_lfp_data';
const DLC = 'dlc2nwb__m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb';

async function withFile<T>(path: string, fn: (nwb: NwbFile) => Promise<T>): Promise<T> {
  const nwb = await openNwb(path);
  try {
    return await fn(nwb);
  } finally {
    await nwb.close();
  }
}

const viewsOf = async (nwb: NwbFile, path: string): Promise<string[]> => {
  const r = await resolveView(nwb, path);
  return [r.view, ...r.alternatives];
};

describe('depth × time heatmaps and pose coordinates (real files)', function () {
  this.timeout(120_000);

  it('shows the AllenSDK EcephysCSD as a heatmap first, its series with the traces beside it', async () => {
    await withFile(fixture('nwblinkml__aibs_ecephys.nwb'), async nwb => {
      assert.deepEqual(await viewsOf(nwb, CSD), ['depthHeatmap', 'group']);
      assert.deepEqual(await viewsOf(nwb, CSD_SERIES), ['depthHeatmap', 'timeseries', 'group']);
      const data = await nwb.reader.datasetInfo(`${CSD_SERIES}/data`);
      const ys = await nwb.reader.readNumbers(`${CSD}/virtual_electrode_y_positions`);
      const layout = await depthLayout(nwb, CSD);
      assert.equal(layout.seriesPath, CSD_SERIES);
      assert.equal(layout.channelCount, data.shape[1]);
      assert.ok(layout.byDefinition);
      // The file (a subset) keeps 10 positions for 384 virtual channels: rows fall back to the index, said why.
      assert.notEqual(ys.length, data.shape[1]);
      assert.equal(layout.positions, null);
      assert.equal(layout.positionLabel, 'channel');
      assert.match(
        layout.note ?? '',
        new RegExp(`virtual_electrode_y_positions holds ${ys.length} values for ${data.shape[1]} channels`),
      );
    });
  });

  it('offers the heatmap after the traces for a many-channel LFP, and not for few channels', async () => {
    await withFile(fixture('nwblinkml__aibs_ecephys.nwb'), async nwb => {
      const channels = (await nwb.reader.datasetInfo(`${LFP}/data`)).shape[1];
      assert.ok(channels > 64, `${channels} channels`);
      assert.deepEqual(await viewsOf(nwb, LFP), ['timeseries', 'channelHeatmap', 'group']);
      const layout = await depthLayout(nwb, LFP);
      assert.equal(layout.byDefinition, false);
      assert.equal(layout.channelCount, channels);
    });
    await withFile(fixture('neuroconv__test.nwb'), async nwb => {
      for (const r of await nwb.reader.list('/acquisition')) {
        if (r.kind !== 'group') continue;
        const views = await viewsOf(nwb, r.path);
        assert.ok(
          !views.includes('channelHeatmap') && !views.includes('depthHeatmap'),
          `${r.path}: ${views}`,
        );
      }
    });
  });

  it('places channels by the electrodes table’s position along the probe', async () => {
    const { files } = await ensureGeneratedNwb();
    await withFile(files.ecephys, async nwb => {
      const series = '/acquisition/ElectricalSeries';
      const { rows, table } = await regionRows(nwb, `${series}/electrodes`, 1e6);
      assert.ok(table);
      const relY = await nwb.reader.readNumbers(`${table}/rel_y`);
      const layout = await depthLayout(nwb, series);
      assert.equal(layout.positionLabel, 'rel y');
      assert.deepEqual(
        layout.positions,
        rows.map(r => relY[r]),
      );
      assert.equal(layout.note, undefined);
    });
  });

  it('draws DeepLabCut keypoints (pixels) in image coordinates, without a frame when dimensions are [0, 0]', async () => {
    await withFile(fixture(DLC), async nwb => {
      const dims = await nwb.reader.readNumbers('/processing/behavior/PoseEstimation/dimensions');
      assert.deepEqual(Array.from(dims), [0, 0]);
      const set = await trajectories(nwb, '/processing/behavior/PoseEstimation');
      assert.equal(set.coordinates, 'image');
      assert.equal(set.frame, undefined);
      assert.ok(set.series.every(s => s.unit === 'pixels'));
      // One keypoint series alone is still a keypoint in pixels.
      const one = await trajectories(nwb, '/processing/behavior/PoseEstimation/ind1_snout');
      assert.equal(one.coordinates, 'image');
    });
  });

  it('takes the video frame from PoseEstimation dimensions, and keeps arena positions (metres) y-up', async () => {
    const { files } = await ensureGeneratedNwb();
    await withFile(files.behavior, async nwb => {
      const dims = await nwb.reader.readNumbers('/processing/behavior/PoseEstimation/dimensions');
      const pose = await trajectories(nwb, '/processing/behavior/PoseEstimation');
      assert.equal(pose.coordinates, 'image');
      assert.deepEqual(pose.frame, {
        width: dims[0],
        height: dims[1],
        source: 'PoseEstimation/dimensions',
      });
      const position = await trajectories(nwb, '/processing/behavior/Position');
      assert.ok(position.series.every(s => !/pixel/i.test(s.unit)));
      assert.equal(position.coordinates, 'arena');
      assert.equal(position.frame, undefined);
    });
  });
});
