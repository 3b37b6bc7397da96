/**
 * The NWB viewer's overview of an Allen-style ophys file: the NWBFile fields as pynwb prints them,
 * the subject, and the sections (acquisition, processing modules, ...) with neurodata_type badges.
 */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, waitForView } from '../viewerSteps';

const scenario: Scenario = {
  name: 'nwb-overview',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ophys.nwb'));
    await waitForView(frame, { path: '/', view: 'overview' });
    const view = frame.locator('#view');
    const text = await view.innerText();
    for (const field of ['session_description', 'identifier', 'session_start_time']) {
      check(text.includes(field), `the overview does not list the field ${field}`);
    }
    check(/processing|Processing/.test(text), 'the overview has no processing section');
    const header = await frame.locator('header.header').innerText();
    check(
      header.includes('ophys.nwb') && /NWB 2\.\d/.test(header),
      `the header does not name the file and its NWB version: ${header}`,
    );
    // The NWB tree: expand the ophys processing module and find typed objects with badges.
    const section = frame.locator('[role=treeitem]', { hasText: /processing.*ophys/i }).first();
    await section.locator('.twistie').click();
    await frame.locator('[role=treeitem][aria-expanded="true"]', { hasText: /processing.*ophys/i }).waitFor();
    const badge = frame.locator('[role=treeitem] .badge', { hasText: 'DfOverF' }).first();
    await badge.waitFor({ state: 'visible' }).catch(() => {
      throw new Error('the NWB tree shows no DfOverF object with its neurodata_type badge');
    });
    check(
      (await frame.locator('[role=tree]').first().getAttribute('aria-label')) !== null,
      'the hierarchy tree has no accessible name',
    );
    await ctx.screenshot('nwb-overview');
  },
};

export default scenario;
