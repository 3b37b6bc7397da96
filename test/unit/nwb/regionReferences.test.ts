// Table regions stored as HDF5 region references (MatNWB, NWB 1.x): the rows come from each
// reference's selection. Expected values were read off h5py (h5r.get_region(...).get_select_hyper_blocklist()).
import * as assert from 'node:assert/strict';
import { seriesInfo } from '../../../src/nwb/timeseries';
import { regionRows } from '../../../src/nwb/table';
import { fixture, openNwb } from './helpers';

describe('nwb table regions stored as region references', function () {
  this.timeout(30_000);

  it('MatNWB electrodes: rows 0 and 2 of the compound electrode table label the channels', async () => {
    const nwb = await openNwb(fixture('matnwb__example.h5'));
    try {
      // h5py: /general/extracellular_ephys/electrodes, blocks [[0],[0]] and [[2],[2]]; ids 1..4, location CA1
      assert.deepEqual(await regionRows(nwb, '/acquisition/test_ephys_data/electrodes', 1000), {
        rows: [0, 2],
        table: '/general/extracellular_ephys/electrodes',
      });
      const info = await seriesInfo(nwb, '/acquisition/test_ephys_data');
      assert.deepEqual(info.electrodeRows, [0, 2]);
      assert.deepEqual(info.channelLabels, ['1 · CA1', '3 · CA1']);
    } finally {
      await nwb.close();
    }
  });

  it('NWB 1.x ROI response series: the rois region names its ROI', async () => {
    const nwb = await openNwb(fixture('nwbexplorer__nwb_test_file.nwb'));
    try {
      const series = '/processing/img_seg_example/Fluorescence/test_roi_response_series';
      // h5py: /processing/img_seg_example/ImageSegmentation/test_plane_seg_name/rois, blocks [[0],[0]]
      assert.deepEqual(await regionRows(nwb, `${series}/rois`, 1000), {
        rows: [0],
        table: '/processing/img_seg_example/ImageSegmentation/test_plane_seg_name/rois',
      });
      const info = await seriesInfo(nwb, series);
      assert.deepEqual(info.channelLabels, ['ROI 0']);
    } finally {
      await nwb.close();
    }
  });
});
