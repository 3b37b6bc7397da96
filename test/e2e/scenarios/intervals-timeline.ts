/**
 * TimeIntervals as lanes of [start, stop) bars on the shared chart engine: the trials timeline
 * zooms with the keyboard, names the interval under the mouse, and leaving it for another object
 * releases its chart and observers.
 */
import type { Scenario } from '../types';
import { check, generatedNwb, liveCounts, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const path = '/intervals/trials';

const scenario: Scenario = {
  name: 'intervals-timeline',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, path, 'intervals');
    const summary = await frame.locator('#view p.muted').first().innerText();
    check(/\d+ intervals/.test(summary), `the timeline does not count its intervals: ${summary}`);
    const windowText = frame.locator('.window-text').first();
    const before = await windowText.innerText();
    await frame.locator('.plot-area').first().focus();
    await ctx.page.keyboard.press('+');
    const after = await windowText.innerText();
    check(before !== after, `the + key did not zoom the timeline (${before})`);
    await ctx.page.keyboard.press('0');
    check((await windowText.innerText()) === before, 'the 0 key did not reset the timeline');
    const over = await frame.locator('.plot-area .u-over').first().boundingBox();
    check(over !== null, 'the timeline has no plotting area');
    let readout = '';
    // Sweep across the first lane until the mouse is over a bar (the readout then shows its start – stop).
    for (let x = 0.02; over && x < 1 && !/–/.test(readout); x += 0.04) {
      await ctx.page.mouse.move(over.x + over.width * x, over.y + 12);
      readout = await frame.locator('.plot-readout').first().innerText();
    }
    check(/ – /.test(readout), `hovering the first lane never named an interval: "${readout}"`);
    await ctx.screenshot('intervals-timeline');
    const counts = await liveCounts(frame);
    check(counts.charts === 1, `the timeline view holds ${counts.charts} charts`);
    await waitForRedraw(frame, () => openPath(frame, '/acquisition/accelerometer', 'timeseries'));
    const next = await liveCounts(frame);
    check(
      next.charts === 1 && next.observers === 1,
      `after leaving the timeline for a plot the viewer holds ${JSON.stringify(next)}`,
    );
  },
};

export default scenario;
