/**
 * ROI masks over the summary image of the same imaging plane: every pixel_mask ROI overlaid,
 * then an image_mask segmentation where clicking an ROI plots its response trace.
 */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, waitForRedraw } from '../viewerSteps';

const scenario: Scenario = {
  name: 'roi-overlay',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('ophys.nwb'));
    const imageMasks = '/processing/ophys/ImageSegmentation/PlaneSegmentation';
    await openPath(frame, imageMasks, 'planeSegmentation');
    const options = frame.getByRole('listbox', { name: 'ROIs' }).getByRole('option');
    check((await options.count()) > 0, 'the ROI list is empty');
    await waitForRedraw(frame, () => options.first().click(), { path: imageMasks });
    const trace = frame.locator('.roi-trace');
    const traceText = await trace.innerText();
    check(/ROI/.test(traceText), `selecting an ROI did not show its response: ${traceText}`);

    const pixelMasks = '/processing/ophys/ImageSegmentation/PlaneSegmentationPixels';
    await openPath(frame, pixelMasks, 'planeSegmentation');
    const summary = await frame.locator('#view p.muted').first().innerText();
    check(/pixel_mask/.test(summary), `the segmentation does not say it drew pixel masks: ${summary}`);
    check(/over \//.test(summary), `the ROIs are not drawn over a summary image: ${summary}`);
    check((await frame.locator('canvas.image-canvas').count()) === 1, 'no image canvas');
    await ctx.screenshot('roi-overlay');
  },
};

export default scenario;
