/** A DynamicTable in the virtualized grid: rows, a ragged/reference column, and a clickable reference. */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, waitForView } from '../viewerSteps';

const path = '/general/extracellular_ephys/electrodes';

const scenario: Scenario = {
  name: 'table-view',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, path, 'table');
    const grid = frame.getByRole('grid');
    check(
      (await grid.getAttribute('aria-rowcount')) === '33',
      `the electrodes grid does not announce 32 rows + header (${await grid.getAttribute('aria-rowcount')})`,
    );
    await frame.getByRole('gridcell', { name: 'CA1' }).first().waitFor();
    const headers = await frame.getByRole('columnheader').allInnerTexts();
    check(
      headers.some(h => h.startsWith('location')) && headers.some(h => h.startsWith('group')),
      `missing columns: ${headers.join(', ')}`,
    );
    await ctx.screenshot('table-view');
    // References are links to the object they point to.
    const link = frame.locator('.grid-body button.link').first();
    await link.click();
    await waitForView(frame, { path: '/general/extracellular_ephys/shank0' });
  },
};

export default scenario;
