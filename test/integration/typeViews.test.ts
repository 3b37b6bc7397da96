/**
 * Views for more types, in a real VS Code with the real webview: an AnnotationSeries as an event
 * list and NWB 1.x UnitTimes as the units raster. The host's replies to the webview are checked
 * against what libhdf5 (h5py) reads from the same real files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { defaultFixturesDir } from '../archive/server';
import { ensureDebianPackages } from '../support/debianPackages';
import { useViewer, lastReply, openInViewer, showInPanel as show } from '../suite/viewerPanels';

const realPath = (name: string): string => join(defaultFixturesDir(), 'nwb', name);

/** Python run with h5py on (file, group): prints JSON. */
function h5py<T>(code: string, file: string, group: string): T {
  ensureDebianPackages(['python3-h5py']);
  const run = spawnSync('/usr/bin/python3', ['-c', code, file, group], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as T;
}

const READ_EVENTS = `
import sys, json, h5py
g = h5py.File(sys.argv[1], 'r')[sys.argv[2]]
print(json.dumps({'times': [float(t) for t in g['timestamps'][:]],
                  'texts': [v.decode() if isinstance(v, bytes) else str(v) for v in g['data'][:]]}))
`;

const READ_UNIT_TIMES = `
import sys, json, h5py
g = h5py.File(sys.argv[1], 'r')[sys.argv[2]]
print(json.dumps([[name, len(g[name]['times'])] for name in g if 'times' in g[name]]))
`;

describe('NWB viewer views for more types (VS Code)', function () {
  this.timeout(180_000);
  const suite = useViewer();

  it('shows an AnnotationSeries as an event list with the times and texts h5py reads', async () => {
    const file = realPath('aqnwb__createAnnotationSeries.nwb');
    const path = '/acquisition/annotations1';
    const expected = h5py<{ times: number[]; texts: string[] }>(READ_EVENTS, file, path);
    const panel = await openInViewer(suite.provider, vscode.Uri.file(file));
    const done = await show(panel, path);
    assert.equal(done.view, 'events');
    const list = lastReply(panel, 'events', path);
    assert.deepEqual([...new Float64Array(list.times)], expected.times);
    assert.deepEqual(list.labels, expected.texts);
    assert.equal(list.total, expected.times.length);
  });

  it('shows NWB 1.x UnitTimes as the units raster with every unit’s spike count h5py reads', async () => {
    const file = realPath('matnwb__20080606_R1.nwb');
    const path = '/processing/Cells/UnitTimes';
    const expected = h5py<[string, number][]>(READ_UNIT_TIMES, file, path);
    const panel = await openInViewer(suite.provider, vscode.Uri.file(file));
    const done = await show(panel, path);
    assert.equal(done.view, 'units');
    const raster = lastReply(panel, 'units/raster', path);
    assert.equal(raster.unitCount, expected.length);
    assert.deepEqual(
      raster.units.map(u => u.label),
      expected.map(([name]) => name),
    );
    // The first page spans every spike of its units (no window asked for yet).
    const offsets = new Uint32Array(raster.offsets);
    assert.deepEqual(
      expected.map((_, i) => offsets[i + 1] - offsets[i]),
      expected.map(([, count]) => count),
    );
  });
});
