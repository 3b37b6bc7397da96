/**
 * A real SLEAP pair from the video corpus Dandiset: sleap__clip.mp4 (1024×1024, 25 fps, B-frames)
 * with its predictions (.slp, two tracks) drawn over it, streamed from the DANDI view; stepping
 * with the keyboard moves frame by frame.
 */
import type { Scenario } from '../types';
import { canvasPixels, goToFrame, openVideoFromTree, showPoseFrom, waitForKeypoints } from '../videoSteps';
import { check } from '../viewerSteps';

const scenario: Scenario = {
  name: 'video-sleap',
  async run(ctx) {
    const frame = await openVideoFromTree(
      ctx,
      ctx.archive.ids.videoCorpus,
      [/^sleap-clip/],
      /^sleap__clip\.mp4/,
    );
    await goToFrame(frame, 300);
    await showPoseFrom(ctx, frame, 'sleap__clip.predictions.slp');
    const drawn = await waitForKeypoints(frame, 2);
    const legend = await frame.locator('#legend .legend-entry').allInnerTexts();
    check(
      legend.length >= 2,
      `the legend names ${legend.length} entries (two tracks expected): ${legend.join(', ')}`,
    );
    const overlay = await canvasPixels(frame, 'overlay');
    let painted = 0;
    for (let i = 3; i < overlay.data.length; i += 4) if (overlay.data[i] > 0) painted++;
    check(painted > 50, `the overlay painted ${painted} pixels for ${drawn} keypoints`);
    // → steps one frame.
    await frame.locator('#video').press('ArrowRight');
    await frame
      .locator('#video[data-state="ready"][data-frame="301"]')
      .waitFor({ state: 'attached', timeout: 30_000 });
    await ctx.screenshot('video-sleap');
  },
};

export default scenario;
