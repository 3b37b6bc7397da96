/**
 * NWB semantics on files written by real tools (../shared/fixtures/nwb): version detection in all
 * its forms, inheritance of extension types from embedded specs, overviews of every file,
 * masks, LFP channels, units, icephys sweep tables and pose, and schema docs.
 */
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { icephysSweeps } from '../../../src/nwb/icephys';
import { inspectObject } from '../../../src/nwb/inspect';
import type { NwbFile } from '../../../src/nwb/nwbFile';
import { nwbOverview } from '../../../src/nwb/overview';
import { roiSet } from '../../../src/nwb/rois';
import { trajectories } from '../../../src/nwb/spatial';
import { tableRows } from '../../../src/nwb/table';
import { seriesInfo, seriesWindow } from '../../../src/nwb/timeseries';
import { unitsRaster } from '../../../src/nwb/units';
import { resolveView } from '../../../src/nwb/views';
import { fixture, FIXTURES, openNwb } from './helpers';

type Opened = NwbFile & { close(): Promise<void> };

async function withFile<T>(name: string, fn: (nwb: Opened) => Promise<T>): Promise<T> {
  const nwb = await openNwb(fixture(name));
  try {
    return await fn(nwb);
  } finally {
    await nwb.close();
  }
}

describe('NWB semantics (real fixtures)', function () {
  this.timeout(120_000);

  it('detects nwb_version as attribute, 1.x dataset, NWB- prefix, 1-element array, or none', async () => {
    const expected: Record<string, string | null> = {
      'pynwb__2.6.0_DynamicTableElectrodes.nwb': '2.7.0',
      'pynwb__1.0.2_nwbfile.nwb': '2.0b',
      'matnwb__ecephys_tutorial.nwb': '2.0b',
      'ipfx__UntitledExperiment-2018_12_03_234957-compressed.nwb': '1.0.5',
      'mies__AB_SweepsFromMultipleDevices-V2.nwb': '2.2.4',
      'matnwb__20080606_R1.nwb': '1.0.6',
      'matnwb__example.h5': '1.2.0',
      'pynwb__empty.nwb': null,
      'h5wasm__array.h5': null,
    };
    for (const [name, version] of Object.entries(expected)) {
      assert.equal(await withFile(name, nwb => nwb.version()), version, name);
    }
  });

  it('gives extension types their ancestors from the embedded schema (ndx-pose)', async () => {
    await withFile('ndxpose__test_pose.nwb', async nwb => {
      const path = '/processing/behavior/PoseEstimation/body';
      const view = await resolveView(nwb, path);
      assert.deepEqual(view.inheritance.slice(0, 3), ['PoseEstimationSeries', 'SpatialSeries', 'TimeSeries']);
      assert.equal(view.view, 'spatial');
      const inspection = await inspectObject(nwb, path);
      assert.equal(inspection.typeChain[0].namespace, 'ndx-pose');
      assert.match(inspection.typeChain[0].doc, /\S/);
      assert.ok(inspection.typeChain[0].fields.some(f => f.name === 'confidence'));
      const pose = await trajectories(nwb, '/processing/behavior/PoseEstimation');
      assert.equal(pose.kind, 'pose');
      // Series come in the skeleton's node order.
      assert.deepEqual(pose.skeleton?.nodes, ['front_left_paw', 'body', 'front_right_paw']);
      assert.deepEqual(
        pose.series.map(s => s.name),
        ['front_left_paw', 'body', 'front_right_paw'],
      );
      assert.equal(new Float32Array(pose.series[0].x).length, 100);
    });
    await withFile('ndxpose__0.1.1_poseestimation_nodes_edges.nwb', async nwb => {
      const pose = await trajectories(nwb, '/processing/behavior/PoseEstimation');
      assert.deepEqual(pose.skeleton?.nodes, ['front_left_paw', 'front_right_paw']);
      assert.equal(pose.skeleton?.edges.length, 1);
    });
  });

  it('builds the overview of every NWB file in the corpus without failing', async () => {
    const names = readdirSync(FIXTURES).filter(n => n.endsWith('.nwb'));
    assert.ok(names.length > 30);
    for (const name of names) {
      const overview = await withFile(name, nwb => nwbOverview(nwb));
      assert.ok(Array.isArray(overview.sections), name);
      for (const item of overview.sections.flatMap(s => s.items))
        assert.doesNotMatch(item.summary, /^unreadable/, `${name} ${item.path}`);
    }
  });

  it('shows the pynwb fields, the subject and the sections of a file', async () => {
    const overview = await withFile('pynapple__A8604-211122.nwb', nwb => nwbOverview(nwb));
    const fields = Object.fromEntries(overview.fields.map(f => [f.name, f.value]));
    assert.equal(fields.identifier, 'A8604-211122');
    assert.equal(fields.session_start_time, '2022-04-05T03:07:59.411186+00:00');
    assert.equal(fields.experimenter, 'guillaume');
    assert.equal(fields.session_description, undefined, 'empty fields are left out');
    const withSubject = await withFile('nwb2bids__sub-001_ses-A_ecephys.nwb', nwb => nwbOverview(nwb));
    assert.ok(withSubject.subject.some(f => f.name === 'subject_id' && f.value !== ''));
    const units = overview.sections.find(s => s.name === 'units');
    assert.equal(units?.items[0].view, 'units');
    assert.match(units?.items[0].summary ?? '', /rows/);
  });

  it('reads image_mask and pixel_mask of a pynwb PlaneSegmentation', async () => {
    await withFile('nwbexplorer__test_PlaneSegmentation.nwb', async nwb => {
      const path = '/processing/plane_seg_test_module/ImageSegmentation/test_plane_seg_name';
      const set = await roiSet(nwb, path);
      assert.equal(set.maskKind, 'image_mask');
      assert.deepEqual(Array.from(new Uint32Array(set.offsets)), [0, 25, 50]);
      assert.deepEqual(Array.from(new Float32Array(set.weight)).slice(24, 26), [1, 2]);
      const rows = await tableRows(nwb, path, 0, 2, ['pixel_mask']);
      assert.deepEqual(rows.rows[1][0], [
        { x: 7, y: 8, weight: 2 },
        { x: 9, y: 10, weight: 2 },
      ]);
    });
  });

  it('finds the summary image and the response traces of a neuroconv segmentation', async () => {
    await withFile('neuroconv__nwb_test.nwb', async nwb => {
      const overview = await nwbOverview(nwb);
      const seg = overview.sections
        .flatMap(s => s.items)
        .find(i => i.view === 'group' && /ImageSegmentation/.test(i.neurodataType ?? ''));
      assert.ok(seg, 'an ImageSegmentation in the overview');
      const planes = (await nwb.reader.list(seg.path)).filter(e => e.neurodataType === 'PlaneSegmentation');
      const set = await roiSet(nwb, planes[0].path);
      assert.ok(set.roiCount > 0);
      assert.ok(set.summaryImage, 'summary image found');
      assert.deepEqual([set.summaryImage.height, set.summaryImage.width], [set.height, set.width]);
      assert.ok(set.responses.length > 0, 'RoiResponseSeries that reference the table');
    });
  });

  it('labels LFP channels by electrode and reads a window (AllenSDK file)', async () => {
    await withFile('nwblinkml__aibs_ecephys.nwb', async nwb => {
      const overview = await nwbOverview(nwb);
      const lfp = overview.sections.flatMap(s => s.items).find(i => i.neurodataType === 'LFP');
      assert.ok(lfp, 'LFP in the overview');
      const series = (await nwb.reader.list(lfp.path)).find(e => e.neurodataType === 'ElectricalSeries');
      assert.ok(series);
      const info = await seriesInfo(nwb, series.path);
      assert.ok((info.channelLabels?.length ?? 0) > 0, 'electrode labels');
      const w = await seriesWindow(nwb, info, {
        path: series.path,
        t0: info.tStart,
        t1: info.tEnd,
        channels: [0, 1],
        pixels: 300,
      });
      assert.ok(w.mode === 'raw' || w.mode === 'minmax');
    });
  });

  it('reads units rasters from MatNWB and pynapple files', async () => {
    for (const name of [
      'pynapple__A8604-211122.nwb',
      'pynapple__sub-4_ses-4_ecephys+image.nwb',
      'neuroconv__test.nwb',
    ]) {
      await withFile(name, async nwb => {
        const raster = await unitsRaster(nwb, '/units', 0, 5);
        const offsets = new Uint32Array(raster.offsets);
        assert.equal(offsets.length, raster.units.length + 1, name);
        assert.ok(offsets[offsets.length - 1] > 0, `${name} has spikes`);
        const times = new Float64Array(raster.times);
        assert.ok(
          times.every(t => t >= raster.tMin && t <= raster.tMax),
          name,
        );
      });
    }
    // MatNWB 2018 indexes ragged columns with region references. h5py: units/id [1, 2, 3];
    // spike_times[spike_times_index[i]] = [0.1, 0.21, 0.5, 0.61], [0.34, 0.36, 0.66, 0.69], [0.4, 0.43].
    const matnwb = await withFile('matnwb__ecephys_tutorial.nwb', nwb => unitsRaster(nwb, '/units', 0, 3));
    assert.deepEqual(Array.from(new Uint32Array(matnwb.offsets)), [0, 4, 8, 10]);
    assert.deepEqual(
      Array.from(new Float64Array(matnwb.times)),
      [0.1, 0.21, 0.5, 0.61, 0.34, 0.36, 0.66, 0.69, 0.4, 0.43],
    );
  });

  it('pairs ABF sweeps through the SweepTable (ipfx) and through series names', async () => {
    const table = await withFile('ipfx__2018_03_20_0005.nwb', nwb => icephysSweeps(nwb, '/'));
    assert.equal(table.source, 'sweep_table');
    assert.ok(table.sweeps.length > 0);
    for (const sweep of table.sweeps) {
      assert.match(sweep.response?.neurodataType ?? '', /CurrentClampSeries|VoltageClampSeries/);
      assert.match(sweep.stimulus?.neurodataType ?? '', /StimulusSeries/);
    }
    const old = await withFile('ipfx__UntitledExperiment-2018_12_03_234957-compressed.nwb', nwb =>
      icephysSweeps(nwb, '/'),
    );
    assert.ok(old.sweeps.length > 0, 'NWB 1.x sweeps found through ancestry');
  });

  it('follows soft links and names broken and external links clearly', async () => {
    await withFile('jupyterlabhdf5__non_simple_entities.h5', async nwb => {
      assert.equal((await resolveView(nwb, '/soft_link_to_dataset')).view, 'dataset');
      await assert.rejects(resolveView(nwb, '/broken_soft_link'), /broken link \(→ not_existing\)/);
      await assert.rejects(resolveView(nwb, '/external_link_to_group'), /link into another file/);
    });
  });

  it('gives text annotations the event list, and external videos the image view that names their files', async () => {
    await withFile('aqnwb__createAnnotationSeries.nwb', async nwb => {
      assert.equal((await resolveView(nwb, '/acquisition/annotations1')).view, 'events');
    });
    await withFile('ndxpose__test_pose.nwb', async nwb => {
      assert.equal(
        (await resolveView(nwb, '/processing/behavior/PoseTraining/source_videos/source_video')).view,
        'imageSeries',
      );
    });
  });
});
