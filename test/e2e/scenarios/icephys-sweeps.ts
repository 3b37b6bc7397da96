/** An icephys file's sweeps: the navigable sweep list, each sweep's response and stimulus (single-sweep mode). */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const path = '/general/intracellular_ephys/intracellular_recordings';

const scenario: Scenario = {
  name: 'icephys-sweeps',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('icephys.nwb'));
    await openPath(frame, path, 'icephys');
    // The family overlay is the default; this scenario checks one sweep at a time.
    await waitForRedraw(frame, () => frame.getByRole('button', { name: 'Single sweep' }).click(), { path });
    const list = frame.getByRole('listbox', { name: 'Sweeps' });
    check((await list.getByRole('option').count()) === 4, 'the icephys file should list 4 sweeps');
    await list.focus();
    await waitForRedraw(frame, () => ctx.page.keyboard.press('ArrowDown'), { path });
    const headings = await frame.locator('.sweep-plots h3').allInnerTexts();
    check(
      headings.some(h => /response: .*CurrentClampSeries001/.test(h)),
      `sweep 2 does not show its response: ${headings.join(' | ')}`,
    );
    check(
      headings.some(h => /stimulus: .*CurrentClampStimulusSeries001/.test(h)),
      `sweep 2 does not show its stimulus: ${headings.join(' | ')}`,
    );
    await ctx.screenshot('icephys-sweeps');
  },
};

export default scenario;
