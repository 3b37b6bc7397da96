/**
 * "Download DANDI References in This File or Selection" in a real VS Code against the stand-in
 * archive: a PatchSeq-shaped manifest (web `files?location=` URLs and API asset URLs of 000020, one
 * row repeated) opened in an editor; the command downloads each referenced asset once, verified,
 * to `<dandiset>/<path>`; with a selection, only the selected rows.
 */
import * as assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../src/constants';
import { dandiEtag } from '../../src/dandi/etag';
import type { DownloadSummary } from '../../src/download/types';

interface ArchiveInfo {
  apiUrl: string;
  webUrl: string;
}
interface AssetItem {
  asset_id: string;
  path: string;
  size: number;
  metadata?: { digest?: Record<string, string> };
}

const PATCHSEQ = '000020';

/** The smallest NWB assets of the PatchSeq Dandiset's first page, with digests. */
async function smallestAssets(archive: ArchiveInfo, count: number): Promise<AssetItem[]> {
  const url = `${archive.apiUrl}/dandisets/${PATCHSEQ}/versions/draft/assets/?metadata=true&page_size=200`;
  const body = (await (await fetch(url)).json()) as { results: AssetItem[] };
  const nwb = body.results.filter(a => a.path.endsWith('.nwb') && a.size > 0);
  return nwb.sort((a, b) => a.size - b.size).slice(0, count);
}

/** Columns as in the PatchSeq release's manifest (a label column first, `archive_uri` later). */
function patchSeqManifest(archive: ArchiveInfo, assets: readonly AssetItem[]): string {
  const rows = assets.map((asset, i) => {
    const uri =
      i % 2 === 0
        ? `${archive.webUrl}/dandiset/${PATCHSEQ}/draft/files?location=${encodeURIComponent(asset.path)}`
        : `${archive.apiUrl}/dandisets/${PATCHSEQ}/versions/draft/assets/${asset.asset_id}/download/`;
    return `${601506507 + i},"Sst-IRES-Cre;Ai14-3374${i}.03.01.01",nwb,DANDI,${uri},"${asset.path}"`;
  });
  return [
    'cell_specimen_id,cell_specimen_name,file_type,archive,archive_uri,file_name',
    ...rows,
    rows[0],
  ].join('\n');
}

describe('manifest downloads (VS Code)', function () {
  this.timeout(180_000);
  const archiveJson = process.env.DANDI_TEST_ARCHIVE;
  const workspace = process.env.DANDI_TEST_WORKSPACE ?? '';
  let archive: ArchiveInfo;

  before(async function () {
    if (!archiveJson || !workspace) this.skip();
    archive = JSON.parse(archiveJson) as ArchiveInfo;
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  async function openManifest(text: string): Promise<vscode.TextEditor> {
    const file = join(workspace, 'patchseq-manifest.csv');
    await writeFile(file, text);
    return vscode.window.showTextDocument(vscode.Uri.file(file));
  }

  it('downloads every asset a PatchSeq manifest references, once each, verified', async () => {
    const assets = await smallestAssets(archive, 3);
    assert.equal(assets.length, 3);
    await openManifest(patchSeqManifest(archive, assets));
    const destination = join(workspace, 'dl-manifest');
    const summary = await vscode.commands.executeCommand<DownloadSummary | undefined>(
      Commands.downloadReferences,
      undefined,
      { destination, existing: 'overwrite', pick: 'all' },
    );
    assert.ok(summary, 'the command returned a summary');
    assert.deepEqual(summary.failed, []);
    assert.deepEqual([...summary.downloaded].sort(), assets.map(a => a.path).sort());
    for (const asset of assets) {
      const bytes = await readFile(join(destination, PATCHSEQ, ...asset.path.split('/')));
      assert.equal(dandiEtag(bytes), asset.metadata?.digest?.['dandi:dandi-etag'], asset.path);
    }
    await rm(destination, { recursive: true, force: true });
  });

  it('downloads only the rows of the selection', async () => {
    const assets = await smallestAssets(archive, 3);
    const editor = await openManifest(patchSeqManifest(archive, assets));
    // Lines 0-based: the header, then one row per asset; select the second row only.
    editor.selection = new vscode.Selection(2, 0, 2, editor.document.lineAt(2).text.length);
    const destination = join(workspace, 'dl-manifest-selection');
    const summary = await vscode.commands.executeCommand<DownloadSummary | undefined>(
      Commands.downloadReferences,
      undefined,
      { destination, existing: 'overwrite', pick: 'all' },
    );
    assert.deepEqual(summary?.downloaded, [assets[1]?.path]);
    await rm(destination, { recursive: true, force: true });
  });
});
