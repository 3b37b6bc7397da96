/**
 * DANDI: Open... takes a pasted web URL of the archive's file browser and reveals the folder in
 * the tree (loading Dandiset, version and folders on the way); the dandiarchive.org form of a
 * reference resolves against the active (custom) instance. From there, the version's context menu
 * opens the Dandiset details page.
 */
import type { Scenario } from '../types';

const scenario: Scenario = {
  name: 'open-reference',
  async run(ctx) {
    const { page } = ctx;
    const { scale, nwbDemo } = ctx.archive.ids;
    await ctx.openDandiView();
    await ctx.runCommand('DANDI: Open...');
    await ctx.answerQuickInput(
      `${ctx.archive.webUrl}/dandiset/${scale}/draft/files?location=sub-002/ses-003&page=2`,
    );
    const selected = page.locator('.part.sidebar .monaco-list-row.selected', { hasText: 'ses-003' });
    await selected
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 })
      .catch(() => {
        throw new Error('DANDI: Open... did not reveal and select folder sub-002/ses-003');
      });
    await ctx.screenshot('open-reference');

    await ctx.runCommand('DANDI: Open...');
    await ctx.answerQuickInput(`https://dandiarchive.org/dandiset/${nwbDemo}/draft`);
    await page
      .locator('.part.sidebar .monaco-list-row.selected', { hasText: /^draft/ })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 })
      .catch(() => {
        throw new Error(`a dandiarchive.org URL for ${nwbDemo} was not revealed on the active instance`);
      });
    await ctx.screenshot('open-reference-dandiarchive');

    // The revealed version's context menu opens the details page (a webview with a strict CSP).
    const revealed = page.locator('.part.sidebar .monaco-list-row.selected', { hasText: /^draft/ }).first();
    await ctx.runContextMenuItem(revealed, 'Show Dandiset Details');
    const details = await ctx.activeWebview();
    await details
      .locator('h1', { hasText: 'Generated NWB demo' })
      .waitFor({ state: 'visible', timeout: 30_000 })
      .catch(() => {
        throw new Error('the details page did not render the Dandiset name');
      });
    await ctx.screenshot('dandiset-details');
    await ctx.runCommand('View: Close All Editors');
  },
};

export default scenario;
