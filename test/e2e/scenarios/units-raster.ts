/** Units as a spike raster with unit paging and a zoomable time window. */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const path = '/units';

const scenario: Scenario = {
  name: 'units-raster',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, path, 'units');
    const raster = frame.getByRole('tab', { name: 'Raster' });
    if ((await raster.getAttribute('aria-selected')) !== 'true') await waitForRedraw(frame, () => raster.click(), { path });
    const info = frame.locator('.subview p.muted').last();
    const before = await info.innerText();
    check(/units 1–\d+ of \d+ · \d+ spikes/.test(before), `the raster does not report its units and spikes: ${before}`);
    await frame.locator('.plot-area').focus();
    await waitForRedraw(frame, () => ctx.page.keyboard.press('+'), { path });
    await frame.locator('.subview p.muted', { hasText: /spikes in the window/ }).last().waitFor();
    const after = await info.innerText();
    const spikes = (s: string): number => Number(/(\d+) spikes/.exec(s)?.[1] ?? NaN);
    check(spikes(after) < spikes(before), `zooming in did not narrow the spikes shown (${before} → ${after})`);
    await ctx.screenshot('units-raster');
  },
};

export default scenario;
