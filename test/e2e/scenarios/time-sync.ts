/**
 * One session clock: the align view (opened with "DANDI: Align Objects on One Time Axis") stacks
 * the generated ecephys session's traces, units raster and trials on one time axis. Zooming the
 * traces zooms every row; a click in the traces sets the time cursor, which the raster and the
 * trials rows then draw at the same time (their `data-cursor`), inside the window all rows share.
 */
import type { FrameLocator, Locator } from 'playwright-core';
import type { Scenario } from '../types';
import {
  check,
  generatedNwb,
  openLocalNwb,
  openPath,
  realNwb,
  waitForRedraw,
  waitForView,
} from '../viewerSteps';

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

    // A second panel of the same file (split editor) shows the traces zoomed elsewhere: it joins
    // the clock at the current cursor, and a cursor set later in the align panel outside its
    // window re-centres it there.
    await ctx.runCommand('View: Split Editor Right');
    const webviews = ctx.page.locator('iframe.webview.ready:visible');
    await webviews.nth(1).waitFor({ timeout: 60_000 });
    const frames = [0, 1].map(i => webviews.nth(i).contentFrame().frameLocator('#active-frame'));
    const views = await Promise.all(frames.map(f => f.locator('#view').getAttribute('data-view')));
    const other = frames[views[0] === 'align' ? 1 : 0];
    await waitForView(other, {});
    await openPath(other, ROWS.traces, 'timeseries');
    const tracesThere = other.locator('.plot').first();
    await tracesThere.and(other.locator(`[data-cursor="${cursor}"]`)).waitFor({ timeout: 10_000 });
    await tracesThere.locator('.plot-area').focus();
    for (let i = 0; i < 3; i++)
      await waitForRedraw(other, () => ctx.page.keyboard.press('+'), { path: ROWS.traces });
    const narrow = await tracesThere.locator('.window-text').innerText();
    const late = await over.boundingBox();
    check(late !== null, 'the traces row of the align panel is gone');
    if (!late) return;
    await ctx.page.mouse.click(late.x + late.width * 0.97, late.y + late.height / 2);
    const moved = await cursorOf(ROWS.traces);
    check(moved > cursor, `the second click did not move the cursor (${cursor} → ${moved})`);
    await tracesThere.and(other.locator(`[data-cursor="${moved}"]`)).waitFor({ timeout: 10_000 });
    await waitForView(other, { path: ROWS.traces });
    const recentred = await tracesThere.locator('.window-text').innerText();
    const [r0, r1] = recentred.split('–').map(t => Number.parseFloat(t));
    check(
      recentred !== narrow && moved > r0 && moved < r1,
      `the other panel's traces stayed on ${recentred} (was ${narrow}) instead of showing the cursor at ${moved}`,
    );
    await ctx.screenshot('time-sync-panels');
    await ctx.runCommand('View: Close All Editors');

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
