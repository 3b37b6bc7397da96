/**
 * Exact overviews in a real VS Code: the generated 10-million-sample × 64-channel series (1 GiB,
 * streamed from the stand-in archive through a `dandi-asset:` URI) first shows a sparse overview,
 * refines it in the background (the host's `series/refine` answers reach the webview: refining
 * n%, then exact), and a second open shows the exact overview of the whole recording with zero
 * data requests (the archive's request log).
 */
import * as assert from 'node:assert/strict';
import type { ArchiveInfo } from '../e2e/types';
import {
  assetRequests,
  closeForGood,
  refinedToExact,
  refineReplies,
  servedAssetUri,
} from '../suite/overviewSteps';
import { recorderOf } from '../suite/panelRecorder';
import { lastReply, openInViewer, showInPanel, useViewer } from '../suite/viewerPanels';

const SERIES = '/acquisition/ElectricalSeries';
/** test/vscode/archive.mjs serves .cache/large/ecephys-1gib.nwb with --large when it exists. */
const LARGE_NAME = 'ecephys-1gib.nwb';

describe('Exact series overviews (VS Code)', function () {
  this.timeout(900_000);
  const suite = useViewer();
  const archiveJson = process.env.DANDI_TEST_ARCHIVE;
  const archive = archiveJson ? (JSON.parse(archiveJson) as ArchiveInfo) : undefined;

  it('refines the 10-million-sample × 64-channel overview in the background; a second open shows it exact with zero data requests', async () => {
    assert.ok(archive, 'the suite runs against the stand-in archive (DANDI_TEST_ARCHIVE)');
    const { uri, assetId } = await servedAssetUri(archive, archive.ids.large, LARGE_NAME);

    const panel = await openInViewer(suite.provider, uri);
    await showInPanel(panel, SERIES);
    const replies = await refinedToExact(panel, SERIES, 840_000);
    const exact = replies[replies.length - 1];
    assert.equal(exact.exact, true);
    assert.equal(exact.overview?.progress, 1);
    assert.ok(replies.length >= 2, `the plot sharpened in steps (${replies.length} updates)`);
    await closeForGood(suite, panel);

    await fetch(`${archive.controlUrl}/clear-log`, { method: 'POST' });
    const again = await openInViewer(suite.provider, uri);
    await showInPanel(again, SERIES);
    const reopened = lastReply(again, 'series/window', SERIES);
    assert.equal(reopened.mode, 'minmax');
    if (reopened.mode !== 'minmax') return;
    assert.equal(reopened.overview?.state, 'exact', 'the second open draws the exact overview at once');
    assert.equal(refineReplies(again, SERIES).length, 0, 'nothing left to refine');

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
    assert.deepEqual(await assetRequests(archive, assetId), [], 'zero data requests for the exact overview');
    assert.equal(whole.mode, 'minmax');
    if (whole.mode !== 'minmax') return;
    assert.equal(whole.overview?.state, 'exact');
    assert.equal(whole.columns, exact.columns);
    assert.deepEqual(new Float32Array(whole.min), new Float32Array(exact.min));
    assert.deepEqual(new Float32Array(whole.max), new Float32Array(exact.max));
    await closeForGood(suite, again);
  });
});
