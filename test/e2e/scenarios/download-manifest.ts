/**
 * Download the files a manifest references: a PatchSeq-shaped CSV (the release's columns, its
 * `archive_uri` pointing at the stand-in archive's 000020 by web `files?location=` URLs and API
 * asset URLs, one row repeated) opened in the editor; "Download DANDI References in This File or
 * Selection" lists the three assets with their total size in a Quick Pick, all checked (the
 * screenshot); Enter downloads them, verified, to <workspace>/000020/<path>.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dandiEtag } from '../../../src/dandi/etag';
import { formatBytes } from '../../../src/shared/format';
import type { E2EContext, Scenario } from '../types';

const PATCHSEQ = '000020';
const COMMAND = 'DANDI: Download DANDI References in This File or Selection';

interface AssetItem {
  asset_id: string;
  path: string;
  size: number;
  metadata: { digest: Record<string, string> };
}

async function smallestAssets(ctx: E2EContext, count: number): Promise<AssetItem[]> {
  const url = `${ctx.archive.apiUrl}/dandisets/${PATCHSEQ}/versions/draft/assets/?metadata=true&page_size=200`;
  const body = (await (await fetch(url)).json()) as { results: AssetItem[] };
  return body.results
    .filter(a => a.path.endsWith('.nwb') && a.size > 0)
    .sort((a, b) => a.size - b.size)
    .slice(0, count);
}

function manifest(ctx: E2EContext, assets: readonly AssetItem[]): string {
  const { webUrl, apiUrl } = ctx.archive;
  const rows = assets.map((asset, i) => {
    const uri =
      i === 1
        ? `${apiUrl}/dandisets/${PATCHSEQ}/versions/draft/assets/${asset.asset_id}/download/`
        : `${webUrl}/dandiset/${PATCHSEQ}/draft/files?location=${encodeURIComponent(asset.path)}`;
    const subject = asset.path.split('/')[0] ?? '';
    return `${601506507 + 283 * i},"Sst-IRES-Cre;Ai14-33741${i}.03.01.01",${subject},nwb,DANDI,${uri}`;
  });
  const header = 'cell_specimen_id,cell_specimen_name,subject,file_type,archive,archive_uri';
  return `${[header, ...rows, rows[0]].join('\n')}\n`;
}

const scenario: Scenario = {
  name: 'download-manifest',
  async run(ctx) {
    const assets = await smallestAssets(ctx, 3);
    if (assets.length < 3)
      throw new Error(`the stand-in archive lists fewer than 3 NWB assets in ${PATCHSEQ}`);
    const file = join(ctx.workspaceDir, 'patchseq_manifest.csv');
    const target = join(ctx.workspaceDir, PATCHSEQ);
    await rm(target, { recursive: true, force: true });
    await writeFile(file, manifest(ctx, assets));
    await ctx.openFile(file);
    await ctx.runCommand(COMMAND);
    const total = formatBytes(assets.reduce((n, a) => n + a.size, 0));
    const picker = ctx.page.locator('.quick-input-widget');
    await picker
      .locator('.quick-input-title', { hasText: `download 3 files (${total})` })
      .waitFor({ state: 'visible', timeout: 60_000 })
      .catch(async () => {
        const title = await picker
          .locator('.quick-input-title')
          .innerText()
          .catch(() => 'none');
        throw new Error(`no confirmation listing 3 files (${total}); the quick input says: ${title}`);
      });
    for (const asset of assets) {
      const row = picker.locator('.quick-input-list .monaco-list-row', {
        hasText: asset.path.split('/').pop(),
      });
      if ((await row.count()) !== 1) throw new Error(`the confirmation does not list ${asset.path} once`);
    }
    // The list's checkboxes are drawn by the workbench; its count badge says how many are checked.
    const count = await picker
      .locator('.quick-input-count')
      .innerText()
      .catch(() => '');
    if (!/^3 Selected$/.test(count.trim()))
      throw new Error(`the confirmation shows "${count}" checked; all 3 should be`);
    await ctx.screenshot('download-manifest');
    await ctx.page.keyboard.press('Enter');
    await ctx.waitForNotification(/3 downloaded/, 120_000);
    for (const asset of assets) {
      const local = join(target, ...asset.path.split('/'));
      const bytes = await readFile(local).catch(() => {
        throw new Error(`${asset.path} is not at ${local} after the download`);
      });
      if (dandiEtag(bytes) !== asset.metadata.digest['dandi:dandi-etag'])
        throw new Error(`${asset.path} does not match the archive's dandi-etag`);
    }
    await rm(target, { recursive: true, force: true });
    await rm(file, { force: true });
  },
};

export default scenario;
