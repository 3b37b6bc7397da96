/**
 * The generated 10-million-sample × 64-channel series (1 GiB) streamed from the DANDI view: its
 * plot first shows the sparse overview, refines it in the background (the header says "refining
 * n%") and ends saying "exact", with the min/max of every sample in each pixel column.
 */
import type { Scenario } from '../types';
import { check, openPath, waitForView } from '../viewerSteps';

const path = '/acquisition/ElectricalSeries';
/** The refinement reads all 1 GiB; a loaded machine takes minutes. */
const REFINE_TIMEOUT_MS = 600_000;

const scenario: Scenario = {
  name: 'exact-overview',
  async run(ctx) {
    await ctx.openDandiView();
    await ctx.expandTreeItem(ctx.archive.ids.large);
    await ctx.expandTreeItem(/^draft/);
    await ctx.treeItem(/ecephys-1gib\.nwb/).click();
    const frame = await ctx.activeWebview();
    await waitForView(frame, { path: '/', view: 'overview' });
    await openPath(frame, path, 'timeseries');
    const badge = frame.locator('#view .overview-status');
    const first = (await badge.innerText()).trim();
    check(
      /^(sparse|refining \d+%|exact)$/.test(first),
      `the plot does not say which overview it shows: "${first}"`,
    );
    const seen = new Set([first.replace(/\d+%/, 'n%')]);
    const deadline = Date.now() + REFINE_TIMEOUT_MS;
    for (;;) {
      const text = (await badge.innerText()).trim();
      seen.add(text.replace(/\d+%/, 'n%'));
      if (text === 'exact') break;
      check(Date.now() < deadline, `the overview did not become exact (it says "${text}")`);
      await ctx.page.waitForTimeout(1000);
    }
    check(
      (await badge.getAttribute('aria-label')) === 'Overview: exact',
      'the status has no accessible name saying exact',
    );
    const status = await frame.locator('.inline-status').innerText();
    check(/min\/max per column\)/.test(status), `the plot status is not the exact min/max one: ${status}`);
    check((await frame.locator('.plot canvas').count()) > 0, 'no plot canvas was drawn');
    process.stderr.write(`[exact-overview] the status said: ${[...seen].join(' → ')}\n`);
    await ctx.screenshot('exact-overview');
  },
};

export default scenario;
