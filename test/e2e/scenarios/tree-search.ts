/**
 * DANDI: Search Dandisets... shows live results while typing (debounced, server-side search),
 * Enter filters the tree, and the view description names the search; Clear Search restores it.
 */
import type { Scenario } from '../types';

const scenario: Scenario = {
  name: 'tree-search',
  async run(ctx) {
    const { page } = ctx;
    const { nwbDemo, scale } = ctx.archive.ids;
    await ctx.openDandiView();
    await ctx.runCommand('DANDI: Search Dandisets...');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('Generated NWB demo');
    const live = page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ hasText: `${nwbDemo} · Generated NWB demo` });
    await live
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 })
      .catch(() => {
        throw new Error('the search quick pick showed no live result for "Generated NWB demo"');
      });
    await ctx.screenshot('tree-search-live');
    await page.keyboard.press('Enter'); // the first row: filter the tree by this search
    await ctx.treeItem(`${nwbDemo} · Generated NWB demo`).waitFor({ state: 'visible', timeout: 30_000 });
    await ctx
      .treeItem(`${scale} ·`)
      .waitFor({ state: 'hidden', timeout: 30_000 })
      .catch(() => {
        throw new Error('the tree still lists the scale Dandiset after searching for "Generated NWB demo"');
      });
    // The view's message above the tree (and its description) names the search.
    const title = page.locator('.part.sidebar').filter({ hasText: 'Search: "Generated NWB demo"' });
    await title
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 })
      .catch(() => {
        throw new Error('the view title does not show the active search');
      });
    await ctx.screenshot('tree-search');
    await ctx.runCommand('DANDI: Clear Search');
    await ctx.treeItem(`${scale} ·`).waitFor({ state: 'visible', timeout: 30_000 });
  },
};

export default scenario;
