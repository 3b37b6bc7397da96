/**
 * The pose readers over VS Code URIs (src/editor/poseFiles.ts), in the real extension host, on the
 * generated IBL-shaped session (.cache/video/ibl, written by genFixtures before the suite): the
 * left camera's video found from the processed pose file, the session's pose files found from the
 * video, and the pose opened for the video with the raw file's camera clock.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/constants';
import { openPoseForVideo, poseCandidatesForVideo, videosForPoseFile } from '../../src/editor/poseFiles';
import type { ExtensionApi } from '../../src/extension';
import { IBL_PATHS, IBL_ROOT, KEYPOINTS, keypointAt } from '../fixtures/videogen';

const LEFT = { frames: 108_000, fps: 60, width: 160, height: 128 };

describe('Pose files next to videos (VS Code)', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let root: string;
  before(async () => {
    const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(extension, 'extension installed');
    api = await extension.activate();
    root = join(extension.extensionPath, '.cache', 'video', IBL_ROOT);
  });
  const uri = (path: string) => vscode.Uri.file(join(root, ...path.split('/')));

  it('finds the left camera video of the processed pose file', async () => {
    const videos = await videosForPoseFile(
      api.services,
      uri(IBL_PATHS.processed),
      '/processing/pose_estimation/LeftCamera',
    );
    assert.equal(videos[0]?.toString(), uri(IBL_PATHS.leftVideo).toString());
  });

  it("lists the session's NWB files for the video, the one naming it first", async () => {
    const found = await poseCandidatesForVideo(api.services, uri(IBL_PATHS.leftVideo), LEFT.frames);
    // Listings give file: URLs as Node writes them; compare them as VS Code reads them.
    const text = (u: string) => vscode.Uri.parse(u, true).toString();
    const reasons = new Map(found.map(c => [text(c.file.uri), c.reason]));
    assert.equal(text(found[0].file.uri), uri(IBL_PATHS.raw).toString());
    assert.equal(reasons.get(uri(IBL_PATHS.raw).toString()), 'external-file');
    assert.equal(reasons.get(uri(IBL_PATHS.processed).toString()), 'original-video');
  });

  it('opens the pose for the video on the camera clock: frame 100000 on the dots', async () => {
    const pose = await openPoseForVideo(
      api.services,
      uri(IBL_PATHS.processed),
      undefined,
      uri(IBL_PATHS.leftVideo),
      LEFT,
    );
    try {
      // The raw file's camera timestamps were found and used: no per-frame fallback warning.
      assert.deepEqual(pose.warnings, []);
      const [frame] = await pose.framesBetween(100_000, 100_000);
      KEYPOINTS.forEach((name, k) => {
        const want = keypointAt(k, 100_000, LEFT.width, LEFT.height);
        assert.equal(frame.instances[0].x[k], Math.fround(want.x), `x of ${name}`);
        assert.equal(frame.instances[0].y[k], Math.fround(want.y), `y of ${name}`);
      });
    } finally {
      await pose.close();
    }
  });
});
