/**
 * What the NWB viewer says about data it cannot simply draw, in a real VS Code with the real
 * webview: all-NaN and constant values (real files and a file written here), frames stored in
 * external files (named, with their frame count), and a specialised view that falls back to the
 * table and says why. The host's statistics are checked in its replies, the sentences in the
 * `rendered` events the webview sends once it has drawn.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { defaultFixturesDir } from '../archive/server';
import { writeNwbRoot, writeTimeSeries } from '../fixtures/nwbgen/nwbObjects';
import { NwbWriter, createH5File } from '../fixtures/nwbgen/writer';
import { IBL_PATHS, IBL_ROOT } from '../fixtures/videogen';
import { recorderOf } from '../suite/panelRecorder';
import { lastReply, openInViewer, showInPanel as show, useViewer } from '../suite/viewerPanels';

const real = (name: string): vscode.Uri => vscode.Uri.file(join(defaultFixturesDir(), 'nwb', name));

/** A small NWB file with an all-NaN and a constant series, written by the project's own writer. */
async function writeQualityFile(path: string): Promise<void> {
  const file = await createH5File(path);
  const w = new NwbWriter(file, 'quality.nwb');
  writeNwbRoot(w, { identifier: 'quality', sessionDescription: 'data-quality cases' });
  const plain = {
    neurodataType: 'TimeSeries',
    namespace: 'core',
    conversion: 1,
    offset: 0,
    resolution: -1,
    dtype: '<f' as const,
    shape: [500],
    timing: { kind: 'rate' as const, rate: 100, startingTime: 0 },
  };
  writeTimeSeries(w, {
    ...plain,
    path: '/acquisition/all_nan',
    description: 'every sample NaN',
    unit: 'volts',
    data: { text: 'NaN', valueAt: () => NaN },
  });
  writeTimeSeries(w, {
    ...plain,
    path: '/acquisition/constant',
    description: 'every sample 0.25',
    unit: 'volts',
    data: { text: '0.25', valueAt: () => 0.25 },
  });
  file.close();
}

describe('NWB viewer data notes (VS Code)', function () {
  this.timeout(180_000);
  const suite = useViewer();
  let scratch: string;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'dandi-quality-'));
    await writeQualityFile(join(scratch, 'quality.nwb'));
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('says that a real series is all NaN (AIBS running wheel), with the count the host sent', async () => {
    const panel = await openInViewer(suite.provider, real('nwblinkml__aibs.nwb'));
    const path = '/acquisition/running_wheel_signal_voltage';
    const done = await show(panel, path);
    const w = lastReply(panel, 'series/window', path);
    assert.ok(w.stats.count > 0);
    assert.equal(w.stats.nanCount, w.stats.count, 'every value read is NaN');
    assert.equal(
      done.note,
      `All ${w.stats.count} values in this time window are NaN (not a number): nothing to draw.`,
    );
  });

  it('says that a real image is all NaN (pynapple stimulus) and that a real frame is constant (4 × 2 TwoPhotonSeries)', async () => {
    const stimulus = await openInViewer(suite.provider, real('pynapple__sub-4_ses-4_ecephys+image.nwb'));
    const nanPath = '/stimulus/presentation/StimulusPresentation_encoding';
    const nan = await show(stimulus, nanPath);
    const nanFrame = lastReply(stimulus, 'image/frame', nanPath);
    assert.equal(nanFrame.stats.nanCount, nanFrame.stats.count);
    assert.match(nan.note ?? '', /^All \d+ values in this frame are NaN/);

    const twoPhoton = await openInViewer(suite.provider, real('nwbexplorer__test_TwoPhotonSeries.nwb'));
    const path = '/acquisition/test_2ps';
    const constant = await show(twoPhoton, path);
    const frame = lastReply(twoPhoton, 'image/frame', path);
    assert.equal(frame.width * frame.height, 8, 'a 4 × 2 frame');
    assert.equal(frame.stats.min, frame.stats.max);
    assert.equal(
      constant.note,
      `Constant in this frame: every value is ${frame.stats.min} ${frame.unit} (8 values).`,
    );
  });

  it('says all-NaN and constant for series of a generated file', async () => {
    const panel = await openInViewer(suite.provider, vscode.Uri.file(join(scratch, 'quality.nwb')));
    const nan = await show(panel, '/acquisition/all_nan');
    assert.equal(nan.view, 'timeseries');
    assert.equal(nan.note, 'All 500 values in this time window are NaN (not a number): nothing to draw.');
    const constant = await show(panel, '/acquisition/constant');
    assert.equal(constant.note, 'Constant in this time window: every value is 0.25 volts (500 values).');
  });

  it('names the external files of an ImageSeries and counts its frames (IBL-shaped session)', async () => {
    const root = join(suite.repo, '.cache', 'video', IBL_ROOT);
    const panel = await openInViewer(suite.provider, vscode.Uri.file(join(root, IBL_PATHS.raw)));
    const path = '/acquisition/OriginalVideoLeftCamera';
    const done = await show(panel, path);
    const name = IBL_PATHS.leftVideo.slice(IBL_PATHS.raw.lastIndexOf('/') + 1);
    const frames = (await recorderOf(panel).request('h5/datasetInfo', { path: `${path}/timestamps` }))
      .shape[0];
    assert.ok(frames > 0);
    assert.equal(
      done.note,
      `The frames of this series are stored outside this file, in an external file (${frames.toLocaleString('en-US')} frames by its timestamps): ${name}.`,
    );
  });

  it('falls back to the table, saying why, when the ROI view cannot show a PlaneSegmentation without masks', async () => {
    const panel = await openInViewer(suite.provider, real('nwbexplorer__nwb_test_file.nwb'));
    const path = '/processing/img_seg_example/ImageSegmentation/test_plane_seg_name';
    const done = await show(panel, path);
    assert.equal(done.view, 'table', 'the table view is shown instead');
    assert.match(
      done.note ?? '',
      /^The planeSegmentation view cannot show this object \(.*no image_mask, pixel_mask or voxel_mask\); shown as table instead\.$/,
    );
  });
});
