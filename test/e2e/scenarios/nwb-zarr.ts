/**
 * The real AIND NWB-Zarr store streamed from the stand-in archive (Dandiset 990010, by key, never
 * listed): opened from the tree's context menu in the NWB viewer, its 763,524-row eye-tracking
 * table shown, and the blink time series plotted from its timestamps.
 */
import type { Scenario } from '../types';
import { check, openPath } from '../viewerSteps';

const STORE = 'aind__multiplane-ophys_eye-tracking.nwb.zarr';
const TABLE = '/processing/eye_tracking/eye_tracking';
const SERIES = '/processing/eye_tracking/likely_blink_times';

const scenario: Scenario = {
  name: 'nwb-zarr',
  async run(ctx) {
    const ids = ctx.archive.ids as typeof ctx.archive.ids & { zarrCorpus?: string };
    const corpus = ids.zarrCorpus ?? '990010';
    await ctx.openDandiView();
    await ctx.expandTreeItem(`${corpus} ·`);
    await ctx.expandTreeItem(/^draft/);
    await ctx.expandTreeItem(/^zarr\s*\d+ files/);
    const row = ctx.treeItem(STORE);
    await row.waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {
      throw new Error(`Dandiset ${corpus} shows no ${STORE} row under zarr/`);
    });
    await ctx.runContextMenuItem(row, 'Open Zarr in NWB Viewer');
    const frame = await ctx.activeWebview();

    await openPath(frame, TABLE, 'table');
    const grid = frame.getByRole('grid');
    const rowCount = await grid.getAttribute('aria-rowcount');
    check(
      rowCount === '763525',
      `the eye-tracking grid does not announce 763,524 rows + header (${rowCount})`,
    );
    const headers = await frame.getByRole('columnheader').allInnerTexts();
    check(
      ['data_x', 'area', 'timestamps'].every(name => headers.some(h => h.startsWith(name))),
      `missing columns: ${headers.join(', ')}`,
    );
    await frame.getByRole('gridcell', { name: 'eye_tracking', exact: true }).first().waitFor();
    await ctx.screenshot('nwb-zarr-table');

    await openPath(frame, SERIES, 'timeseries');
    const status = await frame.locator('.inline-status').innerText();
    check(/samples/.test(status), `the blink plot reports no samples: ${status}`);
    check((await frame.locator('.plot canvas').count()) > 0, 'no plot canvas was drawn');
    await ctx.screenshot('nwb-zarr');
  },
};

export default scenario;
