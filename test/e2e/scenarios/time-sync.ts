/**
 * One session clock: the align view (opened with "DANDI: Align Objects on One Time Axis") stacks
 * the generated ecephys session's traces, units raster and trials on one time axis. Zooming the
 * traces zooms every row; a click in the traces sets the time cursor, which the raster and the
 * trials rows then draw at the same time (their `data-cursor`), inside the window all rows share.
 */
import type { FrameLocator, Locator } from 'playwright-core';
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, realNwb, waitForRedraw, waitForView } from '../viewerSteps';

const ROWS = {
  traces: '/acquisition/ElectricalSeries',
  raster: '/units',
  trials: '/intervals/trials',
} as const;

const rowPlot = (frame: FrameLocator, path: string): Locator =>
  frame.locator(`.align-row[data-path="${path}"] .plot`).first();

const scenario: Scenario = {
  name: 'time-sync',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await waitForRedraw(frame, () => ctx.runCommand('DANDI: Align Objects on One Time Axis'), {
      path: '/',
      view: 'align',
    });
    for (const path of Object.values(ROWS))
      await rowPlot(frame, path)
        .locator('.u-over')
        .waitFor({ timeout: 60_000 })
        .catch(() => {
          throw new Error(`the align view has no chart row for ${path}`);
        });

    // Zoom the traces twice: every row shows the same, narrower window.
    const windowText = (path: string): Promise<string> =>
      rowPlot(frame, path).locator('.window-text').innerText();
    const before = await windowText(ROWS.traces);
    await rowPlot(frame, ROWS.traces).locator('.plot-area').focus();
    await waitForRedraw(frame, () => ctx.page.keyboard.press('+'), { view: 'align' });
    await waitForRedraw(frame, () => ctx.page.keyboard.press('+'), { view: 'align' });
    const zoomed = await windowText(ROWS.traces);
    check(zoomed !== before, `zooming the traces did not change their window (${before})`);
    for (const path of [ROWS.raster, ROWS.trials]) {
      const shown = await windowText(path);
      check(shown === zoomed, `${path} shows ${shown}, not the traces' window ${zoomed}`);
    }

    // Click in the traces, 40 % across: the cursor lands there in every row.
    const over = rowPlot(frame, ROWS.traces).locator('.u-over');
    const box = await over.boundingBox();
    check(box !== null, 'the traces row has no plotting area');
    if (!box) return;
    await ctx.page.mouse.click(box.x + box.width * 0.4, box.y + box.height / 2);
    const cursorOf = async (path: string): Promise<number> => {
      const plot = rowPlot(frame, path);
      await plot.and(frame.locator('[data-cursor]')).waitFor({ timeout: 10_000 });
      return Number(await plot.getAttribute('data-cursor'));
    };
    const cursor = await cursorOf(ROWS.traces);
    const [w0, w1] = zoomed.split('–').map(s => Number.parseFloat(s));
    check(
      Number.isFinite(cursor) && cursor > w0 && cursor < w1,
      `the cursor ${cursor} is not inside the window ${zoomed} that was clicked`,
    );
    for (const path of [ROWS.raster, ROWS.trials]) {
      const there = await cursorOf(path);
      check(there === cursor, `${path} draws the cursor at ${there}, the traces at ${cursor}`);
    }
    await waitForView(frame, { view: 'align' });
    // Fold the details pane so the three rows share the screen.
    await frame.locator('.inspector-toggle').click();
    await rowPlot(frame, ROWS.trials).scrollIntoViewIfNeeded();
    await ctx.screenshot('time-sync');

    // Real files, as their writers laid them out: the picker finds their series, units, intervals
    // and events (AnnotationSeries), and every default row draws on the shared axis.
    for (const [name, shot] of [
      ['pynapple__sub-4_ses-4_ecephys+image.nwb', 'time-sync-real'],
      ['aqnwb__createAnnotationSeries.nwb', 'time-sync-events'],
    ]) {
      const real = await openLocalNwb(ctx, realNwb(name));
      await waitForRedraw(real, () => ctx.runCommand('DANDI: Align Objects on One Time Axis'), {
        path: '/',
        view: 'align',
      });
      const rows = real.locator('.align-row');
      const count = await rows.count();
      check(count >= 1, `the align view of ${name} stacks no rows`);
      const failed = await real.locator('.align-row .message-error').allInnerTexts();
      check(failed.length === 0, `rows of ${name} could not be drawn: ${failed.join('; ')}`);
      check(
        (await real.locator('.align-row .plot .u-over').count()) === count,
        `not every row of ${name} has a chart`,
      );
      await ctx.screenshot(shot);
    }
  },
};

export default scenario;
