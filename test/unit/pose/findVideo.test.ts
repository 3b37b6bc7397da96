/**
 * Pairing pose files and videos over real listings: the video fixtures folder (SLEAP's same-stem
 * names, frame counts from ffprobe), and folders laid out like IBL's sessions, DeepLabCut's
 * output and ndx-pose's `original_videos`, built in a temp dir from the real files.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openHdf5 } from '../../../src/hdf5/engine';
import { findPoseForVideo, findVideosForPose } from '../../../src/pose/findVideo';
import { localListing } from '../../../src/pose/listing';
import { inspectPoseFile } from '../../../src/pose/open';
import type { SiblingFile, SiblingListing } from '../../../src/pose/types';
import { fixture, WORKER } from '../nwb/helpers';
import { ffprobeFrames, VIDEO_FIXTURES } from './helpers';

async function fileIn(listing: SiblingListing, path: string): Promise<SiblingFile> {
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const file = (await listing.list(folder)).files.find(f => f.path === path);
  if (!file) throw new Error(`${path} is not in the listing`);
  return file;
}

async function inspect(path: string) {
  const h5 = await openHdf5({ kind: 'local', path }, { workerPath: WORKER, deadlineMs: 30_000 });
  try {
    return await inspectPoseFile(h5);
  } finally {
    await h5.close();
  }
}

/** A folder tree: path → a real file to link, or '' for an empty placeholder. */
function layout(files: Record<string, string>): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'pose-layout-'));
  for (const [path, source] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (source) symlinkSync(source, full);
    else writeFileSync(full, '');
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

const summary = (list: Array<{ file: SiblingFile; reason: string; posePath?: string }>) =>
  list.map(c => `${c.file.path} ${c.reason}${c.posePath ? ` ${c.posePath}` : ''}`);

describe('pose: finding the video for a pose file and the pose files for a video', function () {
  this.timeout(120_000);
  const fixtures = localListing(VIDEO_FIXTURES);
  const videoFrames = async (file: SiblingFile) => ffprobeFrames(join(VIDEO_FIXTURES, file.path));

  it('SLEAP: <video>.predictions.slp and <video>.labels.slp pair by name', async () => {
    for (const [slp, video] of [
      ['sleap__clip.predictions.slp', 'sleap__clip.mp4'],
      ['sleap__dance.mp4.labels.slp', 'sleap__dance.mp4'],
      ['sleapiojs__demo-flies13-preds.slp', 'sleapiojs__demo-flies13-preds.mp4'],
    ]) {
      const facts = await inspect(join(VIDEO_FIXTURES, slp));
      const found = await findVideosForPose({ file: await fileIn(fixtures, slp), ...facts }, fixtures, {
        videoFrames,
      });
      assert.deepEqual(summary(found), [`${video} same-stem`], slp);
      const back = await findPoseForVideo({ file: await fileIn(fixtures, video) }, fixtures);
      assert.deepEqual(summary(back), [`${slp} same-stem`], video);
    }
  });

  it('SLEAP: a file naming its video by another path pairs by frame count (ffprobe)', async () => {
    const slp = 'sleap__centered_pair_predictions.slp';
    const facts = await inspect(join(VIDEO_FIXTURES, slp));
    assert.equal(facts.frameCount, 1100);
    const found = await findVideosForPose({ file: await fileIn(fixtures, slp), ...facts }, fixtures, {
      videoFrames,
    });
    // Both encodes of the same 1100 frames; nothing else in the folder has 1100 frames.
    assert.deepEqual(summary(found), [
      'sleap__centered_pair_low_quality.mp4 frame-count',
      'sleap__centered_pair_small.mp4 frame-count',
    ]);
    const back = await findPoseForVideo(
      { file: await fileIn(fixtures, 'sleap__centered_pair_small.mp4'), frames: 1100 },
      fixtures,
      {
        inspect: file => inspect(join(VIDEO_FIXTURES, file.path)),
      },
    );
    assert.deepEqual(summary(back), [`${slp} frame-count`]);
  });

  it('DeepLabCut: the NWB named <video>DLC_... pairs with the video; frame count when renamed', async () => {
    const dlcNwb = fixture('dlc2nwb__m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb');
    const dlcVideo = join(VIDEO_FIXTURES, 'dlc__m3v1mp4.mp4');
    const dir = layout({
      'm3v1mp4.mp4': dlcVideo,
      'm3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb': dlcNwb,
      'other.mp4': join(VIDEO_FIXTURES, 'sleap__clip.mp4'),
      'renamed/arena.mp4': dlcVideo,
      'renamed/pose.nwb': dlcNwb,
      'renamed/other.mp4': join(VIDEO_FIXTURES, 'sleap__clip.mp4'),
    });
    try {
      const listing = localListing(dir.root);
      const facts = await inspect(dlcNwb);
      assert.deepEqual(facts.originalVideos, ['fake_path']);
      assert.equal(facts.frameCount, 2330);
      const byName = await findVideosForPose(
        { file: await fileIn(listing, 'm3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb'), ...facts },
        listing,
      );
      assert.deepEqual(summary(byName), ['m3v1mp4.mp4 same-stem']);
      const frames = async (file: SiblingFile) => ffprobeFrames(join(dir.root, file.path));
      const byCount = await findVideosForPose(
        { file: await fileIn(listing, 'renamed/pose.nwb'), ...facts },
        listing,
        {
          videoFrames: frames,
        },
      );
      assert.deepEqual(summary(byCount), ['renamed/arena.mp4 frame-count']);
    } finally {
      dir.remove();
    }
  });

  it('ndx-pose original_videos: resolved relative to the NWB file, else by file name', async () => {
    const poseNwb = fixture('ndxpose__test_pose.nwb');
    const dir = layout({
      'session/pose.nwb': poseNwb,
      'session/path/to/camera1.mp4': '',
      'flat/pose.nwb': poseNwb,
      'flat/camera1.mp4': '',
    });
    try {
      const listing = localListing(dir.root);
      const facts = await inspect(poseNwb);
      // PoseTraining's source video names the same file through external_file.
      assert.deepEqual(facts.externalFiles, ['path/to/camera1.mp4']);
      const nested = await findVideosForPose(
        { file: await fileIn(listing, 'session/pose.nwb'), ...facts },
        listing,
      );
      assert.deepEqual(summary(nested), ['session/path/to/camera1.mp4 external-file']);
      assert.match(nested[0].detail, /path\/to\/camera1\.mp4/);
      const flat = await findVideosForPose(
        { file: await fileIn(listing, 'flat/pose.nwb'), originalVideos: facts.originalVideos },
        listing,
      );
      assert.deepEqual(summary(flat), ['flat/camera1.mp4 original-video']);
      assert.match(flat[0].detail, /matched by file name/);
    } finally {
      dir.remove();
    }
  });

  it("IBL: the session's camera videos in ..._ecephys+image/ and the processed behavior NWB", async () => {
    const dir = layout({
      'sub-A/sub-A_ses-1_desc-processed_behavior+ecephys.nwb': '',
      'sub-A/sub-A_ses-1_ecephys+image/sub-A_ses-1_VideoLeftCamera.mp4': '',
      'sub-A/sub-A_ses-1_ecephys+image/sub-A_ses-1_VideoRightCamera.mp4': '',
      'sub-A/sub-A_ses-1_ecephys+image/sub-A_ses-1_ecephys+image.nwb': '',
      'sub-A/sub-A_ses-2_ecephys+image/sub-A_ses-2_VideoLeftCamera.mp4': '',
      'sub-A/sub-A_ses-2_desc-processed_behavior+ecephys.nwb': '',
    });
    try {
      const listing = localListing(dir.root);
      const pose = await fileIn(listing, 'sub-A/sub-A_ses-1_desc-processed_behavior+ecephys.nwb');
      const left = await findVideosForPose({ file: pose, cameras: ['LeftCamera'] }, listing);
      assert.deepEqual(summary(left), [
        'sub-A/sub-A_ses-1_ecephys+image/sub-A_ses-1_VideoLeftCamera.mp4 ibl-session',
      ]);
      const both = await findVideosForPose({ file: pose, cameras: ['LeftCamera', 'RightCamera'] }, listing);
      assert.equal(both.length, 2);
      const video = await fileIn(listing, 'sub-A/sub-A_ses-1_ecephys+image/sub-A_ses-1_VideoRightCamera.mp4');
      const back = await findPoseForVideo({ file: video }, listing);
      assert.deepEqual(summary(back), [
        'sub-A/sub-A_ses-1_desc-processed_behavior+ecephys.nwb ibl-session /processing/pose_estimation/RightCamera',
      ]);
    } finally {
      dir.remove();
    }
  });

  it('ranks stronger evidence first and lists a file once', async () => {
    const dir = layout({ 'x/clip.mp4': '', 'x/clip.predictions.slp': '' });
    try {
      const listing = localListing(dir.root);
      const found = await findVideosForPose(
        { file: await fileIn(listing, 'x/clip.predictions.slp'), originalVideos: ['/lab/videos/clip.mp4'] },
        listing,
      );
      assert.deepEqual(summary(found), ['x/clip.mp4 original-video']);
      assert.deepEqual(
        await findVideosForPose(
          { file: await fileIn(listing, 'x/clip.predictions.slp') },
          localListing(join(dir.root, 'nowhere')),
        ),
        [],
      );
    } finally {
      dir.remove();
    }
  });
});
