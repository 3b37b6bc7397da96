/**
 * A real MIES file's stimulus family: every sweep of StimulusSetB_DA_0 (two devices, two sweeps
 * each) overlaid, coloured by stimulus amplitude with its colourbar, the stimuli beneath; picking
 * a sweep in the legend highlights it; aligning on the stimulus onset relabels the time axis.
 * The fixtures hold no real long-square family (MIES' is one pulse train on two devices), so the
 * generated file's three current steps show the amplitude colours.
 */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, realNwb, waitForRedraw } from '../viewerSteps';

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
    await frame.locator('.sweep-plots .plot-box').last().scrollIntoViewIfNeeded();
    await ctx.screenshot('icephys-family');

    // A long-square family with three amplitudes (the generated NWB 2.4 table hierarchy).
    const generated = await openLocalNwb(ctx, generatedNwb('icephys.nwb'));
    const recordings = '/general/intracellular_ephys/intracellular_recordings';
    await openPath(generated, recordings, 'icephys');
    const steps = generated.getByRole('list', { name: 'Sweeps of the family' }).getByRole('button');
    const labels = await steps.allInnerTexts();
    check(
      labels.join('|') === 'sweep 0 · -50 pA|sweep 1 · 25 pA|sweep 2 · 100 pA',
      `the current steps by amplitude in pA: ${labels.join(' | ')}`,
    );
    const axes = await generated
      .locator('.sweep-plots .plot-area')
      .evaluateAll(areas => areas.map(a => a.getAttribute('aria-label') ?? ''));
    check(axes.length === 2, `a response and a stimulus plot: ${axes.join(' | ')}`);
    await generated.locator('.sweep-plots .plot-box').last().scrollIntoViewIfNeeded();
    await ctx.screenshot('icephys-family-steps');
  },
};

export default scenario;
