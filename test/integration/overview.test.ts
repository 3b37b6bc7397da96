/**
 * Exact overviews in a real VS Code: the generated 10-million-sample × 64-channel series (1 GiB,
 * streamed from the stand-in archive through a `dandi-asset:` URI) first shows a sparse overview,
 * refines it in the background (the host's `series/refine` answers reach the webview: refining
 * n%, then exact), and a second open shows the exact overview of the whole recording with zero
 * data requests (the archive's request log).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { formatAssetUri } from '../../src/dandi/assetUri';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import type { SeriesWindow } from '../../src/shared/protocol';
import type { ArchiveInfo } from '../e2e/types';
import { recorderOf } from '../suite/panelRecorder';
import { lastReply, openInViewer, showInPanel, useViewer } from '../suite/viewerPanels';

const SERIES = '/acquisition/ElectricalSeries';
const LARGE_NAME = 'ecephys-1gib.nwb';

type MinMax = Extract<SeriesWindow, { mode: 'minmax' }>;

/** Every `series/refine` reply the host sent the webview for the series, in order. */
function refineReplies(panel: ViewerPanel): MinMax[] {
  const recorder = recorderOf(panel);
  const ids = new Set(
    recorder.requests
      .filter(r => r.method === 'series/refine' && (r.params as { path?: string }).path === SERIES)
      .map(r => r.id),
  );
  return recorder.sent
    .filter(m => m.kind === 'ok' && ids.has(m.id))
    .map(m => (m.kind === 'ok' ? (m.result as MinMax) : (undefined as never)));
}

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

async function largeAssetUri(archive: ArchiveInfo): Promise<{ uri: vscode.Uri; assetId: string }> {
  const url = `${archive.apiUrl}/dandisets/${archive.ids.large}/versions/draft/assets/?page_size=1000`;
  const page = (await (await fetch(url)).json()) as {
    results: { asset_id: string; path: string; size: number }[];
  };
  const asset = page.results.find(a => a.path.endsWith(LARGE_NAME));
  assert.ok(
    asset,
    `the suite's archive serves .cache/large/${LARGE_NAME} (test/vscode/archive.mjs passes --large when it exists)`,
  );
  const text = formatAssetUri({
    apiUrl: archive.apiUrl,
    assetId: asset.asset_id,
    path: asset.path,
    dandisetId: archive.ids.large,
    version: 'draft',
    size: asset.size,
  });
  return { uri: vscode.Uri.parse(text), assetId: asset.asset_id };
}

describe('Exact series overviews (VS Code)', function () {
  this.timeout(900_000);
  const suite = useViewer();
  const archiveJson = process.env.DANDI_TEST_ARCHIVE;
  const archive = archiveJson ? (JSON.parse(archiveJson) as ArchiveInfo) : undefined;

  const closeAll = async (panel: ViewerPanel): Promise<void> => {
    const document = panel.document;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until(() => suite.provider.documentCount === 0, 'the document to be released', 60_000);
    await document.closed;
    // The HDF5 file would stay open for a while after close; closed now, the reopen must find the
    // exact overview on disk, not in a file kept in memory.
    await suite.viewer.closeKeptFiles();
  };

  it('refines the 10-million-sample × 64-channel overview in the background; a second open shows it exact with zero data requests', async () => {
    assert.ok(archive, 'the suite runs against the stand-in archive (DANDI_TEST_ARCHIVE)');
    const { uri, assetId } = await largeAssetUri(archive);

    const panel = await openInViewer(suite.provider, uri);
    await showInPanel(panel, SERIES);
    const first = lastReply(panel, 'series/window', SERIES);
    assert.equal(first.mode, 'minmax');
    if (first.mode !== 'minmax') return;
    assert.equal(first.overview?.state, 'sparse', 'the first paint is the sparse overview');
    assert.equal(first.overview?.refinable, true);
    await until(
      () => refineReplies(panel).some(r => r.overview?.state === 'exact'),
      'the background refinement to reach exact',
      840_000,
    );
    const replies = refineReplies(panel);
    const exact = replies[replies.length - 1];
    assert.equal(exact.overview?.state, 'exact');
    assert.equal(exact.exact, true);
    assert.equal(exact.overview?.progress, 1);
    assert.ok(
      replies.slice(0, -1).every(r => r.overview?.state === 'refining'),
      'the updates before it say refining',
    );
    assert.ok(replies.length >= 2, `the plot sharpened in steps (${replies.length} updates)`);
    await closeAll(panel);

    await fetch(`${archive.controlUrl}/clear-log`, { method: 'POST' });
    const again = await openInViewer(suite.provider, uri);
    await showInPanel(again, SERIES);
    const reopened = lastReply(again, 'series/window', SERIES);
    assert.equal(reopened.mode, 'minmax');
    if (reopened.mode !== 'minmax') return;
    assert.equal(reopened.overview?.state, 'exact', 'the second open draws the exact overview at once');
    assert.equal(refineReplies(again).length, 0, 'nothing left to refine');

    // The refined window asked again: the same columns, bit for bit, and not one request for the file.
    const asked = recorderOf(panel)
      .requests.filter(r => r.method === 'series/refine')
      .pop()?.params as { t0: number; t1: number; channels: number[]; pixels: number };
    await fetch(`${archive.controlUrl}/clear-log`, { method: 'POST' });
    const whole = await recorderOf(again).request('series/window', {
      path: SERIES,
      t0: asked.t0,
      t1: asked.t1,
      channels: asked.channels,
      pixels: asked.pixels,
    });
    const log = (await (await fetch(`${archive.controlUrl}/log`)).json()) as {
      origin: string;
      url: string;
    }[];
    assert.deepEqual(
      log.filter(e => e.origin === 'blob' || e.url.includes(assetId)).map(e => e.url),
      [],
      'zero data requests for the exact overview',
    );
    assert.equal(whole.mode, 'minmax');
    if (whole.mode !== 'minmax') return;
    assert.equal(whole.overview?.state, 'exact');
    assert.equal(whole.columns, exact.columns);
    assert.deepEqual(new Float32Array(whole.min), new Float32Array(exact.min));
    assert.deepEqual(new Float32Array(whole.max), new Float32Array(exact.max));
    await closeAll(again);
  });
});
