/**
 * Views for more types, in a real VS Code with the real webview: an AnnotationSeries as an event
 * list and NWB 1.x UnitTimes as the units raster. The host's replies to the webview are checked
 * against what libhdf5 (h5py) reads from the same real files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, ViewTypes } from '../../src/constants';
import type { NwbEditorProvider } from '../../src/editor/nwbEditorProvider';
import type { ViewerFeature } from '../../src/editor/registerViewer';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import type { HostMethods, WebviewEvent } from '../../src/shared/protocol';
import { defaultFixturesDir } from '../archive/server';
import { ensureDebianPackages } from '../support/debianPackages';
import { recordPanels, recorderOf } from '../suite/panelRecorder';

type Rendered = Extract<WebviewEvent, { type: 'rendered' }>;

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
  let provider: NwbEditorProvider;
  let recording: vscode.Disposable | undefined;

  before(async () => {
    const extension = vscode.extensions.getExtension<{ viewer: ViewerFeature }>(EXTENSION_ID);
    assert.ok(extension, 'extension installed');
    provider = (await extension.activate()).viewer.provider;
    recording = recordPanels(provider);
  });

  after(() => recording?.dispose());

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function open(uri: vscode.Uri): Promise<ViewerPanel> {
    await vscode.commands.executeCommand('vscode.openWith', uri, ViewTypes.nwbViewer);
    const find = () => provider.panels.find(p => p.document.uri.toString() === uri.toString());
    const panel =
      find() ??
      (await new Promise<ViewerPanel>((resolve, reject) => {
        const timer = setTimeout(
          () => (sub.dispose(), reject(new Error(`no panel for ${uri.fsPath}`))),
          60_000,
        );
        const sub = provider.onDidChange(() => {
          const found = find();
          if (!found) return;
          clearTimeout(timer);
          sub.dispose();
          resolve(found);
        });
      }));
    await rendered(panel, () => true);
    return panel;
  }

  async function show(panel: ViewerPanel, path: string): Promise<Rendered> {
    panel.notify({ type: 'reveal', path });
    const done = await rendered(panel, e => e.path === path);
    assert.equal(done.state, 'ready', done.detail);
    return done;
  }

  function lastReply<M extends keyof HostMethods>(
    panel: ViewerPanel,
    method: M,
    path: string,
  ): HostMethods[M]['result'] {
    const recorder = recorderOf(panel);
    const ids = recorder.requests
      .filter(r => r.method === method && (r.params as { path?: string }).path === path)
      .map(r => r.id);
    const reply = recorder.sent.filter(m => m.kind === 'ok' && ids.includes(m.id)).pop();
    assert.ok(reply && reply.kind === 'ok', `the host answered ${method} for ${path}`);
    return reply.result as HostMethods[M]['result'];
  }

  it('shows an AnnotationSeries as an event list with the times and texts h5py reads', async () => {
    const file = realPath('aqnwb__createAnnotationSeries.nwb');
    const path = '/acquisition/annotations1';
    const expected = h5py<{ times: number[]; texts: string[] }>(READ_EVENTS, file, path);
    const panel = await open(vscode.Uri.file(file));
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
    const panel = await open(vscode.Uri.file(file));
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

/** Resolves with the first `rendered` event of `panel` that matches (ones already received count). */
function rendered(
  panel: ViewerPanel,
  match: (e: Rendered) => boolean,
  timeoutMs = 60_000,
): Promise<Rendered> {
  const recorder = recorderOf(panel);
  const seen = recorder.received.find((e): e is Rendered => e.type === 'rendered' && match(e));
  if (seen) return Promise.resolve(seen);
  return new Promise<Rendered>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the webview did not render (received: ${JSON.stringify(recorder.received)})`));
    }, timeoutMs);
    const sub = recorder.onDidReceiveEvent(e => {
      if (e.type !== 'rendered' || !match(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}
