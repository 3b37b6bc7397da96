/**
 * Steps the exact-overview suites share: find a served asset's URI, follow a series' background
 * refinement through the `series/refine` replies the host sent, and close a file for good (kept
 * files too), so a reopen must find the overview on disk.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { formatAssetUri } from '../../src/dandi/assetUri';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import type { SeriesWindow } from '../../src/shared/protocol';
import type { ArchiveInfo } from '../e2e/types';
import { recorderOf } from './panelRecorder';
import { lastReply, released, type ViewerSuite } from './viewerPanels';

type MinMax = Extract<SeriesWindow, { mode: 'minmax' }>;

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

/** The `dandi-asset:` URI of the asset of `dandiset` whose path ends with `name`. */
export async function servedAssetUri(
  archive: ArchiveInfo,
  dandiset: string,
  name: string,
): Promise<{ uri: vscode.Uri; assetId: string }> {
  const url = `${archive.apiUrl}/dandisets/${dandiset}/versions/draft/assets/?page_size=1000`;
  const page = (await (await fetch(url)).json()) as {
    results: { asset_id: string; path: string; size: number }[];
  };
  const asset = page.results.find(a => a.path.endsWith(name));
  assert.ok(asset, `Dandiset ${dandiset} of the suite's archive serves ${name}`);
  const text = formatAssetUri({
    apiUrl: archive.apiUrl,
    assetId: asset.asset_id,
    path: asset.path,
    dandisetId: dandiset,
    version: 'draft',
    size: asset.size,
  });
  return { uri: vscode.Uri.parse(text), assetId: asset.asset_id };
}

/** The archive's logged requests for the asset's bytes (the blob host, or the asset's API path) since its log was cleared. */
export async function assetRequests(archive: ArchiveInfo, assetId: string): Promise<string[]> {
  const log = (await (await fetch(`${archive.controlUrl}/log`)).json()) as {
    origin: string;
    url: string;
    headers?: Record<string, string>;
    bytes?: number;
  }[];
  return log
    .filter(e => e.origin === 'blob' || e.url.includes(assetId))
    .map(e => `${e.origin} ${e.url} ${e.headers?.range ?? ''} ${e.bytes ?? 0} B`);
}

/** Every `series/refine` reply the host sent the webview for `series`, in order. */
export function refineReplies(panel: ViewerPanel, series: string): MinMax[] {
  const recorder = recorderOf(panel);
  const ids = new Set(
    recorder.requests
      .filter(r => r.method === 'series/refine' && (r.params as { path?: string }).path === series)
      .map(r => r.id),
  );
  return recorder.sent.flatMap(m => (m.kind === 'ok' && ids.has(m.id) ? [m.result as MinMax] : []));
}

/**
 * The shown series' first paint is the sparse overview, refinable; waits for the refinement to
 * reach exact, every update before it saying refining. Returns the replies.
 */
export async function refinedToExact(
  panel: ViewerPanel,
  series: string,
  timeoutMs: number,
): Promise<MinMax[]> {
  const first = lastReply(panel, 'series/window', series);
  assert.equal(first.mode, 'minmax');
  if (first.mode !== 'minmax') return [];
  assert.equal(first.overview?.state, 'sparse', 'the first paint is the sparse overview');
  assert.equal(first.overview?.refinable, true);
  await until(
    () => refineReplies(panel, series).some(r => r.overview?.state === 'exact'),
    'the background refinement to reach exact',
    timeoutMs,
  );
  const replies = refineReplies(panel, series);
  assert.equal(replies[replies.length - 1].overview?.state, 'exact');
  assert.ok(
    replies.slice(0, -1).every(r => r.overview?.state === 'refining'),
    'the updates before it say refining',
  );
  return replies;
}

/** Closes every editor and the files kept open after their close. */
export async function closeForGood(suite: ViewerSuite, panel: ViewerPanel): Promise<void> {
  const document = panel.document;
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await released(suite.provider);
  await document.closed;
  await suite.viewer.closeKeptFiles();
}
