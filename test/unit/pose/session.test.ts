/**
 * Whole sessions: the generated IBL-shaped session (test/fixtures/nwbgen/ibl.ts: the raw file's
 * camera timestamps, ndx-pose 0.2 pose of the left camera, ndx-pose 0.1 pose of the right) opened
 * the way the video viewer does, checked against the generator's keypoints at frame 100000; and
 * the stand-in archive's video corpus Dandiset (990009) listed through the DANDI client.
 */
import { strict as assert } from 'node:assert';
import { join, posix } from 'node:path';
import { parseAssetUri } from '../../../src/dandi/assetUri';
import { DandiClient } from '../../../src/dandi/client';
import { assetSourceSpec } from '../../../src/hdf5/sources/dandi';
import { openHdf5 } from '../../../src/hdf5/engine';
import type { Hdf5File } from '../../../src/hdf5/types';
import { findPoseForVideo, findVideosForPose } from '../../../src/pose/findVideo';
import { dandisetListing } from '../../../src/pose/listing';
import { inspectPoseFile, openPose, readCameraClock } from '../../../src/pose/open';
import type { SiblingFile, SiblingListing } from '../../../src/pose/types';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { ensureIblSessionNwb } from '../../fixtures/nwbgen/ibl';
import {
  cameraTimestamp,
  defaultVideoDir,
  ensureGeneratedVideos,
  IBL_PATHS,
  KEYPOINT_EDGES,
  KEYPOINTS,
} from '../../fixtures/videogen';
import { keypointAt } from '../../fixtures/videogen/scene';
import { WORKER } from '../nwb/helpers';
import { ffprobeFrames, VIDEO_FIXTURES } from './helpers';

const LEFT = { frames: 108_000, fps: 60, width: 160, height: 128 };
const RIGHT = { frames: 3000, fps: 150, width: 200, height: 160 };

const open = (path: string): Promise<Hdf5File> =>
  openHdf5({ kind: 'local', path }, { workerPath: WORKER, deadlineMs: 60_000 });

/** The video as the raw NWB file names it (relative to the file's folder). */
const fromRaw = (video: string) => posix.relative(posix.dirname(IBL_PATHS.raw), video);

describe('pose: an IBL-shaped session and a Dandiset listing', function () {
  this.timeout(300_000);
  let files: Awaited<ReturnType<typeof ensureIblSessionNwb>>;
  before(async () => {
    files = await ensureIblSessionNwb(defaultVideoDir());
  });

  it('left camera: the raw file names the video, the processed pose sits on the dots at frame 100000', async () => {
    const raw = await open(files.raw);
    const facts = await inspectPoseFile(raw);
    assert.deepEqual(facts.externalFiles, [fromRaw(IBL_PATHS.leftVideo), fromRaw(IBL_PATHS.rightVideo)]);
    const clock = await readCameraClock(raw, fromRaw(IBL_PATHS.leftVideo));
    await raw.close();
    assert.equal(clock?.timestamps?.length, LEFT.frames);
    assert.equal(clock?.timestamps?.[100_000], cameraTimestamp('left', 100_000));

    const pose = await openPose(await open(files.processed), {
      video: LEFT,
      videoName: posix.basename(IBL_PATHS.leftVideo),
      camera: clock,
    });
    try {
      assert.deepEqual(pose.skeleton, { nodes: [...KEYPOINTS], edges: KEYPOINT_EDGES.map(e => [...e]) });
      assert.deepEqual(pose.dimensions, { width: LEFT.width, height: LEFT.height });
      assert.deepEqual(pose.warnings, []);
      for (const frame of [0, 99_999, 100_000, 107_999]) {
        const [got] = await pose.framesBetween(frame, frame);
        KEYPOINTS.forEach((_, k) => {
          const want = keypointAt(k, frame, LEFT.width, LEFT.height);
          assert.equal(got.instances[0].x[k], Math.fround(want.x), `x of ${KEYPOINTS[k]} on frame ${frame}`);
          assert.equal(got.instances[0].y[k], Math.fround(want.y), `y of ${KEYPOINTS[k]} on frame ${frame}`);
        });
      }
    } finally {
      await pose.close();
    }
  });

  it('without the camera timestamps, the drifting per-frame pose is still drawn on its own frame, with a warning', async () => {
    const pose = await openPose(await open(files.processed), { video: LEFT });
    try {
      assert.ok(
        pose.warnings.some(w => /one sample per video frame/.test(w)),
        pose.warnings.join('\n'),
      );
      const [got] = await pose.framesBetween(100_000, 100_000);
      assert.equal(got.instances[0].x[0], Math.fround(keypointAt(0, 100_000, LEFT.width, LEFT.height).x));
    } finally {
      await pose.close();
    }
  });

  it('right camera: ndx-pose 0.1 (float32) on the 150 Hz camera clock', async () => {
    const raw = await open(files.raw);
    const clock = await readCameraClock(raw, posix.basename(IBL_PATHS.rightVideo));
    await raw.close();
    const pose = await openPose(await open(files.legacyPose), { video: RIGHT, camera: clock });
    try {
      for (const frame of [0, 1500, 2999]) {
        const [got] = await pose.framesBetween(frame, frame);
        const want = keypointAt(2, frame, RIGHT.width, RIGHT.height);
        assert.equal(got.instances[0].x[2], Math.fround(want.x));
        assert.equal(got.instances[0].y[2], Math.fround(want.y));
      }
    } finally {
      await pose.close();
    }
  });

  describe('the video Dandisets (990008 ibl, 990009 videoCorpus) through the DANDI client', () => {
    let archive: StandInArchive;
    let listing: SiblingListing;
    let client: DandiClient;
    before(async () => {
      // 990008 serves the generated session's videos (cached by recipe; npm test generates them first).
      await ensureGeneratedVideos();
      archive = await startArchive();
      client = new DandiClient({
        instance: { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl },
      });
      listing = dandisetListing(client, archive.ids.videoCorpus, 'draft');
    });
    after(() => archive.close());

    const fileAt = async (path: string, where = listing): Promise<SiblingFile> => {
      const file = (await where.list(posix.dirname(path))).files.find(f => f.path === path);
      if (!file) throw new Error(`${path} is not an asset`);
      return file;
    };

    it("IBL (990008): the session's videos and pose files across its folders, read remotely", async () => {
      const ibl = dandisetListing(client, archive.ids.ibl, 'draft');
      const processed = await fileAt(IBL_PATHS.processed, ibl);
      const byCamera = await findVideosForPose({ file: processed, cameras: ['LeftCamera'] }, ibl);
      assert.deepEqual(
        byCamera.map(c => `${c.file.path} ${c.reason}`),
        [`${IBL_PATHS.leftVideo} ibl-session`],
      );
      const video = await fileAt(IBL_PATHS.leftVideo, ibl);
      const byName = await findPoseForVideo({ file: video }, ibl);
      assert.deepEqual(
        byName.map(c => `${c.file.path} ${c.reason} ${c.posePath}`),
        [`${IBL_PATHS.processed} ibl-session /processing/pose_estimation/LeftCamera`],
      );
      // Reading the session's NWB files over HTTP: the raw file names the video, the processed one has its pose.
      const inspect = async (file: SiblingFile) => {
        const h5 = await openHdf5(assetSourceSpec(parseAssetUri(file.uri), undefined), {
          workerPath: WORKER,
        });
        try {
          return await inspectPoseFile(h5);
        } finally {
          await h5.close();
        }
      };
      const byContent = await findPoseForVideo({ file: video, frames: LEFT.frames }, ibl, { inspect });
      assert.deepEqual(
        byContent.map(c => `${c.file.path} ${c.reason}`),
        [`${IBL_PATHS.raw} external-file`, `${IBL_PATHS.processed} original-video`],
      );
    });

    it('pairs SLEAP files with their videos by name, as assets with dandi-asset URIs', async () => {
      const slp = await fileAt('sleap-clip/sleap__clip.predictions.slp');
      const found = await findVideosForPose({ file: slp }, listing);
      assert.deepEqual(
        found.map(c => `${c.file.path} ${c.reason}`),
        ['sleap-clip/sleap__clip.mp4 same-stem'],
      );
      assert.match(
        found[0].file.uri,
        /^dandi-asset:\/\/.*\/990009\/draft\/sleap-clip\/sleap__clip\.mp4\?asset=/,
      );
      const back = await findPoseForVideo({ file: found[0].file }, listing);
      assert.deepEqual(
        back.map(c => c.file.path),
        ['sleap-clip/sleap__clip.predictions.slp'],
      );
    });

    it('pairs the DeepLabCut NWB file with its video by frame count', async () => {
      const nwb = await fileAt('dlc-openfield/dlc2nwb__m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb');
      // The assets are the fixture files: count a listed video's frames in its local copy.
      const videoFrames = async (file: SiblingFile) =>
        ffprobeFrames(join(VIDEO_FIXTURES, posix.basename(file.path)));
      const found = await findVideosForPose(
        { file: nwb, originalVideos: ['fake_path'], frameCount: 2330 },
        listing,
        { videoFrames },
      );
      assert.deepEqual(
        found.map(c => `${c.file.path} ${c.reason}`),
        ['dlc-openfield/dlc__m3v1mp4.mp4 frame-count'],
      );
    });
  });
});
