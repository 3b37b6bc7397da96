/**
 * Open an NWB asset of the demo Dandiset straight from the DANDI view: it streams (range requests)
 * and nothing is downloaded into the workspace.
 */
import type { Scenario } from '../types';
import { check, listFilesRecursively, waitForView } from '../viewerSteps';

const scenario: Scenario = {
  name: 'open-remote-nwb',
  async run(ctx) {
    const before = listFilesRecursively(ctx.workspaceDir);
    await ctx.openDandiView();
    await ctx.expandTreeItem(ctx.archive.ids.nwbDemo);
    await ctx.expandTreeItem(/^draft/);
    const asset = ctx.treeItem(/ophys\.nwb/);
    await asset.click();
    const frame = await ctx.activeWebview();
    await waitForView(frame, { path: '/', view: 'overview' });
    const header = await frame.locator('header.header').innerText();
    check(header.includes('ophys.nwb'), `the viewer header does not name the asset: ${header}`);
    check(
      new RegExp(`DANDI ${ctx.archive.ids.nwbDemo}`).test(header),
      `the header does not say the file is read from DANDI: ${header}`,
    );
    check(
      (await frame.getByRole('button', { name: 'Download' }).count()) === 1,
      'a remote asset has no Download button',
    );
    const after = listFilesRecursively(ctx.workspaceDir);
    const added = after.filter(f => !before.includes(f));
    check(added.length === 0, `opening the asset wrote files into the workspace: ${added.join(', ')}`);
    await ctx.screenshot('open-remote-nwb');
  },
};

export default scenario;
