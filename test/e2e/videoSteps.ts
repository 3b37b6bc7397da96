/**
 * Steps the video scenarios share: open a video asset from the DANDI view, attach a pose file with
 * "Show pose from…", go to a frame, and read the canvases' pixels back in the page.
 */
import type { FrameLocator } from 'playwright-core';
import type { E2EContext } from './types';
import { check } from './viewerSteps';

const FRAME_TIMEOUT_MS = 90_000;

/** Expands `folders` in order in the DANDI view and clicks the asset row `file`; resolves with the video webview. */
export async function openVideoFromTree(
  ctx: E2EContext,
  dandisetId: string,
  folders: Array<string | RegExp>,
  file: string | RegExp,
): Promise<FrameLocator> {
  await ctx.openDandiView();
  await ctx.expandTreeItem(dandisetId);
  await ctx.expandTreeItem(/^draft/);
  for (const folder of folders) await ctx.expandTreeItem(folder);
  await ctx.treeItem(file).click();
  const frame = await ctx.activeWebview();
  await frame
    .locator('#video[data-state="ready"][data-frame="0"]')
    .waitFor({ state: 'attached', timeout: FRAME_TIMEOUT_MS })
    .catch(async () => {
      const text = await frame
        .locator('#video')
        .innerText()
        .catch(() => '(no #video)');
      throw new Error(`the video viewer did not show frame 0: ${text.slice(0, 400)}`);
    });
  return frame;
}

/** Types `frame` into the frame field and waits until the canvas shows it. */
export async function goToFrame(frame: FrameLocator, n: number): Promise<void> {
  const input = frame.locator('#frame-number');
  await input.fill(String(n));
  await input.press('Enter');
  await frame
    .locator(`#video[data-state="ready"][data-frame="${n}"]`)
    .waitFor({ state: 'attached', timeout: FRAME_TIMEOUT_MS })
    .catch(async () => {
      const state = await frame.locator('#video').getAttribute('data-state');
      const message = await frame
        .locator('#message')
        .innerText()
        .catch(() => '');
      throw new Error(`frame ${n} was not shown (state ${state}) ${message}`);
    });
}

/** "Show pose from…" (the viewer's button), picking the quick-pick entry that matches `label`. */
export async function showPoseFrom(ctx: E2EContext, frame: FrameLocator, label: string): Promise<void> {
  await frame.locator('#pose-from').click();
  await ctx.answerQuickInput(label);
  await frame
    .locator('#pose-panel:not([hidden])')
    .waitFor({ state: 'attached', timeout: FRAME_TIMEOUT_MS })
    .catch(() => {
      throw new Error(`no pose panel after choosing ${label}`);
    });
}

/** Waits until the overlay has drawn at least `least` keypoints on the shown frame. */
export async function waitForKeypoints(frame: FrameLocator, least: number): Promise<number> {
  const root = frame.locator('#video');
  const deadline = Date.now() + FRAME_TIMEOUT_MS;
  for (;;) {
    const drawn = Number(await root.getAttribute('data-keypoints'));
    if (drawn >= least) return drawn;
    const pose = await root.getAttribute('data-pose');
    const state = await root.getAttribute('data-state');
    const message = await frame
      .locator('#message')
      .innerText()
      .catch(() => '');
    check(
      Date.now() < deadline,
      `the overlay drew ${drawn} keypoints, expected at least ${least} (pose frames held: ${pose}, state ${state}) ${message}`,
    );
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** RGBA pixels of a canvas (`#frame` the picture, `#overlay` the pose), read in the page. */
export async function canvasPixels(
  frame: FrameLocator,
  id: 'frame' | 'overlay',
): Promise<{ width: number; height: number; data: Uint8Array }> {
  const read = await frame.locator(`#${id}`).evaluate(node => {
    // The test build has no DOM types: describe the little of a canvas this uses.
    interface Canvas2D {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
      } | null;
    }
    const canvas = node as unknown as Canvas2D;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D context');
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return { width: canvas.width, height: canvas.height, data: Array.from(image.data) };
  });
  return { width: read.width, height: read.height, data: Uint8Array.from(read.data) };
}

/** The overlay's alpha at pixel (x, y), rounded to the nearest pixel. */
export function alphaAt(pixels: { width: number; data: Uint8Array }, x: number, y: number): number {
  return pixels.data[4 * (Math.round(y) * pixels.width + Math.round(x)) + 3];
}
