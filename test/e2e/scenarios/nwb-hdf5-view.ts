/**
 * The raw HDF5 tab of an ecephys file: lazy expansion down to a chunked, gzip-compressed dataset,
 * keyboard navigation in the tree, and the inspector's dtype / shape / chunks / filters.
 */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, treeRow, waitForView } from '../viewerSteps';

const scenario: Scenario = {
  name: 'nwb-hdf5-view',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, '/acquisition/ElectricalSeries/data');
    const inspector = frame.locator('.inspector');
    await inspector.getByText('Chunks').waitFor();
    const details = await inspector.innerText();
    check(
      details.includes('(60000, 32)'),
      `the inspector does not show the shape (60000, 32): ${details.slice(0, 400)}`,
    );
    check(details.includes('(5000, 32)'), 'the inspector does not show the chunk shape (5000, 32)');
    check(/gzip|deflate/i.test(details), 'the inspector does not name the gzip filter');
    // Keyboard: ArrowUp moves to the previous sibling row, Enter opens it.
    const tree = frame.locator('.tree-panel:not([hidden]) [role=tree]');
    await tree.focus();
    await ctx.page.keyboard.press('ArrowUp');
    await ctx.page.keyboard.press('Enter');
    const active = await tree.getAttribute('aria-activedescendant');
    check(active !== null, 'the tree has no active descendant after keyboard navigation');
    const focusedPath = await frame.locator(`[id="${active}"]`).getAttribute('data-path');
    check(
      focusedPath !== null && focusedPath !== '/acquisition/ElectricalSeries/data',
      `ArrowUp did not move the focus (still ${focusedPath})`,
    );
    await waitForView(frame, { path: focusedPath ?? '' });
    // Back to the dataset for the picture.
    await treeRow(frame, '/acquisition/ElectricalSeries/data').click();
    await waitForView(frame, { path: '/acquisition/ElectricalSeries/data' });
    await ctx.screenshot('nwb-hdf5-view');
  },
};

export default scenario;
