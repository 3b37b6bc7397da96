/**
 * ndx-pose keypoints (an extension type, viewed through the file's cached schema) in image
 * coordinates, as on the video: y down from the top-left corner, the frame's 640 × 480 shape from
 * PoseEstimation/dimensions, a keypoint legend, and a time slider. Then the real DeepLabCut file,
 * whose dimensions are [0, 0]: the axes span the keypoints and the view says so.
 */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath, realNwb } from '../viewerSteps';

const path = '/processing/behavior/PoseEstimation';

const scenario: Scenario = {
  name: 'pose-keypoints',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('behavior.nwb'));
    await openPath(frame, path, 'pose');
    const said = await frame.locator('.coordinates').innerText();
    check(
      /y grows downward/.test(said) && /640 × 480 px/.test(said),
      `the plot states its convention: ${said}`,
    );
    const canvas = await frame.locator('.pose-image canvas').boundingBox();
    check(canvas !== null, 'the keypoints are drawn on a frame-shaped canvas');
    if (canvas) {
      const aspect = canvas.width / canvas.height;
      check(
        Math.abs(aspect - 640 / 480) < 0.02,
        `the frame keeps the video's 4:3 shape (${aspect.toFixed(3)})`,
      );
      // A quarter across and down the picture is (160, 120) px when the origin is top-left and y grows down.
      await ctx.page.mouse.move(canvas.x + canvas.width / 4, canvas.y + canvas.height / 4, { steps: 3 });
      const readoutBox = frame.locator('.pose-image .plot-readout');
      await readoutBox.filter({ hasText: /px/ }).waitFor({ timeout: 5000 });
      const readout = await readoutBox.innerText();
      const [x, y] = readout.match(/[\d.]+/g)?.map(Number) ?? [];
      check(Math.abs(x - 160) < 4 && Math.abs(y - 120) < 4, `the origin is top-left, y down: "${readout}"`);
    }
    const legend = await frame.getByRole('list', { name: 'Keypoints' }).innerText();
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

    const dlc = await openLocalNwb(
      ctx,
      realNwb('dlc2nwb__m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb'),
    );
    await openPath(dlc, path, 'pose');
    const dlcSaid = await dlc.locator('.coordinates').innerText();
    check(/y grows downward/.test(dlcSaid) && /not stated/.test(dlcSaid), `DeepLabCut pose: ${dlcSaid}`);
    const dlcLegend = await dlc.getByRole('list', { name: 'Keypoints' }).innerText();
    for (const keypoint of ['ind1_snout', 'ind1_leftear', 'ind1_rightear', 'ind1_tailbase'])
      check(dlcLegend.includes(keypoint), `the legend lacks keypoint ${keypoint}: ${dlcLegend}`);
    await ctx.screenshot('pose-keypoints-dlc');
  },
};

export default scenario;
