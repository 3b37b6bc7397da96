/**
 * The DANDI quick-start's last step, in the editor: from the DANDI view, the generated IBL-shaped
 * session's left-camera video (30 min at 60 Hz, moov at the end, streamed) at frame 100000 with the
 * session's pose drawn over it. The frame on the canvas is frame 100000 (its barcode, read from the
 * canvas pixels) and every keypoint sits on the generator's dot.
 */
import { KEYPOINTS, keypointAt } from '../../fixtures/videogen/scene';
import { readFrameBarcode } from '../../fixtures/videogen/barcode';
import type { Scenario } from '../types';
import {
  alphaAt,
  canvasPixels,
  goToFrame,
  openVideoFromTree,
  showPoseFrom,
  waitForKeypoints,
} from '../videoSteps';
import { check } from '../viewerSteps';

const FRAME = 100_000;

const scenario: Scenario = {
  name: 'video-pose',
  async run(ctx) {
    const frame = await openVideoFromTree(
      ctx,
      ctx.archive.ids.ibl,
      [/^sub-KS000/, /_ecephys\+image/],
      /_VideoLeftCamera\.mp4/,
    );
    await goToFrame(frame, FRAME);
    await showPoseFrom(ctx, frame, 'desc-processed');
    await waitForKeypoints(frame, KEYPOINTS.length);

    const picture = await canvasPixels(frame, 'frame');
    const shown = readFrameBarcode(picture.data, picture.width, picture.height);
    check(shown === FRAME, `the canvas shows frame ${shown} (its barcode), not ${FRAME}`);
    const overlay = await canvasPixels(frame, 'overlay');
    KEYPOINTS.forEach((name, k) => {
      const { x, y } = keypointAt(k, FRAME, picture.width, picture.height);
      check(
        alphaAt(overlay, x, y) > 200,
        `no keypoint drawn at ${name}'s dot (${x.toFixed(1)}, ${y.toFixed(1)})`,
      );
      const i = 4 * (Math.round(y) * picture.width + Math.round(x));
      check(picture.data[i] > 150, `the picture has no bright dot under ${name} (${picture.data[i]})`);
    });
    // Nothing drawn where no keypoint is (the barcode band, top-left).
    check(alphaAt(overlay, 2, 2) === 0, 'the overlay draws outside the keypoints');
    const legend = await frame.locator('#legend').innerText();
    check(
      KEYPOINTS.every(k => legend.includes(k)),
      `the legend does not name every keypoint: ${legend}`,
    );
    await ctx.screenshot('video-pose');
  },
};

export default scenario;
