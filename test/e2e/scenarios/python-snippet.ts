/** "Copy Python snippet": the code that opens exactly the selected object with pynwb is shown and copied. */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath } from '../viewerSteps';

const path = '/acquisition/ElectricalSeries';

const scenario: Scenario = {
  name: 'python-snippet',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, path, 'timeseries');
    await frame.getByRole('button', { name: 'Copy Python snippet' }).click();
    const code = frame.locator('.snippet-code');
    await code.waitFor({ state: 'visible' });
    const text = await code.innerText();
    check(/pynwb|NWBHDF5IO/.test(text), `the snippet does not use pynwb: ${text.slice(0, 300)}`);
    check(
      text.includes('ElectricalSeries'),
      `the snippet does not reach the selected object: ${text.slice(0, 300)}`,
    );
    await frame.locator('.header-status', { hasText: /snippet/i }).waitFor();
    await ctx.screenshot('python-snippet');
  },
};

export default scenario;
