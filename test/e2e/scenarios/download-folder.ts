/**
 * Download a folder from the tree's context menu: scale Dandiset ▸ draft ▸ sub-001 ▸ ses-002
 * (50 assets) lands as <workspace>/ses-002/ (dandi-cli's layout), every file verified.
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dandiEtag } from '../../../src/dandi/etag';
import type { Scenario } from '../types';

const scenario: Scenario = {
  name: 'download-folder',
  async run(ctx) {
    const { scale } = ctx.archive.ids;
    const folder = join(ctx.workspaceDir, 'ses-002');
    await rm(folder, { recursive: true, force: true });
    await ctx.openDandiView();
    await ctx.expandTreeItem(`${scale} ·`);
    await ctx.expandTreeItem(/^draft/);
    await ctx.expandTreeItem(/^sub-001/);
    const row = ctx.treeItem(/^ses-002/);
    await row.waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {
      throw new Error('sub-001 shows no ses-002 folder');
    });
    await ctx.runContextMenuItem(row, 'Download');
    const summary = await ctx.waitForNotification(/50 downloaded/, 120_000);
    await ctx.screenshot('download-folder');

    const url = `${ctx.archive.apiUrl}/dandisets/${scale}/versions/draft/assets/?path=${encodeURIComponent('sub-001/ses-002/')}&metadata=true&page_size=1000`;
    const listing = (await (await fetch(url)).json()) as {
      results: { path: string; metadata: { digest: Record<string, string> } }[];
    };
    const local = (await readdir(folder)).sort();
    if (local.length !== listing.results.length) {
      throw new Error(
        `ses-002/ holds ${local.length} files, the archive lists ${listing.results.length} (${summary})`,
      );
    }
    for (const asset of listing.results) {
      const name = asset.path.slice(asset.path.lastIndexOf('/') + 1);
      const etag = dandiEtag(await readFile(join(folder, name)));
      if (etag !== asset.metadata.digest['dandi:dandi-etag'])
        throw new Error(`${name}: dandi-etag ${etag} differs from the archive's`);
    }
    await ctx.treeItem(`${scale} ·`).locator('.monaco-tl-twistie').click();
  },
};

export default scenario;
