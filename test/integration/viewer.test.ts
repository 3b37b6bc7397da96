/**
 * The NWB viewer in a real VS Code: files opened locally (generated and real fixtures) and
 * streamed from the stand-in archive through `dandi-asset:` URIs; what each panel's webview was
 * sent is checked against the generated files' formulas (time axis, values, mask coordinates);
 * a file that cannot be opened answers with a clear error; closing every editor releases all
 * documents and panels.
 */
import * as assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { Commands, ViewTypes } from '../../src/constants';
import { formatAssetUri } from '../../src/dandi/assetUri';
import type { PathRecord } from '../../src/dandi/types';
import type { NwbEditorProvider } from '../../src/editor/nwbEditorProvider';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import {
  ENVELOPE_TAG,
  PROTOCOL_VERSION,
  type SeriesWindow,
  type WebviewEvent,
} from '../../src/shared/protocol';
import { pathElement, type AssetElement } from '../../src/tree/model';
import { defaultFixturesDir } from '../archive/server';
import {
  GENERATED_MANIFEST,
  IMAGE_MASK_ROIS,
  imageMaskWeight,
  type TimeSeriesExpectation,
} from '../fixtures/nwbgen/index';
import { recorderOf } from '../suite/panelRecorder';
import { useViewer } from '../suite/viewerPanels';

interface ArchiveInfo {
  apiUrl: string;
  controlUrl: string;
  ids: { corpus: string; nwbDemo: string };
}
interface AssetItem {
  asset_id: string;
  path: string;
  size: number;
}

async function assetsOf(archive: ArchiveInfo, dandisetId: string): Promise<AssetItem[]> {
  const out: AssetItem[] = [];
  let url: string | null = `${archive.apiUrl}/dandisets/${dandisetId}/versions/draft/assets/?page_size=1000`;
  while (url) {
    const page = (await (await fetch(url)).json()) as { next: string | null; results: AssetItem[] };
    out.push(...page.results);
    url = page.next;
  }
  return out;
}

/** Resolves when `condition` holds, re-checking on each provider change (no polling, no sleeps). */
function when(
  provider: NwbEditorProvider,
  condition: () => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(
        new Error(
          `timed out waiting for ${what} (documents ${provider.documentCount}, panels ${provider.panelCount})`,
        ),
      );
    }, timeoutMs);
    const sub = provider.onDidChange(() => {
      if (!condition()) return;
      clearTimeout(timer);
      sub.dispose();
      resolveWait();
    });
  });
}

async function openPanel(
  provider: NwbEditorProvider,
  uri: vscode.Uri,
  viewType: string = ViewTypes.nwbViewer,
): Promise<ViewerPanel> {
  await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
  const find = () => provider.panels.find(p => p.document.uri.toString() === uri.toString());
  await when(provider, () => find() !== undefined, `a panel for ${uri.toString(true)}`);
  return find() as ViewerPanel;
}

/** The tree's element for an asset: what the `paths` listing says about it (id, size, blob URL). */
async function treeElement(
  archive: ArchiveInfo,
  dandisetId: string,
  asset: AssetItem,
): Promise<AssetElement> {
  const parent = asset.path.includes('/') ? asset.path.slice(0, asset.path.lastIndexOf('/') + 1) : '';
  const url = `${archive.apiUrl}/dandisets/${dandisetId}/versions/draft/assets/paths/?path_prefix=${encodeURIComponent(parent)}`;
  const page = (await (await fetch(url)).json()) as { results: PathRecord[] };
  const item = page.results.find(r => r.path === asset.path);
  assert.ok(item?.asset, `the paths listing has ${asset.path}`);
  const element = pathElement(dandisetId, 'draft', item, false);
  assert.ok(element.kind === 'asset');
  return element;
}

/** Opens an asset as a click in the tree does (DANDI: Open), and resolves with its panel. */
async function openFromTree(
  provider: NwbEditorProvider,
  apiUrl: string,
  element: AssetElement,
): Promise<ViewerPanel> {
  await vscode.commands.executeCommand(Commands.openAsset, element);
  const text = formatAssetUri({
    apiUrl,
    assetId: element.assetId,
    path: element.path,
    dandisetId: element.dandisetId,
    version: element.version,
    size: element.size,
    blobUrl: element.s3Url,
  });
  const uri = vscode.Uri.parse(text).toString();
  const find = () => provider.panels.find(p => p.document.uri.toString() === uri);
  await when(provider, () => find() !== undefined, `a panel for ${element.path}`);
  return find() as ViewerPanel;
}

function series(path: string): TimeSeriesExpectation {
  const all = [
    ...GENERATED_MANIFEST.ecephys.series,
    ...GENERATED_MANIFEST.ophys.series,
    ...GENERATED_MANIFEST.behavior.series,
  ];
  const found = all.find(s => s.path === path);
  assert.ok(found, `manifest has ${path}`);
  return found;
}

/** Whether the panel posted a reply carrying `result` (the object the test received). */
function sentReply(panel: ViewerPanel, result: unknown): boolean {
  return recorderOf(panel).sent.some(m => m.kind === 'ok' && m.result === result);
}

/** Checks a raw window of the acquisition ElectricalSeries against its formula. */
function checkEphysWindow(w: SeriesWindow, channels: number[]): void {
  const s = series('/acquisition/ElectricalSeries');
  assert.equal(w.mode, 'raw');
  if (w.mode !== 'raw') return;
  const time = new Float64Array(w.time);
  const values = new Float32Array(w.values);
  assert.ok(w.count > 0);
  for (let i = 0; i < w.count; i++) {
    const sample: number = w.sampleStart + i;
    assert.equal(time[i], sample / 1000, `time of sample ${sample}`);
    channels.forEach((c, k) =>
      assert.equal(
        values[k * w.count + i],
        Math.fround(s.data.valueAt([sample, c]) * s.conversion),
        `sample ${sample} channel ${c}`,
      ),
    );
  }
}

/** Resolves with the first `rendered` event from the real webview that matches (already received ones count). */
function rendered(
  panel: ViewerPanel,
  match: (e: Extract<WebviewEvent, { type: 'rendered' }>) => boolean,
  timeoutMs = 60_000,
) {
  type Rendered = Extract<WebviewEvent, { type: 'rendered' }>;
  const seen = recorderOf(panel).received.find((e): e is Rendered => e.type === 'rendered' && match(e));
  if (seen) return Promise.resolve(seen);
  return new Promise<Rendered>((resolveWait, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(
        new Error(`the webview did not render (received: ${JSON.stringify(recorderOf(panel).received)})`),
      );
    }, timeoutMs);
    const sub = recorderOf(panel).onDidReceiveEvent(e => {
      if (e.type !== 'rendered' || !match(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolveWait(e);
    });
  });
}

describe('NWB viewer (VS Code)', function () {
  this.timeout(180_000);
  // Each test opens its files anew (a file kept open would answer from what another test read).
  const suite = useViewer({ closeKeptFiles: true });
  const archiveJson = process.env.DANDI_TEST_ARCHIVE;
  const archive: ArchiveInfo | undefined = archiveJson ? (JSON.parse(archiveJson) as ArchiveInfo) : undefined;

  it('opens a local generated file and sends the right time axis and values', async () => {
    const uri = vscode.Uri.file(resolve(suite.repo, '.cache', 'nwb', 'ecephys.nwb'));
    const panel = await openPanel(suite.provider, uri);
    const init = await recorderOf(panel).request('init', { protocol: PROTOCOL_VERSION });
    assert.equal(init.file.name, 'ecephys.nwb');
    assert.equal(init.file.nwbVersion, '2.7.0');
    assert.equal(init.mode, 'nwb');
    const info = await recorderOf(panel).request('series/info', { path: '/acquisition/ElectricalSeries' });
    assert.deepEqual(info.timing, { kind: 'rate', startingTime: 0, rate: 1000 });
    const w = await recorderOf(panel).request('series/window', {
      path: '/acquisition/ElectricalSeries',
      t0: 2,
      t1: 2.2,
      channels: [1, 9],
      pixels: 600,
    });
    checkEphysWindow(w, [1, 9]);
    assert.ok(sentReply(panel, w), 'the reply was sent to the webview');
    const overview = await recorderOf(panel).request('nwb/overview', {});
    assert.equal(
      overview.fields.find(f => f.name === 'identifier')?.value,
      GENERATED_MANIFEST.ecephys.identifier,
    );
  });

  it('sends mask coordinates of a PlaneSegmentation and the summary image', async () => {
    const uri = vscode.Uri.file(resolve(suite.repo, '.cache', 'nwb', 'ophys.nwb'));
    const panel = await openPanel(suite.provider, uri);
    const rois = await recorderOf(panel).request('rois', {
      path: '/processing/ophys/ImageSegmentation/PlaneSegmentation',
    });
    const offsets = new Uint32Array(rois.offsets);
    const x = new Uint32Array(rois.x);
    const y = new Uint32Array(rois.y);
    for (let r = 0; r < IMAGE_MASK_ROIS.length; r++) {
      for (let k = offsets[r]; k < offsets[r + 1]; k++)
        assert.ok(imageMaskWeight(r, x[k], y[k]) > 0, `ROI ${r} pixel ${x[k]},${y[k]}`);
      const area = [...Array(64 * 64).keys()].filter(
        i => imageMaskWeight(r, Math.floor(i / 64), i % 64) > 0,
      ).length;
      assert.equal(offsets[r + 1] - offsets[r], area);
    }
    assert.equal(rois.summaryImage?.width, 64);
  });

  it('opens a real fixture file as HDF5 and inspects it', async () => {
    const uri = vscode.Uri.file(join(defaultFixturesDir(), 'nwb', 'h5wasm__compressed.h5'));
    const panel = await openPanel(suite.provider, uri, ViewTypes.hdf5Viewer);
    const init = await recorderOf(panel).request('init', { protocol: PROTOCOL_VERSION });
    assert.equal(init.mode, 'hdf5');
    const children = await recorderOf(panel).request('h5/children', { path: '/' });
    assert.ok(children.total > 0);
    const dataset = children.entries.find(e => e.kind === 'dataset');
    assert.ok(dataset);
    const inspection = await recorderOf(panel).request('inspect', { path: dataset.path });
    assert.ok(inspection.dataset);
  });

  it('walks every object of a real file once for the hierarchy filter (h5/walk)', async () => {
    const uri = vscode.Uri.file(
      join(defaultFixturesDir(), 'nwb', 'mies__AB_SweepsFromMultipleDevices-V2.nwb'),
    );
    const panel = await openPanel(suite.provider, uri);
    const walk = await recorderOf(panel).request('h5/walk', {});
    assert.equal(walk.truncated, false);
    const deep = walk.objects.find(o => o.path === '/stimulus/presentation/data_00003_DA0');
    assert.ok(deep, 'an object below two unexpanded groups is listed');
    assert.equal(deep.kind, 'group');
    assert.ok(deep.type, 'with its neurodata type');
    // What the tree lists below a group is what the walk found there.
    const { entries } = await recorderOf(panel).request('h5/children', { path: '/stimulus/presentation' });
    const walked = walk.objects
      .filter(o => /^\/stimulus\/presentation\/[^/]+$/.test(o.path))
      .map(o => o.path);
    assert.deepEqual(walked.sort(), entries.map(e => e.path).sort());
  });

  it('rasters the spike times of MatNWB units, ragged through region references', async () => {
    const uri = vscode.Uri.file(join(defaultFixturesDir(), 'nwb', 'matnwb__ecephys_tutorial.nwb'));
    const panel = await openPanel(suite.provider, uri);
    await recorderOf(panel).request('init', { protocol: PROTOCOL_VERSION });
    const raster = await recorderOf(panel).request('units/raster', {
      path: '/units',
      unitStart: 0,
      unitCount: 3,
    });
    // h5py: ids [1 2 3]; spike_times[spike_times_index[i]] per unit
    assert.equal(raster.unitCount, 3);
    assert.deepEqual(
      raster.units.map(u => u.id),
      [1, 2, 3],
    );
    const offsets = Array.from(new Uint32Array(raster.offsets));
    const times = Array.from(new Float64Array(raster.times));
    assert.deepEqual(
      [0, 1, 2].map(u => times.slice(offsets[u], offsets[u + 1])),
      [
        [0.1, 0.21, 0.5, 0.61],
        [0.34, 0.36, 0.66, 0.69],
        [0.4, 0.43],
      ],
    );
    assert.deepEqual([raster.tMin, raster.tMax], [0.1, 0.69]);
  });

  it('answers init with a clear error for a file that is not HDF5, without crashing', async () => {
    const uri = vscode.Uri.file(resolve(suite.repo, '.cache', 'nwb', 'not-hdf5.nwb'));
    const panel = await openPanel(suite.provider, uri);
    await assert.rejects(
      recorderOf(panel).request('init', { protocol: PROTOCOL_VERSION }),
      /HDF5|hdf5|signature|not/,
    );
    await assert.rejects(recorderOf(panel).request('nwb/overview', {}), /unknown method/);
  });

  it('copies the Python snippet of the selected object', async () => {
    const uri = vscode.Uri.file(resolve(suite.repo, '.cache', 'nwb', 'behavior.nwb'));
    const panel = await openPanel(suite.provider, uri);
    recorderOf(panel).inject({
      tag: ENVELOPE_TAG,
      kind: 'event',
      event: { type: 'selection', path: '/processing/behavior/Position/position', view: 'spatial' },
    });
    const code = await vscode.commands.executeCommand<string>(Commands.viewerCopyPythonSnippet);
    assert.match(code, /nwbfile\.processing\["behavior"\]\["Position"\]\["position"\]/);
    assert.equal(await vscode.env.clipboard.readText(), code);
  });

  it('streams a generated file from the archive through a dandi-asset URI', async function () {
    if (!archive) this.skip();
    const assets = await assetsOf(archive, archive.ids.nwbDemo);
    const asset = assets.find(a => a.path.endsWith('ecephys.nwb') && !a.path.includes('truncated'));
    assert.ok(asset, 'the demo Dandiset has ecephys.nwb');
    const uri = vscode.Uri.parse(
      formatAssetUri({
        apiUrl: archive.apiUrl,
        assetId: asset.asset_id,
        path: asset.path,
        dandisetId: archive.ids.nwbDemo,
        version: 'draft',
        size: asset.size,
      }),
    );
    const panel = await openPanel(suite.provider, uri);
    const init = await recorderOf(panel).request('init', { protocol: PROTOCOL_VERSION });
    assert.equal(init.file.source.kind, 'dandi');
    assert.equal(init.file.size, asset.size);
    const w = await recorderOf(panel).request('series/window', {
      path: '/acquisition/ElectricalSeries',
      t0: 30,
      t1: 30.1,
      channels: [0, 31],
      pixels: 400,
    });
    checkEphysWindow(w, [0, 31]);
    assert.ok(panel.document.stats().bytesFetched > 0);
    const snippet = await recorderOf(panel).request('snippet/python', {
      path: '/acquisition/ElectricalSeries',
    });
    assert.match(snippet.code, /remfile\.File\(s3_url\)/);
  });

  it('reopens a streamed asset from the persistent metadata cache without a single request', async function () {
    if (!archive) this.skip();
    const info = archive;
    const asset = (await assetsOf(info, info.ids.nwbDemo)).find(a => a.path.endsWith('icephys.nwb'));
    assert.ok(asset, 'the demo Dandiset has icephys.nwb');
    const element = await treeElement(info, info.ids.nwbDemo, asset);
    const overview = async () => {
      const panel = await openFromTree(suite.provider, info.apiUrl, element);
      const result = await recorderOf(panel).request('nwb/overview', {});
      const document = panel.document;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await when(suite.provider, () => suite.provider.documentCount === 0, 'the document to be released');
      await document.closed;
      return result;
    };
    const first = await overview();
    // As in a new session: the file is not kept open, only the persistent cache has it.
    await suite.viewer.closeKeptFiles();
    await fetch(`${info.controlUrl}/clear-log`, { method: 'POST' });
    const second = await overview();
    const log = (await (await fetch(`${info.controlUrl}/log`)).json()) as { origin: string; url: string }[];
    // The tree may talk to the API meanwhile; what matters is the asset and the blob host.
    const forFile = log.filter(e => e.origin === 'blob' || e.url.includes(asset.asset_id));
    assert.deepEqual(
      forFile.map(e => e.url),
      [],
      'no request for the file reached the archive on the second open',
    );
    assert.deepEqual(second, first, 'the same overview, from the cache');
  });

  it('reopens a streamed asset within the grace period with no request for the data it showed', async function () {
    if (!archive) this.skip();
    const info = archive;
    const asset = (await assetsOf(info, info.ids.nwbDemo)).find(
      a => a.path.endsWith('ecephys.nwb') && !a.path.includes('truncated'),
    );
    assert.ok(asset, 'the demo Dandiset has ecephys.nwb');
    const element = await treeElement(info, info.ids.nwbDemo, asset);
    const window = async () => {
      const panel = await openFromTree(suite.provider, info.apiUrl, element);
      const result = await recorderOf(panel).request('series/window', {
        path: '/acquisition/ElectricalSeries',
        t0: 30,
        t1: 30.1,
        channels: [0, 31],
        pixels: 400,
      });
      const document = panel.document;
      const requests = document.stats().requests;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await when(suite.provider, () => suite.provider.documentCount === 0, 'the document to be released');
      await document.closed;
      return { result, requests };
    };
    const first = await window();
    assert.ok(first.requests > 0, 'the first open read the file');
    await fetch(`${info.controlUrl}/clear-log`, { method: 'POST' });
    const second = await window();
    const log = (await (await fetch(`${info.controlUrl}/log`)).json()) as { origin: string; url: string }[];
    const forFile = log.filter(e => e.origin === 'blob' || e.url.includes(asset.asset_id));
    assert.deepEqual(
      forFile.map(e => e.url),
      [],
      'the reopen found the file kept open: no request reached the archive',
    );
    assert.equal(second.requests, 0, 'and its document counts none');
    assert.deepEqual(second.result, first.result, 'the same window');
  });

  it('a poisoned link (foreign blob=) shows the genuine asset, and opens from the tree stay genuine', async function () {
    if (!archive) this.skip();
    const info = archive;
    const assets = await assetsOf(info, info.ids.nwbDemo);
    const genuine = assets.find(a => a.path.endsWith('ophys.nwb'));
    const foreign = assets.find(a => a.path.endsWith('behavior.nwb'));
    assert.ok(genuine && foreign, 'the demo Dandiset has ophys.nwb and behavior.nwb');
    const query = new URLSearchParams({
      dandiset: info.ids.nwbDemo,
      path: genuine.path,
      foreign: foreign.path,
    });
    const hostile = (await (await fetch(`${info.controlUrl}/poisoned-link?${query}`)).json()) as {
      link: string;
    };
    const overviewOf = async (panel: ViewerPanel) => {
      const result = await recorderOf(panel).request('nwb/overview', {});
      const document = panel.document;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await when(suite.provider, () => suite.provider.documentCount === 0, 'the document to be released');
      await document.closed;
      return result;
    };
    const local = await overviewOf(
      await openPanel(suite.provider, vscode.Uri.file(join(suite.repo, '.cache', 'nwb', genuine.path))),
    );
    const foreignLocal = await overviewOf(
      await openPanel(suite.provider, vscode.Uri.file(join(suite.repo, '.cache', 'nwb', foreign.path))),
    );
    assert.notDeepEqual(foreignLocal, local, 'the two files differ');
    const viaLink = await overviewOf(await openPanel(suite.provider, vscode.Uri.parse(hostile.link)));
    assert.deepEqual(viaLink, local, 'the link shows the asset it names, not the foreign blob');
    const element = await treeElement(info, info.ids.nwbDemo, genuine);
    const fromTree = await overviewOf(await openFromTree(suite.provider, info.apiUrl, element));
    assert.deepEqual(fromTree, local, 'the open from the tree is the genuine file');
    const again = await overviewOf(await openFromTree(suite.provider, info.apiUrl, element));
    assert.deepEqual(again, local, 'and so is its reopen from the metadata cache');
  });

  it('streams a real fixture from the corpus Dandiset and reads its pose trajectories', async function () {
    if (!archive) this.skip();
    const assets = await assetsOf(archive, archive.ids.corpus);
    const asset = assets.find(a => a.path.endsWith('ndxpose__test_pose.nwb'));
    assert.ok(asset, 'the corpus Dandiset serves ndxpose__test_pose.nwb');
    const uri = vscode.Uri.parse(
      formatAssetUri({
        apiUrl: archive.apiUrl,
        assetId: asset.asset_id,
        path: asset.path,
        dandisetId: archive.ids.corpus,
        version: 'draft',
        size: asset.size,
      }),
    );
    const panel = await openPanel(suite.provider, uri);
    const view = await recorderOf(panel).request('view/resolve', {
      path: '/processing/behavior/PoseEstimation/body',
    });
    assert.deepEqual(view.inheritance.slice(0, 3), ['PoseEstimationSeries', 'SpatialSeries', 'TimeSeries']);
    const pose = await recorderOf(panel).request('spatial/trajectory', {
      path: '/processing/behavior/PoseEstimation',
    });
    assert.equal(pose.kind, 'pose');
    assert.equal(pose.series.length, 3);
  });

  it('records what the real webview asked for and was sent (ready handshake)', async () => {
    const uri = vscode.Uri.file(join(suite.repo, '.cache', 'nwb', 'icephys.nwb'));
    const panel = await openPanel(suite.provider, uri);
    // The webview bundle calls `init` itself once its listener is attached.
    const initReply = () =>
      recorderOf(panel).sent.some(
        m => m.kind === 'ok' && typeof m.result === 'object' && m.result !== null && 'protocol' in m.result,
      );
    await new Promise<void>((resolveWait, reject) => {
      if (initReply()) return resolveWait();
      const timer = setTimeout(
        () => reject(new Error('the webview never completed the ready handshake')),
        60_000,
      );
      const sub = recorderOf(panel).onDidSend(() => {
        if (!initReply()) return;
        clearTimeout(timer);
        sub.dispose();
        resolveWait();
      });
    });
  });

  it('the real webview draws a revealed series from the window the host sent it', async () => {
    const uri = vscode.Uri.file(resolve(suite.repo, '.cache', 'nwb', 'ecephys.nwb'));
    const panel = await openPanel(suite.provider, uri);
    const path = '/acquisition/ElectricalSeries';
    await rendered(panel, e => e.view === 'overview');
    panel.notify({ type: 'reveal', path });
    const done = await rendered(panel, e => e.path === path);
    assert.equal(done.state, 'ready', done.detail);
    assert.equal(done.view, 'timeseries');
    const windows = recorderOf(panel).requests.filter(r => r.method === 'series/window');
    assert.ok(windows.length > 0, 'the webview asked for a window');
    for (const request of windows) {
      const reply = recorderOf(panel).sent.find(m => m.kind === 'ok' && m.id === request.id);
      assert.ok(reply && reply.kind === 'ok', `reply to request ${request.id}`);
      const w = reply.result as SeriesWindow;
      const params = request.params as { channels: number[] };
      if (w.mode === 'raw') checkEphysWindow(w, params.channels.length ? params.channels : [0]);
      else {
        const time = new Float64Array(w.time);
        assert.equal(time[0], w.sampleStart / 1000, 'column times on the series time axis');
        const s = series(path);
        const min = new Float32Array(w.min);
        const max = new Float32Array(w.max);
        // Every reported extreme is a real sample value of its channel.
        w.channels.forEach((c, k) => {
          const values = new Set<number>();
          for (let i = w.sampleStart; i < w.sampleStart + w.sampleCount; i++)
            values.add(Math.fround(s.data.valueAt([i, c]) * s.conversion));
          for (let col = 0; col < w.columns; col++) {
            assert.ok(
              values.has(min[k * w.columns + col]) && values.has(max[k * w.columns + col]),
              `column ${col} channel ${c}`,
            );
          }
        });
      }
    }
  });

  it('releases every document and panel when all editors close', async () => {
    for (const name of ['ecephys.nwb', 'ophys.nwb'])
      await openPanel(suite.provider, vscode.Uri.file(resolve(suite.repo, '.cache', 'nwb', name)));
    assert.equal(suite.provider.panelCount, 2);
    assert.equal(suite.provider.documentCount, 2);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await when(
      suite.provider,
      () => suite.provider.documentCount === 0 && suite.provider.panelCount === 0,
      'documents and panels to reach 0',
    );
  });
});
