/**
 * Units as a spike raster with unit paging and a zoomable time window; switching to the Table
 * sub-view and back releases the raster's chart and its ResizeObserver (no leak per switch).
 */
import type { Scenario } from '../types';
import { check, generatedNwb, liveCounts, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const path = '/units';

const scenario: Scenario = {
  name: 'units-raster',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, path, 'units');
    const raster = frame.getByRole('tab', { name: 'Raster' });
    if ((await raster.getAttribute('aria-selected')) !== 'true')
      await waitForRedraw(frame, () => raster.click(), { path });
    const info = frame.locator('.subview p.muted').last();
    const before = await info.innerText();
    check(
      /units 1–\d+ of \d+ · \d+ spikes/.test(before),
      `the raster does not report its units and spikes: ${before}`,
    );
    await frame.locator('.plot-area').focus();
    await waitForRedraw(frame, () => ctx.page.keyboard.press('+'), { path });
    await frame
      .locator('.subview p.muted', { hasText: /spikes in the window/ })
      .last()
      .waitFor();
    const after = await info.innerText();
    const spikes = (s: string): number => Number(/(\d+) spikes/.exec(s)?.[1] ?? NaN);
    check(
      spikes(after) < spikes(before),
      `zooming in did not narrow the spikes shown (${before} → ${after})`,
    );
    // Hovering a row names its unit and the time under the mouse.
    const box = await frame.locator('.plot-area .u-over').boundingBox();
    check(box !== null, 'the raster has no plotting area');
    if (box) await ctx.page.mouse.move(box.x + box.width / 2, box.y + 8);
    const readout = await frame.locator('.plot-readout').innerText();
    check(/· \d/.test(readout), `hovering the raster shows no unit and time: "${readout}"`);
    await ctx.screenshot('units-raster');

    const rasterCounts = await liveCounts(frame);
    check(
      rasterCounts.charts === 1 && rasterCounts.observers === 1,
      `the raster should hold 1 chart and 1 observer, not ${JSON.stringify(rasterCounts)}`,
    );
    for (let round = 0; round < 2; round++) {
      await waitForRedraw(frame, () => frame.getByRole('tab', { name: 'Table' }).click(), { path });
      await frame.locator('.subview[data-subview="table"] [role=grid]').waitFor();
      const table = await liveCounts(frame);
      check(
        table.charts === 0 && table.observers === 1,
        `after Raster → Table the view holds ${JSON.stringify(table)} (want no chart and only the table's observer)`,
      );
      await waitForRedraw(frame, () => raster.click(), { path });
      await frame.locator('.subview[data-subview="raster"] .plot-area').waitFor();
      const back = await liveCounts(frame);
      check(
        back.charts === 1 && back.observers === 1,
        `after Table → Raster (round ${round + 1}) the view holds ${JSON.stringify(back)}`,
      );
    }
  },
};

export default scenario;
