/**
 * One session clock in a real VS Code: the generated ecephys file opened in two editor panels side
 * by side; a time cursor (and a selection) set in one panel's webview reaches the other panel's
 * webview with the same time, and never comes back to the panel that set it (nor is echoed by the
 * receiving webview); a malformed event is dropped; "DANDI: Align Objects on One Time Axis" shows
 * the align view in the active panel, which renders.
 */
import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { Commands, ViewTypes } from '../../src/constants';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import {
  ENVELOPE_TAG,
  type Envelope,
  type SessionTimeEvent,
  type WebviewEvent,
} from '../../src/shared/protocol';
import { recorderOf, type PanelRecorder } from '../suite/panelRecorder';
import { rendered as firstRendered, useViewer } from '../suite/viewerPanels';

const TIMEOUT_MS = 90_000;

/** Resolves once `test` holds, re-checked on each `event` (no polling). */
function waitFor<T>(
  event: vscode.Event<T>,
  test: () => boolean,
  what: string,
  timeoutMs = TIMEOUT_MS,
): Promise<void> {
  if (test()) return Promise.resolve();
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const sub = event(() => {
      if (!test()) return;
      clearTimeout(timer);
      sub.dispose();
      resolveWait();
    });
  });
}

/** The clock events a panel posted to its webview. */
function clockEventsSent(recorder: PanelRecorder): SessionTimeEvent[] {
  return recorder.sent.flatMap((m: Envelope) =>
    m.kind === 'event' && (m.event.type === 'time/cursor' || m.event.type === 'time/selection')
      ? [m.event as SessionTimeEvent]
      : [],
  );
}

/** Hands the panel an event as its webview would send it. */
function fromWebview(panel: ViewerPanel, event: WebviewEvent | Record<string, unknown>): void {
  recorderOf(panel).inject({ tag: ENVELOPE_TAG, kind: 'event', event });
}

const rendered = (recorder: PanelRecorder, match: (e: WebviewEvent) => boolean): boolean =>
  recorder.received.some(e => e.type === 'rendered' && match(e));

describe('session clock (VS Code)', function () {
  this.timeout(240_000);
  const suite = useViewer();

  it('relays a cursor set in one panel of a file to its other panel, not back to the sender', async () => {
    const provider = suite.provider;
    const uri = vscode.Uri.file(resolve(suite.repo, '.cache', 'nwb', 'ecephys.nwb'));
    const panelsOfFile = () => provider.panels.filter(p => p.document.uri.toString() === uri.toString());
    await vscode.commands.executeCommand('vscode.openWith', uri, ViewTypes.nwbViewer, vscode.ViewColumn.One);
    await waitFor(provider.onDidChange, () => panelsOfFile().length === 1, 'the first panel');
    await vscode.commands.executeCommand(
      'vscode.openWith',
      uri,
      ViewTypes.nwbViewer,
      vscode.ViewColumn.Beside,
    );
    await waitFor(provider.onDidChange, () => panelsOfFile().length === 2, 'the second panel');
    const [a, b] = panelsOfFile();
    assert.equal(provider.documentCount, 1, 'both panels share one document');
    // Both webviews are up (their first view drew), so what the host posts reaches them. Both
    // pages start together, which is when one of them can fail to load and be loaded again.
    await Promise.all([a, b].map(panel => firstRendered(panel, () => true)));

    fromWebview(a, { type: 'time/cursor', time: 'soon' }); // dropped: not a time
    fromWebview(a, { type: 'time/cursor', time: 12.345 });
    await waitFor(
      recorderOf(b).onDidSend,
      () => clockEventsSent(recorderOf(b)).length > 0,
      'the cursor to reach the second panel',
    );
    assert.deepEqual(clockEventsSent(recorderOf(b)), [{ type: 'time/cursor', time: 12.345 }]);

    fromWebview(b, { type: 'time/selection', selection: { start: 20, end: 10 } });
    await waitFor(
      recorderOf(a).onDidSend,
      () => clockEventsSent(recorderOf(a)).length > 0,
      'the selection to reach the first panel',
    );
    assert.deepEqual(clockEventsSent(recorderOf(a)), [
      { type: 'time/selection', selection: { start: 10, end: 20 } },
    ]);

    // The align command shows the align view in the active panel (the second, opened last); it draws.
    const active = provider.activePanel ?? b;
    const shown = await vscode.commands.executeCommand<boolean>(Commands.viewerAlignObjects);
    assert.equal(shown, true);
    assert.ok(
      recorderOf(active).sent.some(
        m => m.kind === 'event' && m.event.type === 'reveal' && JSON.stringify(m.event).includes('"align"'),
      ),
      'the command asked the active panel for the align view',
    );
    await waitFor(
      recorderOf(active).onDidReceiveEvent,
      () => rendered(recorderOf(active), e => e.type === 'rendered' && e.view === 'align'),
      'the align view to render',
    );
    const alignRender = recorderOf(active).received.find(e => e.type === 'rendered' && e.view === 'align');
    assert.equal(alignRender?.type === 'rendered' && alignRender.state, 'ready', JSON.stringify(alignRender));

    // Seconds later, still no echo: neither panel got back what it set, nor what it relayed.
    assert.deepEqual(clockEventsSent(recorderOf(a)), [
      { type: 'time/selection', selection: { start: 10, end: 20 } },
    ]);
    assert.deepEqual(clockEventsSent(recorderOf(b)), [{ type: 'time/cursor', time: 12.345 }]);
    assert.equal(provider.clocks.clockOf(uri.toString())?.cursor, 12.345);
  });
});
