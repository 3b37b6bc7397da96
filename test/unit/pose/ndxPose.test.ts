/**
 * ndx-pose through the project's NWB layer against h5py: DeepLabCut's DLC2NWB file (0.1.0, paired
 * with a real video), ndx-pose's own test files (0.1.1 nodes/edges with an (n, 3) series, 0.2 with
 * a linked Skeleton and camera), and the generated behavior.nwb (linked timestamps).
 */
import { strict as assert } from 'node:assert';
import { ensureGeneratedNwb, POSE_EDGES, posePosition, poseTimestamp } from '../../fixtures/nwbgen';
import type { NwbFile } from '../../../src/nwb/nwbFile';
import { findPoseEstimations, readPoseEstimation } from '../../../src/pose/ndxPose';
import { openNwbPose } from '../../../src/pose/nwbPoseSource';
import type { PoseSource, VideoTiming } from '../../../src/pose/types';
import { fixture, openNwb } from '../nwb/helpers';
import { nwbReference, sameCoordinates } from './helpers';

type Opened = NwbFile & { close(): Promise<void> };
const GROUP = '/processing/behavior/PoseEstimation';
const DLC = 'dlc2nwb__m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb';
/** dlc__m3v1mp4.mp4 (MANIFEST): 2330 frames at 1000000/33333 fps, 640×480. */
const DLC_VIDEO: VideoTiming = { frames: 2330, fps: 1_000_000 / 33_333, width: 640, height: 480 };

async function withFile(path: string, body: (nwb: Opened) => Promise<void>): Promise<void> {
  const nwb = await openNwb(path);
  try {
    await body(nwb);
  } finally {
    await nwb.close();
  }
}

/** Every node's keypoint on `frame` equals h5py's value of sample `sample` (one instance). */
async function checkFrame(source: PoseSource, file: string, frame: number, sample: number): Promise<void> {
  const expected = nwbReference(file, GROUP, [sample]);
  const got = await source.framesBetween(frame, frame);
  assert.equal(got.length, 1, `frame ${frame} has pose`);
  const [inst] = got[0].instances;
  source.skeleton.nodes.forEach((node, n) => {
    const s = expected.series[node];
    sameCoordinates(inst.x.subarray(n, n + 1), s.x, `${node} x on frame ${frame}`);
    sameCoordinates(inst.y.subarray(n, n + 1), s.y, `${node} y on frame ${frame}`);
    if (s.confidence)
      sameCoordinates(
        inst.confidence?.subarray(n, n + 1) ?? new Float32Array(0),
        s.confidence,
        `${node} confidence`,
      );
  });
}

describe('pose: ndx-pose in NWB files against h5py', function () {
  this.timeout(120_000);

  it('finds every PoseEstimation, and none in a file without pose', async () => {
    await withFile(fixture(DLC), async nwb => assert.deepEqual(await findPoseEstimations(nwb), [GROUP]));
    await withFile(fixture('ndxpose__test_pose.nwb'), async nwb =>
      assert.deepEqual(await findPoseEstimations(nwb), [GROUP]),
    );
    await withFile(fixture('pynwb__1.0.2_nwbfile.nwb'), async nwb =>
      assert.deepEqual(await findPoseEstimations(nwb), []),
    );
  });

  it('DLC2NWB (0.1.0): nodes, unknown dimensions, software, and frame-index timestamps', async () => {
    const file = fixture(DLC);
    await withFile(file, async nwb => {
      const info = await readPoseEstimation(nwb, GROUP);
      const ref = nwbReference(file, GROUP, [0]);
      assert.deepEqual(info.skeleton.nodes, ref.nodes);
      assert.deepEqual(info.skeleton.edges, []);
      assert.equal(info.skeletonSource, 'nodes');
      assert.deepEqual(info.originalVideos, ['fake_path']);
      assert.deepEqual(info.dimensions, [undefined]);
      assert.equal(info.sourceSoftware, 'DeepLabCut');
      assert.equal(info.sourceSoftwareVersion, '2.2.0.2');
      assert.match(info.referenceFrame ?? '', /bottom left/);

      const source = await openNwbPose(nwb, info, DLC_VIDEO);
      assert.equal(source.dimensions, undefined);
      // Timestamps 0…2329 "seconds" over a 77.7 s video: frame indices, said so.
      assert.ok(
        source.warnings.some(w => /look like frame indices/.test(w)),
        source.warnings.join('\n'),
      );
      // reference_frame claims bottom-left; the coordinates are image coordinates: top-left assumed.
      assert.ok(
        source.warnings.some(w => /bottom left.*fit the 640×480 image.*top left/s.test(w)),
        source.warnings.join('\n'),
      );
      for (const frame of [0, 1, 777, 1500, 2329]) await checkFrame(source, file, frame, frame);
      assert.deepEqual(await source.framesBetween(2330, 2400), [], 'no frames past the video');
      const run = await source.framesBetween(10, 19);
      assert.deepEqual(
        run.map(f => f.frame),
        [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      );
    });
  });

  it('ndx-pose 0.2 test file: linked Skeleton, camera device, dimensions, videos', async () => {
    const file = fixture('ndxpose__test_pose.nwb');
    await withFile(file, async nwb => {
      const info = await readPoseEstimation(nwb, GROUP);
      const ref = nwbReference(file, GROUP, [0]);
      assert.equal(info.skeletonSource, 'skeleton');
      assert.deepEqual(info.skeleton, { nodes: ref.nodes, edges: ref.edges });
      assert.deepEqual(info.skeleton.edges, [
        [0, 1],
        [1, 2],
      ]);
      assert.deepEqual(info.cameras, ['camera1']);
      assert.deepEqual(info.dimensions, [{ width: 640, height: 480 }]);
      assert.deepEqual(info.originalVideos, ['path/to/camera1.mp4']);
      assert.deepEqual(info.labeledVideos, ['path/to/camera1_labeled.mp4']);
      // 100 samples stamped i × 10/99 s: a 9.9 fps video of 100 frames puts sample i on frame i.
      const source = await openNwbPose(nwb, info, { frames: 100, fps: 9.9, width: 640, height: 480 });
      assert.deepEqual(source.dimensions, { width: 640, height: 480 });
      for (const frame of [0, 37, 99]) await checkFrame(source, file, frame, frame);
      // The same pose on a video of another size is warned about.
      const small = await openNwbPose(nwb, info, { frames: 100, fps: 9.9, width: 320, height: 240 });
      assert.ok(
        small.warnings.some(w => /640×480 images but the video is 320×240/.test(w)),
        small.warnings.join('\n'),
      );
    });
  });

  it('ndx-pose 0.1.1 nodes/edges with an (n, 3) series: x and y of each', async () => {
    const file = fixture('ndxpose__0.1.1_poseestimation_nodes_edges.nwb');
    await withFile(file, async nwb => {
      const info = await readPoseEstimation(nwb, GROUP);
      assert.deepEqual(info.skeleton, { nodes: ['front_left_paw', 'front_right_paw'], edges: [[0, 1]] });
      const source = await openNwbPose(nwb, info, { frames: 100, fps: 9.9 });
      for (const frame of [0, 50, 99]) await checkFrame(source, file, frame, frame);
    });
  });

  it('generated behavior.nwb: linked timestamps, video rate and camera timestamps', async () => {
    const generated = await ensureGeneratedNwb();
    const file = generated.files.behavior;
    await withFile(file, async nwb => {
      const info = await readPoseEstimation(nwb, GROUP);
      assert.deepEqual(info.skeleton.edges, POSE_EDGES);
      // Stamps i/30 ± 0.5 ms: at 30 fps frame i is sample i.
      const byRate = await openNwbPose(nwb, info, { frames: 1500, fps: 30, width: 640, height: 480 });
      assert.deepEqual(byRate.warnings, []);
      for (const frame of [0, 1, 299, 1499]) {
        await checkFrame(byRate, file, frame, frame);
        const [f] = await byRate.framesBetween(frame, frame);
        info.skeleton.nodes.forEach((_, b) => {
          assert.equal(f.instances[0].x[b], posePosition(b, frame, 0));
          assert.equal(f.instances[0].y[b], posePosition(b, frame, 1));
        });
      }
      // A camera that started 10 frames before the pose: frame N is sample N - 10.
      const camera = Float64Array.from({ length: 1510 }, (_, n) =>
        n < 10 ? -1 + n / 100 : poseTimestamp(n - 10),
      );
      const byCamera = await openNwbPose(nwb, info, { frames: 1510, fps: 30, cameraTimestamps: camera });
      assert.deepEqual(await byCamera.framesBetween(0, 9), [], 'frames before the pose have none');
      for (const frame of [10, 11, 500, 1509]) await checkFrame(byCamera, file, frame, frame - 10);
      // The video and its camera timestamps disagree on the frame count: said so.
      const short = await openNwbPose(nwb, info, { frames: 1400, fps: 30, cameraTimestamps: camera });
      assert.ok(short.warnings.some(w => /1400 frames but the camera timestamps cover 1510/.test(w)));
    });
  });

  it('says what is wrong with a path that is not a PoseEstimation', async () => {
    await withFile(fixture(DLC), async nwb => {
      await assert.rejects(readPoseEstimation(nwb, '/processing/behavior/Nothing'), /no such group/);
      await assert.rejects(readPoseEstimation(nwb, '/processing/behavior'), /not an ndx-pose PoseEstimation/);
    });
  });
});
