/**
 * Zarr in the NWB viewer, in a real VS Code: `dandi.openZarrInViewer` opens the AIND NWB-Zarr
 * folder in a panel with the NWB views (overview, the eye-tracking table, the blink series), and
 * a Zarr that is not NWB in the raw HDF5-style mode; closing the panel releases its document.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/constants';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';
import { defaultFixturesDir } from '../archive/server';
import { recorderOf } from '../suite/panelRecorder';
import { useViewer } from '../suite/viewerPanels';

const TABLE = '/processing/eye_tracking/eye_tracking';

describe('Zarr in the NWB viewer (VS Code)', function () {
  this.timeout(180_000);
  // After each test every document and panel is released (the Zarr store's reader with them).
  useViewer();

  it('opens the AIND NWB-Zarr folder with the NWB views: overview, table rows, a time series', async () => {
    const uri = vscode.Uri.file(
      join(defaultFixturesDir(), 'zarr', 'aind__multiplane-ophys_eye-tracking.nwb.zarr'),
    );
    const panel = await vscode.commands.executeCommand<ViewerPanel>(Commands.openZarrInViewer, uri);
    assert.ok(panel, 'the command returns its panel');
    const init = await recorderOf(panel).request('init', { protocol: PROTOCOL_VERSION });
    assert.equal(init.mode, 'nwb');
    assert.equal(init.file.name, 'aind__multiplane-ophys_eye-tracking.nwb.zarr');
    assert.equal(init.file.nwbVersion, '2.8.0');
    const overview = await recorderOf(panel).request('nwb/overview', {});
    assert.equal(
      overview.fields.find(f => f.name === 'session_start_time')?.value,
      '2025-02-25T12:14:00.461362-08:00',
    );
    const rows = await recorderOf(panel).request('table/rows', {
      path: TABLE,
      start: 763_522,
      count: 10,
    });
    assert.deepEqual(rows.ids, [763_522, 763_523]);
    assert.equal(rows.rows[1][rows.columns.indexOf('timestamps')], 4242.20909);
    const view = await recorderOf(panel).request('view/resolve', {
      path: '/processing/eye_tracking/likely_blink_times',
    });
    assert.equal(view.view, 'timeseries');
  });

  it('opens a Zarr that is not NWB in the raw mode: its arrays, their codecs and values', async () => {
    const uri = vscode.Uri.file(join(defaultFixturesDir(), 'zarr', 'zarritajs__v2_data.zarr'));
    const panel = await vscode.commands.executeCommand<ViewerPanel>(Commands.openZarrInViewer, uri);
    const init = await recorderOf(panel).request('init', { protocol: PROTOCOL_VERSION });
    assert.equal(init.mode, 'hdf5');
    const children = await recorderOf(panel).request('h5/children', { path: '/' });
    const path = '/1d.contiguous.blosc.i2';
    const entry = children.entries.find(e => e.path === path);
    assert.deepEqual([entry?.kind, entry?.dtype, entry?.shape], ['dataset', 'int16', [4]]);
    const info = await recorderOf(panel).request('h5/datasetInfo', { path });
    assert.deepEqual(
      info.filters.map(f => f.name),
      ['blosc'],
    );
    // python3-zarr reads [1 2 3 4] from this array.
    const slice = await recorderOf(panel).request('dataset/slice', { path });
    assert.ok(slice.kind === 'numeric');
    assert.deepEqual(Array.from(new Float64Array(slice.data)), [1, 2, 3, 4]);
  });
});
