/** An ElectricalSeries as stacked traces with electrode labels, min/max decimation and channel paging. */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const path = '/acquisition/ElectricalSeries';

const scenario: Scenario = {
  name: 'ephys-traces',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, path, 'timeseries');
    const controls = frame.locator('#view .controls').first();
    check(
      /channels 0–15 of 32/.test(await controls.innerText()),
      `the first page is not channels 0–15 of 32: ${await controls.innerText()}`,
    );
    check(
      (await frame.getByLabel('Layout').inputValue()) === 'stacked',
      'an ElectricalSeries is not drawn as stacked traces',
    );
    const status = await frame.locator('.inline-status').innerText();
    check(
      /min\/max per column/.test(status),
      `60 000 samples were not reduced to min/max per pixel column: ${status}`,
    );
    await waitForRedraw(frame, () => frame.getByRole('button', { name: 'Next channels' }).click(), { path });
    check(
      /channels 16–31 of 32/.test(await controls.innerText()),
      `paging did not show channels 16–31: ${await controls.innerText()}`,
    );
    // Zoom in with the keyboard on the plot.
    await frame.locator('.plot-area').focus();
    await waitForRedraw(frame, () => ctx.page.keyboard.press('+'), { path });
    check(
      /0 s – 59\.999 s/.test(await frame.locator('.window-text').innerText()) === false,
      'the + key did not zoom in',
    );
    // Focusing the plot scrolled the view; show its controls in the picture.
    await frame.locator('#view').evaluate(node => {
      (node as unknown as { scrollTop: number }).scrollTop = 0;
    });
    await ctx.screenshot('ephys-traces');
  },
};

export default scenario;
