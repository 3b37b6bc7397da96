/**
 * Download one asset from the tree: expand the large Dandiset to its 150 MiB multi-part file,
 * press the row's inline Download button, see the progress notification (the blob host is
 * throttled so it stays up long enough to be seen), and find the verified file in the workspace.
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DandiEtagHasher } from '../../../src/dandi/etag';
import type { E2EContext, Scenario } from '../types';

const FILE = 'multipart-150MiB.bin';

async function post(ctx: E2EContext, path: string, body?: object): Promise<void> {
  await fetch(`${ctx.archive.controlUrl}/${path}`, {
    method: 'POST',
    body: JSON.stringify(body ?? {}),
    headers: { 'content-type': 'application/json' },
  });
}

async function expectedEtag(
  ctx: E2EContext,
  dandisetId: string,
  path: string,
): Promise<{ etag: string; size: number }> {
  const url = `${ctx.archive.apiUrl}/dandisets/${dandisetId}/versions/draft/assets/?glob=${encodeURIComponent(`*${path}`)}&metadata=true`;
  const body = (await (await fetch(url)).json()) as {
    results: { path: string; size: number; metadata: { digest: Record<string, string> } }[];
  };
  const asset = body.results.find(a => a.path.endsWith(path));
  if (!asset) throw new Error(`the archive lists no ${path} in ${dandisetId}`);
  return { etag: asset.metadata.digest['dandi:dandi-etag'], size: asset.size };
}

async function etagOf(path: string): Promise<string> {
  const hasher = new DandiEtagHasher((await stat(path)).size);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
    hasher.update(chunk as Buffer);
  return hasher.digest();
}

const scenario: Scenario = {
  name: 'download-asset',
  async run(ctx) {
    const { large } = ctx.archive.ids;
    const target = join(ctx.workspaceDir, FILE);
    await rm(target, { force: true });
    await rm(`${target}.dandidownload`, { recursive: true, force: true });
    await ctx.openDandiView();
    await ctx.expandTreeItem(`${large} ·`);
    await ctx.expandTreeItem(/^draft/);
    await ctx.expandTreeItem(/^generated/);
    const row = ctx.treeItem(FILE);
    await row.waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {
      throw new Error(`the large Dandiset shows no ${FILE} row under generated/`);
    });
    // ~30 MB/s over three parts: a few seconds of visible progress.
    await post(ctx, 'faults', { bandwidthBytesPerSec: 10_000_000 });
    try {
      await row.hover();
      const inline = row.locator('.action-label[aria-label^="Download"]');
      await inline.click({ timeout: 10_000 }).catch(async () => {
        throw new Error('the asset row has no inline Download button');
      });
      await ctx.waitForNotification(/DANDI: downloading/, 30_000);
      // The counts are reported from the start (before the first connection opens).
      await ctx.waitForNotification(/DANDI: downloading[\s\S]*\d+\/\d+ files/, 5_000).catch((err: Error) => {
        throw new Error(`the progress notification shows no file counts (${err.message})`);
      });
      // Listing one asset is quick: no "listing assets" notification flashes over the progress.
      const listingShown = await ctx.page
        .locator('.notification-list-item-message', { hasText: /listing assets/ })
        .count();
      if (listingShown > 0)
        throw new Error('a "listing assets" notification is shown for a one-asset download');
      // Wait for the rate and time left to show up before taking the picture.
      await ctx.page
        .locator('.notification-list-item-message', { hasText: /left/ })
        .first()
        .waitFor({ timeout: 30_000 })
        .catch(() => undefined);
      await ctx.screenshot('download-asset');
      await ctx.waitForNotification(/1 downloaded/, 180_000);
    } finally {
      await post(ctx, 'reset');
    }
    const expected = await expectedEtag(ctx, large, FILE);
    const info = await stat(target).catch(() => undefined);
    if (!info) throw new Error(`${FILE} is not in the workspace after the download`);
    if (info.size !== expected.size)
      throw new Error(`${FILE} has ${info.size} bytes, expected ${expected.size}`);
    const actual = await etagOf(target);
    if (actual !== expected.etag)
      throw new Error(`${FILE} has dandi-etag ${actual}, the archive says ${expected.etag}`);
    await rm(target, { force: true });
  },
};

export default scenario;
