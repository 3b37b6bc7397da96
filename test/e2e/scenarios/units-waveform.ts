/** The ecephys example: plot one unit's waveform_mean on one channel. */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const path = '/units';

const scenario: Scenario = {
  name: 'units-waveform',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, path, 'units');
    await waitForRedraw(frame, () => frame.getByRole('tab', { name: 'Waveform' }).click(), { path });
    await waitForRedraw(frame, () => frame.getByLabel('Unit', { exact: true }).selectOption({ index: 2 }), {
      path,
    });
    await waitForRedraw(frame, () => frame.getByLabel('Channel', { exact: true }).selectOption('1'), {
      path,
    });
    const caption = await frame.locator('.subview p.muted').last().innerText();
    check(
      /unit row 2 · channel 1 of \d+/.test(caption),
      `the waveform is not unit 2 on channel 1: ${caption}`,
    );
    check((await frame.locator('.subview .plot canvas').count()) > 0, 'no waveform plot was drawn');
    await ctx.screenshot('units-waveform');
  },
};

export default scenario;
