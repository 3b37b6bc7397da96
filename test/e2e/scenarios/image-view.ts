/** A TwoPhotonSeries frame viewer: frame slider, colormap, contrast; crisp canvas on high-DPI. */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const path = '/acquisition/TwoPhotonSeries';

const scenario: Scenario = {
  name: 'image-view',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ophys.nwb'));
    await openPath(frame, path, 'imageSeries');
    await frame.getByLabel('Colormap').selectOption('magma');
    const slider = frame.getByRole('slider', { name: 'Frame' });
    await slider.focus();
    await waitForRedraw(frame, () => ctx.page.keyboard.press('End'), { path });
    await frame
      .locator('#view p.muted', { hasText: /frame 200 of 200/ })
      .waitFor()
      .catch(() => {
        throw new Error('moving the frame slider to the end did not show frame 200 of 200');
      });
    // Runs in the page; typed structurally because the test tsconfig has no DOM library.
    const size = await frame.locator('canvas.image-canvas').evaluate(node => {
      const canvas = node as unknown as { width: number; getBoundingClientRect(): { width: number } };
      return {
        width: canvas.width,
        cssWidth: canvas.getBoundingClientRect().width,
        dpr: (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio,
      };
    });
    check(
      Math.abs(size.width - Math.round(size.cssWidth * size.dpr)) <= 2,
      `the canvas is not sized in device pixels: ${JSON.stringify(size)}`,
    );
    await ctx.screenshot('image-view');
  },
};

export default scenario;
