/**
 * Export from a view: a TimeSeries window as CSV (times and physical values) and the plot as PNG,
 * each through VS Code's real save dialog, into the workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { E2EContext, Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath } from '../viewerSteps';

const SERIES = '/acquisition/accelerometer';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Accepts VS Code's save dialog as offered (the suggested name in the workspace folder; typing
 * into the web workbench's dialog races its own completion) and waits until the file is written.
 */
async function acceptSaveDialog(ctx: E2EContext, expectedName: string): Promise<Buffer> {
  const input = ctx.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 30_000 }).catch(() => {
    throw new Error('no save dialog appeared');
  });
  // The dialog fills its input in steps (the folder first, then the suggested name).
  const target = path.join(ctx.workspaceDir, expectedName);
  await ctx.page
    .waitForFunction(
      ({ selector, want }) => {
        const box = (
          globalThis as unknown as { document: { querySelector(s: string): { value?: string } | null } }
        ).document.querySelector(selector);
        return (box?.value ?? '').replace(/\/+$/, '') === want;
      },
      { selector: '.quick-input-widget .quick-input-box input', want: target },
      { timeout: 30_000 },
    )
    .catch(async () => {
      throw new Error(`the save dialog offered ${await input.inputValue()}, not ${target}`);
    });
  fs.rmSync(target, { force: true });
  await ctx.page.keyboard.press('Enter');
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(target) || fs.statSync(target).size === 0) {
    if (Date.now() > deadline) throw new Error(`nothing was saved at ${target}`);
    await ctx.page.waitForTimeout(100);
  }
  return fs.readFileSync(target);
}

const scenario: Scenario = {
  name: 'plot-export',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, SERIES, 'timeseries');

    await frame.getByRole('button', { name: 'Export CSV' }).click();
    const csv = (await acceptSaveDialog(ctx, 'accelerometer.csv')).toString('utf8');
    const lines = csv.trim().split('\n');
    check(/^time/i.test(lines[0]), `the CSV header does not start with time: ${lines[0]}`);
    check(lines.length > 10, `the CSV holds ${lines.length - 1} rows`);
    const first = lines[1].split(',').map(Number);
    check(first.every(Number.isFinite), `the first CSV row is not numeric: ${lines[1]}`);
    await frame
      .locator('.header-status', { hasText: /Saved \d+ rows/ })
      .waitFor({ state: 'visible', timeout: 30_000 });

    await frame.getByRole('button', { name: 'Export PNG' }).click();
    const png = await acceptSaveDialog(ctx, 'accelerometer.png');
    check(png.subarray(0, 8).equals(PNG_SIGNATURE), 'the exported file is not a PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    check(width > 100 && height > 100, `the PNG is ${width}×${height}`);
    await ctx.screenshot('plot-export');
  },
};

export default scenario;
