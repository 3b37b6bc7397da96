/**
 * Expand the generated 11,200-asset Dandiset in the DANDI view down to an NWB asset:
 * Dandiset ▸ draft ▸ sub-001 ▸ ses-001 ▸ file, folders first with sizes and counts.
 */
import type { Scenario } from '../types';

const scenario: Scenario = {
  name: 'tree-browse',
  async run(ctx) {
    await ctx.openDandiView();
    const { scale } = ctx.archive.ids;
    // Start from the collapsed list whatever earlier scenarios expanded.
    const collapseAll = ctx.page.locator(
      '.part.sidebar .title-actions .action-label[aria-label^="Collapse All"], .part.sidebar .pane-header .action-label[aria-label^="Collapse All"]',
    );
    if (
      await collapseAll
        .first()
        .isVisible()
        .catch(() => false)
    )
      await collapseAll.first().click();
    await ctx.expandTreeItem(`${scale} ·`);
    await ctx.expandTreeItem(/^draft/);
    const folder = ctx.treeItem(/^sub-001\s*250 files/);
    await folder.waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {
      throw new Error('the draft of the scale Dandiset shows no "sub-001" folder with its file count');
    });
    await ctx.expandTreeItem(/^sub-001/);
    await ctx.expandTreeItem(/^ses-001/);
    const asset = ctx.treeItem('sub-001_ses-001_run-001.nwb');
    await asset.waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {
      throw new Error('the session folder shows no NWB asset row');
    });
    // The Dandiset's Markdown tooltip: archive text (a hostile <img> title here) shown as text.
    await ctx.treeItem(`${scale} ·`).locator('.label-name').hover();
    const hover = ctx.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Contact' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => {
      throw new Error('hovering the Dandiset row showed no tooltip with its contact person');
    });
    if ((await hover.locator('img').count()) > 0)
      throw new Error('the tooltip rendered archive HTML as an element');
    await ctx.screenshot('tree-browse');
    // Collapse again so later scenarios start from the Dandiset list.
    await ctx.treeItem(`${scale} ·`).locator('.monaco-tl-twistie').click();
  },
};

export default scenario;
