// The generated videos have what their recipes promise (ffprobe as the oracle), and every frame
// carries its own number and the keypoint dots where the pose truth says.
import * as assert from 'node:assert/strict';
import { ensureGeneratedVideos, type GeneratedVideo, readFrameBarcode } from '../../fixtures/videogen/index';
import { decodeFrame, keyframePackets, probeVideo, topLevelBoxes } from '../../fixtures/videogen/oracle';

/** Luma of the pixel nearest (x, y). */
const lumaAt = (frame: Buffer, width: number, x: number, y: number): number =>
  frame[Math.round(y) * width + Math.round(x)] as number;

describe('generated videos (test/fixtures/videogen)', function () {
  // A cold cache encodes the 30-minute video (about 75 s here); `npm test` makes it beforehand.
  this.timeout(600_000);
  let videos: GeneratedVideo[];
  const video = (name: GeneratedVideo['name']): GeneratedVideo => {
    const v = videos.find(x => x.name === name);
    if (!v) throw new Error(`no generated video ${name}`);
    return v;
  };

  before(async () => {
    videos = await ensureGeneratedVideos();
  });

  it('makes the IBL-like left camera 30 minutes at 60 Hz, and the variants the tests need', () => {
    assert.deepEqual(
      videos.map(v => v.name),
      ['leftCamera', 'rightCamera', 'faststart', 'fragmented', 'gop30', 'vp9'],
    );
    const left = video('leftCamera');
    assert.ok(left.frames >= 108_000 && left.fps === 60, 'at least 30 min at 60 Hz');
    assert.match(
      left.path,
      /sub-KS000_ses-[0-9a-f-]{36}_ecephys\+image\/sub-KS000_ses-[0-9a-f-]{36}_VideoLeftCamera\.mp4$/,
    );
    assert.equal(video('rightCamera').fps, 150);
  });

  it('encodes what each recipe says (ffprobe: codec, profile, B-frames, size, rate, frame count)', () => {
    for (const v of videos) {
      const s = probeVideo(v.path);
      const what = `${v.name}: ${JSON.stringify(s)}`;
      assert.equal(s.codec_name, v.codec, what);
      assert.equal(s.width, v.width, what);
      assert.equal(s.height, v.height, what);
      assert.equal(s.r_frame_rate, `${v.fps}/1`, what);
      assert.equal(Number(s.nb_read_packets), v.frames, what);
      if (v.codec === 'h264') {
        assert.equal(s.profile, 'High', what);
        assert.ok((s.has_b_frames ?? 0) > 0, `${what}: B-frames`);
      }
    }
  });

  it('puts moov at the end (IBL), first (+faststart), or fragments the file', () => {
    const order = (v: GeneratedVideo): string[] =>
      topLevelBoxes(v.path)
        .map(b => b.type)
        .filter(t => ['moov', 'mdat', 'moof'].includes(t));
    for (const name of ['leftCamera', 'rightCamera', 'gop30'] as const) {
      const boxes = order(video(name));
      assert.ok(boxes.indexOf('mdat') < boxes.indexOf('moov'), `${name}: ${boxes.join(' ')}`);
      assert.equal(video(name).moovAtEnd, true);
    }
    const fast = order(video('faststart'));
    assert.deepEqual(fast, ['moov', 'mdat']);
    const fragmented = order(video('fragmented'));
    assert.equal(fragmented[0], 'moov');
    assert.ok(fragmented.filter(t => t === 'moof').length >= 3, fragmented.join(' '));
  });

  it('spaces keyframes as x264 was told: at most 250 frames by default, 30 with -g 30', () => {
    for (const name of ['leftCamera', 'gop30'] as const) {
      const v = video(name);
      const keys = keyframePackets(v.path);
      assert.equal(keys[0], 0);
      const gaps = keys.slice(1).map((k, i) => k - (keys[i] as number));
      assert.ok(
        Math.max(...gaps, v.frames - (keys.at(-1) as number)) <= v.keyint,
        `${name}: ${gaps.join(',')}`,
      );
      assert.ok(keys.length >= Math.floor(v.frames / v.keyint), `${name}: ${keys.length} keyframes`);
    }
  });

  it('reads the frame number back from frames the ffmpeg CLI decodes, with the dots where the pose truth says', () => {
    const cases: [GeneratedVideo['name'], number[]][] = [
      ['leftCamera', [0, 1, 59, 100_000, 107_999]],
      ['rightCamera', [0, 1, 149, 2999]],
      ['gop30', [45, 599]],
      ['fragmented', [1, 333]],
      ['faststart', [250]],
      ['vp9', [0, 119]],
    ];
    for (const [name, frames] of cases) {
      const v = video(name);
      for (const n of frames) {
        const luma = decodeFrame(v.path, n, v.fps);
        assert.equal(readFrameBarcode(luma, v.width, v.height), n, `${name} frame ${n}`);
        v.keypoints.forEach((kp, k) => {
          const { x, y } = v.keypointAt(k, n);
          assert.ok(lumaAt(luma, v.width, x, y) > 180, `${name} frame ${n}: ${kp} dot at (${x}, ${y})`);
        });
      }
    }
  });

  it('reads RGBA and scaled frames too, and says null for a frame without a barcode', () => {
    const v = video('leftCamera');
    const scale = { width: v.width * 2, height: v.height * 2 };
    const rgba = decodeFrame(v.path, 100_000, v.fps, { pixFmt: 'rgba', scale });
    assert.equal(readFrameBarcode(rgba, scale.width, scale.height), 100_000);
    const rgbaSmall = new Uint8ClampedArray(decodeFrame(v.path, 77, v.fps, { pixFmt: 'rgba' }));
    assert.equal(readFrameBarcode(rgbaSmall, v.width, v.height), 77);
    assert.equal(readFrameBarcode(new Uint8Array(v.width * v.height), v.width, v.height), null);
    // Another video's frame (a real SLEAP clip would do; a flipped frame is simpler): not a barcode.
    const flipped = decodeFrame(v.path, 5, v.fps).reverse();
    assert.equal(readFrameBarcode(flipped, v.width, v.height), null);
    assert.throws(() => readFrameBarcode(new Uint8Array(10), v.width, v.height), /neither luma/);
    assert.throws(() => readFrameBarcode(new Uint8Array(10), 0, 10), /bad frame size/);
  });
});
