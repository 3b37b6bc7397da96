// Frame plans decode to the right frame: the planned byte ranges are cut out of the file, their
// samples turned into an H.264 Annex-B stream (SPS/PPS from avcC), decoded by the ffmpeg CLI, and
// the picture presented for frame N compared with frame N that ffmpeg decodes from the whole file.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSource } from '../../../src/hdf5/sources/local';
import { planFrame } from '../../../src/video/plan';
import { readVideoIndex } from '../../../src/video/readIndex';
import type { FramePlan, VideoIndex } from '../../../src/video/types';
import { decodeAnnexB, decodeFrame, ensureFfmpeg, FIXTURES, variants } from './ffmpeg';

const START = Buffer.from([0, 0, 0, 1]);

async function indexOf(path: string): Promise<VideoIndex> {
  const source = new LocalSource(path);
  try {
    return await readVideoIndex(source);
  } finally {
    await source.close();
  }
}

/** SPS and PPS NAL units and the NAL length size from an avcC record. */
function parameterSets(avcC: Uint8Array): { lengthSize: number; units: Buffer[] } {
  const b = Buffer.from(avcC);
  const lengthSize = (b[4] & 3) + 1;
  const units: Buffer[] = [];
  let at = 5;
  for (const countMask of [0x1f, 0xff]) {
    const count = b[at++] & countMask;
    for (let i = 0; i < count; i++) {
      const length = b.readUInt16BE(at);
      units.push(b.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
  }
  return { lengthSize, units };
}

function nalUnits(sample: Buffer, lengthSize: number): Buffer[] {
  const units: Buffer[] = [];
  for (let at = 0; at < sample.length;) {
    let length = 0;
    for (let k = 0; k < lengthSize; k++) length = length * 256 + sample[at + k];
    units.push(sample.subarray(at + lengthSize, at + lengthSize + length));
    at += lengthSize + length;
  }
  return units;
}

/**
 * The plan's samples from only the planned ranges, as Annex B, after the SPS/PPS and, for a
 * keyframe that is not sample 0, the index's seiPrelude (the first sample's SEI: without x264's
 * version in it, dlc's x264 core 148 4:4:4 file mis-decodes from its second keyframe on), which is
 * what the viewer sends a decoder.
 */
function annexB(index: VideoIndex, plan: FramePlan, file: Buffer): Buffer {
  const pieces = plan.ranges.map(r => ({ ...r, bytes: file.subarray(r.start, r.end) }));
  const { lengthSize, units } = parameterSets(index.description!);
  const prelude = index.seiPrelude && plan.samples[0] !== 0 ? Buffer.from(index.seiPrelude) : undefined;
  const sei = prelude ? nalUnits(prelude, lengthSize) : [];
  const out: Buffer[] = [...units, ...sei].flatMap(u => [START, u]);
  for (const s of plan.samples) {
    const start = index.offsets[s];
    const end = start + index.sizes[s];
    const piece = pieces.find(p => p.start <= start && end <= p.end);
    assert.ok(piece, `sample ${s} lies in a planned range`);
    const sample = piece.bytes.subarray(start - piece.start, end - piece.start);
    for (const unit of nalUnits(sample, lengthSize)) out.push(START, unit);
  }
  return Buffer.concat(out);
}

function checkFrame(path: string, index: VideoIndex, frame: number, dir: string): FramePlan {
  const plan = planFrame(index, frame);
  const target = plan.samples[plan.target];
  assert.equal(target, index.frameToSample[frame]);
  assert.equal(index.keyframe[plan.samples[0]], 1, 'the plan starts at a keyframe');
  for (let i = 1; i < plan.samples.length; i++) assert.equal(plan.samples[i], plan.samples[i - 1] + 1);
  const stream = join(dir, `frame-${frame}.h264`);
  writeFileSync(stream, annexB(index, plan, readFileSync(path)));
  const pixels = index.width * index.height;
  const decoded = decodeAnnexB(stream);
  assert.equal(decoded.length, plan.samples.length * pixels, 'every planned sample decodes to a picture');
  // The decoder outputs the planned pictures in presentation order; frame N is the one after
  // every planned picture that presents before it.
  const time = index.presentationSeconds[target];
  const rank = plan.samples.filter(s => index.presentationSeconds[s] < time).length;
  const picture = decoded.subarray(rank * pixels, (rank + 1) * pixels);
  assert.ok(
    picture.equals(decodeFrame(path, frame)),
    `frame ${frame} decoded from the plan is frame ${frame}`,
  );
  return plan;
}

describe('frame plans decode to frame N', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    ensureFfmpeg();
    dir = mkdtempSync(join(tmpdir(), 'vplan-'));
  });

  it('High profile with B-frames, moov at the end: around a keyframe and at the end', async () => {
    const path = variants().get('high-bframes-moov-end.mp4')!;
    const index = await indexOf(path);
    const second = index.keyframeFrames[1];
    for (const frame of [0, 1, 2, 3, 4, 37, second - 1, second, second + 1, second + 2, index.frames - 1]) {
      const plan = checkFrame(path, index, frame, dir);
      assert.equal(plan.ranges.length, 1, 'a video-only file needs one range');
    }
  });

  it('a single-GOP clip decodes from frame 0', async () => {
    const path = variants().get('single-gop.mp4')!;
    const index = await indexOf(path);
    assert.deepEqual(index.keyframeFrames, [0]);
    const plan = checkFrame(path, index, 300, dir);
    assert.equal(plan.samples[0], 0);
  });

  it('real B-frame fixtures (High, High 4:4:4 with an edit list, Main)', async () => {
    for (const [name, frames] of [
      ['sleap__clip.mp4', [249, 250, 251, 1001, 1499]],
      ['dlc__m3v1mp4.mp4', [1, 183, 2329]],
      ['sleap__centered_pair_small.mp4', [2, 700]],
    ] as const) {
      const path = join(FIXTURES, name);
      const index = await indexOf(path);
      assert.ok(index.seiPrelude && (index.seiPrelude[4] & 0x1f) === 6, `${name}: x264's SEI kept`);
      for (const frame of frames) checkFrame(path, index, frame, dir);
    }
  });

  it('the single-GOP fixture with interleaved audio: one range across the audio, several without coalescing', async () => {
    const path = join(FIXTURES, 'sleap__small_robot.mp4');
    const index = await indexOf(path);
    const plan = checkFrame(path, index, 165, dir);
    assert.equal(plan.samples.length, 166);
    assert.equal(plan.ranges.length, 1);
    assert.ok(planFrame(index, 165, 0).ranges.length > 1, 'audio chunks split the video into several ranges');
  });

  it('an audio + video mux made with ffmpeg', async () => {
    const path = variants().get('audio-video.mp4')!;
    const index = await indexOf(path);
    checkFrame(path, index, 200, dir);
  });

  it('refuses frames outside the video', async () => {
    const index = await indexOf(variants().get('gop30.mp4')!);
    assert.throws(() => planFrame(index, index.frames), RangeError);
    assert.throws(() => planFrame(index, -1), RangeError);
    assert.throws(() => planFrame(index, 1.5), RangeError);
  });
});
