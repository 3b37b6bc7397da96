/**
 * The video viewer on the session clock, in a real VS Code, on the generated IBL-shaped session
 * (.cache/video/ibl, the files Dandiset 990008 serves): the left camera's video opened with the
 * processed file's pose (its camera timestamps from the raw file) joins the clock of both NWB
 * files. A cursor set in the raw file's NWB viewer panel makes the video show the last frame at or
 * before it, and nothing comes back to that panel; a frame the video then shows sets the NWB
 * panel's cursor to that frame's camera timestamp.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VideoFeature } from '../../src/commands/videoCommands';
import { Commands, EXTENSION_ID, ViewTypes } from '../../src/constants';
import type { VideoPanel } from '../../src/editor/videoPanel';
import { ENVELOPE_TAG, type Envelope, type SessionTimeEvent } from '../../src/shared/protocol';
import type { VideoWebviewEvent } from '../../src/shared/videoProtocol';
import { cameraTimestamp } from '../fixtures/nwbgen/ibl';
import { IBL_PATHS, IBL_ROOT } from '../fixtures/videogen';
import { recorderOf, type PanelRecorder } from '../suite/panelRecorder';
import { useViewer } from '../suite/viewerPanels';

const TIMEOUT_MS = 90_000;
type Shown = Extract<VideoWebviewEvent, { type: 'shown' }>;

/** Resolves once `test` holds, re-checked on each `event`. */
function waitFor<T>(event: vscode.Event<T>, test: () => boolean, what: string): Promise<void> {
  if (test()) return Promise.resolve();
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, TIMEOUT_MS);
    const sub = event(() => {
      if (!test()) return;
      clearTimeout(timer);
      sub.dispose();
      resolveWait();
    });
  });
}

/** The first `shown` event of `panel` that matches (an `error` event fails). */
function shown(panel: VideoPanel, match: (e: Shown) => boolean): Promise<Shown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`${panel.document.fileName}: no matching frame within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    const sub = panel.onDidRender(e => {
      if (e.type === 'shown' && !match(e)) return;
      clearTimeout(timer);
      sub.dispose();
      if (e.type === 'error') reject(new Error(`${panel.document.fileName}: ${e.message}`));
      else resolve(e);
    });
  });
}

/** The session clock events a panel posted to its webview. */
const cursorsSent = (recorder: PanelRecorder): number[] =>
  recorder.sent.flatMap((m: Envelope) =>
    m.kind === 'event' && m.event.type === 'time/cursor'
      ? [(m.event as SessionTimeEvent & { time: number }).time]
      : [],
  );

describe('video on the session clock (VS Code)', function () {
  this.timeout(240_000);
  const suite = useViewer();
  let videos: VideoFeature['provider'];

  before(async () => {
    const extension = vscode.extensions.getExtension<{ video: VideoFeature }>(EXTENSION_ID);
    assert.ok(extension, 'extension installed');
    videos = (await extension.activate()).video.provider;
  });

  it("follows a cursor set in the raw NWB file's panel, and sets it from the frame shown", async () => {
    const uri = (path: string) =>
      vscode.Uri.file(join(suite.repo, '.cache', 'video', IBL_ROOT, ...path.split('/')));
    const raw = uri(IBL_PATHS.raw);
    const video = uri(IBL_PATHS.leftVideo);

    await vscode.commands.executeCommand('vscode.openWith', raw, ViewTypes.nwbViewer, vscode.ViewColumn.One);
    const nwbPanel = () => suite.provider.panels.find(p => p.document.uri.toString() === raw.toString());
    await waitFor(suite.provider.onDidChange, () => nwbPanel() !== undefined, 'the NWB panel');
    const nwb = nwbPanel();
    assert.ok(nwb);
    const recorder = recorderOf(nwb);
    await waitFor(
      recorder.onDidReceiveEvent,
      () => recorder.received.some(e => e.type === 'rendered'),
      'the NWB panel to render its first view',
    );

    const opened = new Promise<VideoPanel>(resolve => {
      const sub = videos.onDidOpenPanel(panel => {
        if (panel.document.uri.toString() !== video.toString()) return;
        sub.dispose();
        resolve(panel);
      });
    });
    await vscode.commands.executeCommand(Commands.openVideo, video, {
      pose: { uri: uri(IBL_PATHS.processed).toString() },
    });
    const panel = await opened;
    await shown(panel, e => e.frame === 0);
    assert.ok(
      panel.clockFiles.includes(raw.toString()),
      `the video joined the raw file's clock (joined: ${panel.clockFiles.join(', ')})`,
    );

    // A time a third of a frame after frame 54321's stamp: that frame is still the one on screen.
    const frame = 54_321;
    const frameShown = shown(panel, e => e.frame === frame);
    recorder.inject({
      tag: ENVELOPE_TAG,
      kind: 'event',
      event: { type: 'time/cursor', time: cameraTimestamp('left', frame) + 1 / 180 },
    });
    const at = await frameShown;
    assert.ok(at.decoded, `frame ${frame} decoded (${at.message ?? 'no message'})`);
    assert.equal(panel.shownFrame, frame);

    // The user steps to another frame: the NWB panel's cursor goes to that frame's camera time.
    const stepped = 1_234;
    panel.seek(stepped);
    await waitFor(recorder.onDidSend, () => cursorsSent(recorder).length > 0, 'a cursor from the video');
    assert.deepEqual(
      cursorsSent(recorder),
      [cameraTimestamp('left', stepped)],
      'one cursor, at the stepped-to frame, and no echo of the one the panel set',
    );
    assert.equal(suite.provider.clocks.clockOf(raw.toString())?.cursor, cameraTimestamp('left', stepped));
  });
});
