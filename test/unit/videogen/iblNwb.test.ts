// The IBL-shaped session's NWB files, read with the project's own NWB reader: the raw file names
// the camera videos (external_file, relative to itself) with per-frame camera timestamps, and the
// pose files put every keypoint exactly where the video draws its dot.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  cameraTimestamp,
  defaultVideoDir,
  ensureGeneratedVideos,
  type GeneratedVideo,
  IBL_PATHS,
  IBL_ROOT,
  KEYPOINT_EDGES,
  KEYPOINTS,
  keypointConfidence,
} from '../../fixtures/videogen/index';
import { decodeFrame } from '../../fixtures/videogen/oracle';
import { openNwb } from '../nwb/helpers';

type OpenNwb = Awaited<ReturnType<typeof openNwb>>;

describe('the IBL-shaped session NWB files (test/fixtures/nwbgen/ibl.ts)', function () {
  this.timeout(600_000);
  let videos: GeneratedVideo[];
  const opened: OpenNwb[] = [];
  const file = (key: keyof typeof IBL_PATHS): string => join(defaultVideoDir(), IBL_ROOT, IBL_PATHS[key]);
  const open = async (key: keyof typeof IBL_PATHS): Promise<OpenNwb> => {
    const nwb = await openNwb(file(key));
    opened.push(nwb);
    return nwb;
  };
  const camera = (name: 'leftCamera' | 'rightCamera'): GeneratedVideo => {
    const v = videos.find(x => x.name === name);
    if (!v) throw new Error(`no ${name}`);
    return v;
  };

  before(async () => {
    videos = await ensureGeneratedVideos();
  });
  after(async () => {
    for (const nwb of opened) await nwb.close();
  });

  it('names each camera video in acquisition: ImageSeries, external_file beside the NWB file, camera timestamps', async () => {
    const nwb = await open('raw');
    for (const [cam, name] of [
      ['left', 'leftCamera'],
      ['right', 'rightCamera'],
    ] as const) {
      const path = `/acquisition/OriginalVideo${cam === 'left' ? 'LeftCamera' : 'RightCamera'}`;
      const video = camera(name);
      assert.equal(await nwb.typeOf(path), 'ImageSeries');
      assert.ok(await nwb.isA(path, 'TimeSeries'));
      const [external] = await nwb.reader.readValues(`${path}/external_file`);
      assert.match(
        String(external),
        /^sub-KS000_ses-[0-9a-f-]{36}_ecephys\+image\/.*Video(Left|Right)Camera\.mp4$/,
      );
      assert.equal(join(dirname(file('raw')), String(external)), video.path);
      assert.ok(existsSync(video.path));
      // One element per external file (the reader gives a one-element array as its value).
      const startingFrame = await nwb.reader.attr(`${path}/external_file`, 'starting_frame');
      assert.deepEqual([startingFrame].flat(), [0]);
      assert.equal(await nwb.reader.scalar(`${path}/format`), 'external');
      const times = await nwb.reader.readNumbers(`${path}/timestamps`);
      assert.equal(times.length, video.frames);
      assert.equal(times[0], cameraTimestamp(cam, 0));
      assert.ok(Math.abs((times[0] as number) - (cam === 'left' ? 12.345 : 12.3512)) < 1e-9);
      const last = video.frames - 1;
      assert.equal(times[last], cameraTimestamp(cam, last));
      // The camera clock drifts: the last frame is not at the nominal rate's time.
      assert.ok((times[last] as number) - (times[0] as number) > last / video.fps);
    }
  });

  it('holds ndx-pose 0.2 pose for the left camera: a Skeleton, one series per keypoint, the camera timestamps', async () => {
    const nwb = await open('processed');
    const pose = '/processing/pose_estimation/LeftCamera';
    assert.equal(await nwb.typeOf(pose), 'PoseEstimation');
    assert.ok(await nwb.reader.exists('/specifications/ndx-pose/0.2.0/ndx-pose.extensions'));
    assert.deepEqual(await nwb.reader.readValues(`${pose}/skeleton/nodes`), [...KEYPOINTS]);
    assert.deepEqual(
      Array.from(await nwb.reader.readNumbers(`${pose}/skeleton/edges`)),
      KEYPOINT_EDGES.flat(),
    );
    assert.equal(await nwb.typeOf(`${pose}/skeleton`), 'Skeleton');
    const [original] = await nwb.reader.readValues(`${pose}/original_videos`);
    assert.equal(join(dirname(file('processed')), String(original)), camera('leftCamera').path);
    await checkPose(nwb, pose, camera('leftCamera'), 'left', 0);
  });

  it('holds the right camera the ndx-pose 0.1 way (nodes and edges on PoseEstimation)', async () => {
    const nwb = await open('legacyPose');
    const pose = '/processing/behavior/RightCamera';
    assert.equal(await nwb.typeOf(pose), 'PoseEstimation');
    assert.ok(await nwb.reader.exists('/specifications/ndx-pose/0.1.1/ndx-pose.extensions'));
    assert.deepEqual(await nwb.reader.readValues(`${pose}/nodes`), [...KEYPOINTS]);
    assert.deepEqual(Array.from(await nwb.reader.readNumbers(`${pose}/edges`)), KEYPOINT_EDGES.flat());
    // float32 storage: within its rounding of the truth.
    await checkPose(nwb, pose, camera('rightCamera'), 'right', 1e-4);
  });

  async function checkPose(
    nwb: OpenNwb,
    pose: string,
    video: GeneratedVideo,
    cam: 'left' | 'right',
    tolerance: number,
  ): Promise<void> {
    const n = cam === 'left' ? 100_000 : 2_000;
    const frame = decodeFrame(video.path, n, video.fps);
    for (const [k, name] of KEYPOINTS.entries()) {
      const series = `${pose}/${name}`;
      assert.equal(await nwb.typeOf(series), 'PoseEstimationSeries');
      const xy = await nwb.reader.readNumbers(`${series}/data`, { start: [n, 0], count: [1, 2] });
      const truth = video.keypointAt(k, n);
      assert.ok(Math.abs((xy[0] as number) - truth.x) <= tolerance * truth.x, `${name} x`);
      assert.ok(Math.abs((xy[1] as number) - truth.y) <= tolerance * truth.y, `${name} y`);
      // The keypoint sits on the video's dot.
      const luma = frame[Math.round(xy[1] as number) * video.width + Math.round(xy[0] as number)] as number;
      assert.ok(luma > 180, `${name} at frame ${n}: luma ${luma} under the keypoint`);
      const t = await nwb.reader.numberAt(`${series}/timestamps`, n);
      assert.equal(t, cameraTimestamp(cam, n));
      const confidence = await nwb.reader.readNumbers(`${series}/confidence`);
      assert.equal(confidence.length, video.frames);
      assert.equal(confidence[n], Math.fround(keypointConfidence(k, n)));
      if (name === 'tube_top') assert.ok((confidence[950] as number) < 0.5, 'tube_top is unsure for a while');
    }
  }
});
