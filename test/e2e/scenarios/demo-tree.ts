/**
 * The DANDI view lists the stand-in archive's Dandisets: open the DANDI activity-bar container
 * and wait until the tree shows rows for the seeded Dandisets (their labels carry the identifier).
 */
import type { Scenario } from '../types';

const scenario: Scenario = {
  name: 'demo-tree',
  async run(ctx) {
    await ctx.openDandiView();
    const { nwbDemo, corpus, scale } = ctx.archive.ids;
    for (const id of [nwbDemo, corpus, scale]) {
      await ctx
        .treeItem(id)
        .waitFor({ state: 'visible', timeout: 60_000 })
        .catch(() => {
          throw new Error(`the DANDI view shows no row for Dandiset ${id} of the stand-in archive`);
        });
    }
    await ctx.screenshot('demo-tree');
  },
};

export default scenario;
