/**
 * Spikes against trials on psth.nwb (units placed to fire 20–40 ms after stimulus onset in
 * condition A, 60–80 ms in B): the units table sorts by a column, a row's "PSTH" opens the trial
 * raster and PSTH aligned on trial start, grouped by condition; the trials table offers the same
 * view (the `psth` view kind), here aligned on stim_on_time.
 */
import type { Scenario } from '../types';
import {
  check,
  generatedNwb,
  liveCounts,
  openLocalNwb,
  openPath,
  viewButton,
  waitForRedraw,
  waitForView,
} from '../viewerSteps';

const units = '/units';
const trials = '/intervals/trials';

const scenario: Scenario = {
  name: 'units-psth',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('psth.nwb'));
    await openPath(frame, units, 'units');
    await waitForRedraw(frame, () => frame.getByRole('tab', { name: 'Table' }).click(), { path: units });
    const grid = frame.locator('.subview[data-subview="table"] [role=grid]');
    await grid.waitFor();

    // Sorting by isi_violations, descending (two clicks): the mua unit (0.9) comes first.
    const header = grid.locator('[role=columnheader]', { hasText: 'isi_violations' });
    await waitForRedraw(frame, () => header.click(), { path: units });
    await waitForRedraw(frame, () => header.click(), { path: units });
    check(
      (await header.getAttribute('aria-sort')) === 'descending',
      'two clicks on a header do not sort descending',
    );
    const firstRow = grid.locator('.grid-body [role=row]').first();
    await firstRow.locator('[role=gridcell][title="0.9"]').waitFor();
    const firstText = await firstRow.innerText();
    check(
      /mua/.test(firstText),
      `sorted by isi_violations descending, the first row is not the mua unit: ${firstText}`,
    );

    // The row of unit 1 (second in this order: 0.3) opens its PSTH.
    const unitRow = grid.locator('.grid-body [role=row]').nth(1);
    await waitForRedraw(frame, () => unitRow.getByRole('button', { name: /^PSTH of row 1/ }).click(), {
      path: units,
    });
    const psth = frame.locator('.subview[data-subview="psth"]');
    await psth
      .locator('.psth-info')
      .filter({ hasText: /trials in/ })
      .waitFor();
    const info = await psth.locator('.psth-info').innerText();
    check(/^unit 1 /.test(info), `the PSTH is not of the row clicked: ${info}`);
    check(/60 trials in 2 groups/.test(info), `the trials are not grouped by condition: ${info}`);
    const align = psth.getByLabel('Align on');
    check((await align.inputValue()) === 'start_time', 'the PSTH is not aligned on trial start');
    check((await psth.getByLabel('Group by').inputValue()) === 'condition', 'not grouped by condition');
    const legend = await psth.locator('.psth-legend').innerText();
    check(/A \(30 trials\)/.test(legend) && /B \(30 trials\)/.test(legend), `legend: ${legend}`);
    const counts = await liveCounts(frame);
    check(
      counts.charts === 2,
      `the PSTH tab should hold the raster and the histogram, not ${counts.charts} charts`,
    );
    // Hovering the histogram right of the event reads the rates of both groups.
    const plot = psth.locator('.plot-area .u-over').nth(1);
    await plot.scrollIntoViewIfNeeded();
    const box = await plot.boundingBox();
    check(box !== null, 'the PSTH has no plotting area');
    if (box) await ctx.page.mouse.move(box.x + box.width * 0.72, box.y + box.height / 2);
    const readout = await psth.locator('.plot-readout').nth(1).innerText();
    check(/A [\d.]+ Hz · B [\d.]+ Hz/.test(readout), `hovering the PSTH shows no rates: "${readout}"`);
    await ctx.screenshot('units-psth');

    // The trials table offers the same view; aligned on stimulus onset the peaks sit at 20–80 ms.
    await openPath(frame, trials, 'intervals');
    await waitForRedraw(frame, () => viewButton(frame, 'psth').click());
    await waitForView(frame, { path: trials, view: 'psth' });
    await waitForRedraw(frame, () => frame.getByLabel('Align on').selectOption('stim_on_time'), {
      path: trials,
    });
    await frame
      .locator('.psth-info')
      .filter({ hasText: /stim_on_time|trials in/ })
      .waitFor();
    const onset = await frame.getByLabel('Align on').inputValue();
    check(onset === 'stim_on_time', `the trials' view did not align on stim_on_time: ${onset}`);
    await ctx.screenshot('units-psth-stim-on');
  },
};

export default scenario;
