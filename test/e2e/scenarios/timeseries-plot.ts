/**
 * The Allen-style ophys example: plot 5 ROIs of processing/ophys/DfOverF/DfOverF over the true
 * time axis, zoom in once, and check that the view asked the host for the new window.
 */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const path = '/processing/ophys/DfOverF/DfOverF';

const scenario: Scenario = {
  name: 'timeseries-plot',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ophys.nwb'));
    await openPath(frame, path, 'timeseries');
    await waitForRedraw(frame, () => frame.getByLabel('Channels per page').selectOption('5'), { path });
    await waitForRedraw(frame, () => frame.getByLabel('Layout').selectOption('overlay'), { path });
    const channels = await frame.locator('#view .controls').innerText();
    check(
      /channels 0–4 of 6/.test(channels),
      `expected 5 of the 6 ROIs on the page, the controls say: ${channels}`,
    );
    const before = await frame.locator('.window-text').innerText();
    await waitForRedraw(frame, () => frame.getByRole('button', { name: 'Zoom in' }).click(), { path });
    const after = await frame.locator('.window-text').innerText();
    check(before !== after, `zooming in did not change the time window (${before})`);
    const status = await frame.locator('.inline-status').innerText();
    check(/samples/.test(status), `the plot reports no samples: ${status}`);
    check((await frame.locator('.plot canvas').count()) > 0, 'no plot canvas was drawn');
    await ctx.screenshot('timeseries-plot');
  },
};

export default scenario;
