/**
 * Exact overviews of a series with timestamps in a real VS Code: the generated gapped.nwb (2 M
 * samples × 4 channels at about 1 kHz, two segments 60 s apart) streamed from the stand-in
 * archive shows a sparse overview, refines it in the background to exact, and a second open (kept
 * files closed) draws the exact overview with zero data requests, the pause drawn as a gap: the
 * webview's own reading of its plot has no line across it.
 */
import * as assert from 'node:assert/strict';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import type { ViewReadings } from '../../src/shared/protocol';
import type { ArchiveInfo } from '../e2e/types';
import { GAP_SAMPLE, gappedTime } from '../fixtures/nwbgen/gapped';
import {
  assetRequests,
  closeForGood,
  refinedToExact,
  refineReplies,
  servedAssetUri,
} from '../suite/overviewSteps';
import { recorderOf } from '../suite/panelRecorder';
import { lastReply, openInViewer, showInPanel, useViewer } from '../suite/viewerPanels';

const SERIES = '/acquisition/gapped';

/** What the view drew once two readings 200 ms apart agree and its badge says `exact`. */
async function exactReadings(panel: ViewerPanel): Promise<ViewReadings> {
  const recorder = recorderOf(panel);
  let last = '';
  const deadline = Date.now() + 30_000;
  for (;;) {
    const reading = await recorder.ask('test/readings', {});
    const text = JSON.stringify(reading);
    if (reading.path === SERIES && reading.overview === 'exact' && text === last) return reading;
    if (Date.now() > deadline) throw new Error(`the exact drawing did not settle: ${text}`);
    last = text;
    await new Promise(r => setTimeout(r, 200));
  }
}

describe('Exact overviews of series with timestamps (VS Code)', function () {
  this.timeout(300_000);
  const suite = useViewer();
  const archiveJson = process.env.DANDI_TEST_ARCHIVE;
  const archive = archiveJson ? (JSON.parse(archiveJson) as ArchiveInfo) : undefined;

  it('refines a long series with timestamps and a pause; a second open draws it exact, gap and all, with zero data requests', async () => {
    assert.ok(archive, 'the suite runs against the stand-in archive (DANDI_TEST_ARCHIVE)');
    const { uri, assetId } = await servedAssetUri(archive, archive.ids.nwbDemo, 'gapped.nwb');

    const panel = await openInViewer(suite.provider, uri);
    await showInPanel(panel, SERIES);
    await refinedToExact(panel, SERIES, 240_000);
    assert.equal((await exactReadings(panel)).overview, 'exact', 'the badge says exact');
    await closeForGood(suite, panel);

    const again = await openInViewer(suite.provider, uri);
    await showInPanel(again, SERIES);
    const reopened = lastReply(again, 'series/window', SERIES);
    const reading = await exactReadings(again);
    assert.equal(reopened.mode, 'minmax');
    if (reopened.mode !== 'minmax') return;
    assert.equal(reopened.overview?.state, 'exact', 'the second open draws the exact overview at once');
    assert.equal(refineReplies(again, SERIES).length, 0, 'nothing left to refine');

    // The series' info and window asked again as the plot asked them: not one request for the file.
    // (Opening the file reads its head, and the file's overview page summarises its other series.)
    const asked = recorderOf(again)
      .requests.filter(r => r.method === 'series/window')
      .pop()?.params as { t0: number; t1: number; channels: number[]; pixels: number };
    await fetch(`${archive.controlUrl}/clear-log`, { method: 'POST' });
    const info = await recorderOf(again).request('series/info', { path: SERIES });
    const whole = await recorderOf(again).request('series/window', { path: SERIES, ...asked });
    assert.deepEqual(
      await assetRequests(archive, assetId),
      [],
      'zero data requests for the series on the second open',
    );
    assert.deepEqual([info.tStart, info.tEnd], [gappedTime(0), gappedTime(1_999_999)]);
    assert.equal(whole.mode, 'minmax');
    if (whole.mode !== 'minmax') return;
    assert.equal(whole.overview?.state, 'exact');
    assert.deepEqual(new Float32Array(whole.min), new Float32Array(reopened.min));

    // The plot as drawn: its first trace stops before the pause and starts again after it.
    const lines = reading.plots[0]?.lines ?? [];
    const [pauseStart, pauseEnd] = [gappedTime(GAP_SAMPLE - 1), gappedTime(GAP_SAMPLE)];
    assert.ok(lines.length >= 2, `the trace breaks: ${JSON.stringify(lines)}`);
    assert.ok(
      lines.every(([a, b]) => !(a < pauseStart && b > pauseEnd)),
      `no line across the pause (${pauseStart} → ${pauseEnd}): ${JSON.stringify(lines)}`,
    );
    assert.ok(
      lines.some(([, b]) => b <= pauseStart && b > pauseStart - 10) &&
        lines.some(([a]) => a >= pauseEnd && a < pauseEnd + 10),
      `a line ends just before the pause and one starts just after it: ${JSON.stringify(lines)}`,
    );
    await closeForGood(suite, again);
  });
});
