/**
 * A real MIES file's stimulus family: every sweep of StimulusSetB_DA_0 (two devices, two sweeps
 * each) overlaid, coloured by stimulus amplitude with its colourbar, the stimuli beneath; picking
 * a sweep in the legend highlights it; aligning on the stimulus onset relabels the time axis.
 */
import type { Scenario } from '../types';
import { check, openLocalNwb, openPath, realNwb, waitForRedraw } from '../viewerSteps';

const path = '/general/intracellular_ephys/sweep_table';

const scenario: Scenario = {
  name: 'icephys-family',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, realNwb('mies__AB_SweepsFromMultipleDevices-V2.nwb'));
    await openPath(frame, path, 'icephys');
    const groups = await frame.locator('.sweep-group').allInnerTexts();
    check(
      groups.join('|') === 'StimulusSetB_DA_0 (4)',
      `one stimulus group of 4 sweeps: ${groups.join(' | ')}`,
    );
    const headings = await frame.locator('.sweep-plots h3').allInnerTexts();
    check(
      headings.some(t => /^responses \(4\)$/.test(t)),
      `4 responses overlaid: ${headings.join(' | ')}`,
    );
    check(
      headings.some(t => /^stimuli|^stimulus/.test(t)),
      `stimuli beneath: ${headings.join(' | ')}`,
    );
    const legend = frame.getByRole('list', { name: 'Sweeps of the family' }).getByRole('button');
    check((await legend.count()) === 4, 'the legend lists the 4 sweeps');
    check(/mV/.test(await frame.locator('.family-colorbar').innerText()), 'amplitudes in mV');
    await waitForRedraw(frame, () => legend.nth(2).click(), { path });
    const picked = frame.getByRole('list', { name: 'Sweeps of the family' }).getByRole('button');
    check((await picked.nth(2).getAttribute('aria-pressed')) === 'true', 'the picked sweep is highlighted');
    await waitForRedraw(frame, () => frame.getByText('align on stimulus onset').click(), { path });
    await ctx.screenshot('icephys-family');
  },
};

export default scenario;
