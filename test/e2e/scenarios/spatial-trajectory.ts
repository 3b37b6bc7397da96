/**
 * A Position's SpatialSeries (metres in an arena) as an XY trajectory on the shared chart engine,
 * y up (not image coordinates: these are positions in space, and the plot says so), with a time marker.
 */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath } from '../viewerSteps';

const path = '/processing/behavior/Position';

const scenario: Scenario = {
  name: 'spatial-trajectory',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('behavior.nwb'));
    await openPath(frame, path, 'spatial');
    const said = await frame.locator('.coordinates').innerText();
    check(/Arena coordinates: y grows upward/.test(said), `the plot states its convention: ${said}`);
    const legend = await frame.locator('.legend').innerText();
    check(legend.trim().length > 0, 'the trajectory has no legend');
    const over = await frame.locator('.plot-area .u-over').boundingBox();
    check(over !== null, 'the trajectory has no plotting area');
    if (over) await ctx.page.mouse.move(over.x + over.width / 2, over.y + over.height / 2);
    const readout = await frame.locator('.plot-readout').innerText();
    check(/^x .+ · y .+/.test(readout), `hovering the trajectory shows no coordinates: "${readout}"`);
    const slider = frame.getByRole('slider', { name: 'Time' });
    await slider.focus();
    for (let i = 0; i < 100; i++) await ctx.page.keyboard.press('ArrowRight');
    await ctx.screenshot('spatial-trajectory');
  },
};

export default scenario;
