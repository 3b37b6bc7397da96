/** ndx-pose keypoints (an extension type, viewed through the file's cached schema): XY per keypoint with a time slider. */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath } from '../viewerSteps';

const path = '/processing/behavior/PoseEstimation';

const scenario: Scenario = {
  name: 'pose-keypoints',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('behavior.nwb'));
    await openPath(frame, path, 'pose');
    const legend = await frame.locator('.legend').innerText();
    for (const keypoint of ['nose', 'left_ear', 'right_ear'])
      check(legend.includes(keypoint), `the legend lacks keypoint ${keypoint}: ${legend}`);
    // The video viewer opens from here (dandi.openVideo with this file as the pose).
    const showOnVideo = frame.getByRole('button', { name: 'Show on video' });
    check(await showOnVideo.isVisible(), 'the pose view has no "Show on video" button');
    const slider = frame.getByRole('slider', { name: 'Time' });
    const output = frame.locator('.slider output').first();
    const before = await output.innerText();
    await slider.focus();
    for (let i = 0; i < 25; i++) await ctx.page.keyboard.press('ArrowRight');
    const after = await output.innerText();
    check(before !== after, `moving the time slider did not move the time (${before})`);
    await ctx.screenshot('pose-keypoints');
  },
};

export default scenario;
