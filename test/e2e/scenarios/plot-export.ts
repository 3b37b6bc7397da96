/**
 * Export from a view: a TimeSeries window as CSV (times and physical values) and the plot as PNG,
 * each through VS Code's real save dialog, into the workspace.
 */
import type { Scenario } from '../types';
import { acceptSaveDialog, check, generatedNwb, openLocalNwb, openPath, PNG_SIGNATURE } from '../viewerSteps';

const SERIES = '/acquisition/accelerometer';
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
