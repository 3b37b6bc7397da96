// The bytes the video viewer sends its decoder, checked against ffprobe: for frames across every
// MP4 fixture, each sample is exactly the packet ffprobe lists at that decode position (offset,
// size, keyframe flag), the batch starts at a keyframe and contains the frame asked for.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { byteRuns, keyframePrelude, readSamples, samplesToDecode } from '../../../src/editor/videoSamples';
import { LocalSource } from '../../../src/hdf5/sources/local';
import { planFrame } from '../../../src/video/plan';
import { readVideoIndex } from '../../../src/video/readIndex';

const FIXTURES = process.env.DANDI_FIXTURES ?? join(__dirname, '../../../../../shared/fixtures');
const VIDEOS = join(FIXTURES, 'video');

interface Packet {
  pts: number;
  pos: number;
  size: number;
  key: boolean;
}

/** ffprobe's packets of the first video stream, decode order. */
function ffprobePackets(path: string): Packet[] {
  const csv = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'packet=pts,pos,size,flags',
      '-of',
      'json',
      path,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const parsed = JSON.parse(csv) as {
    packets: Array<{ pts: number; pos: string; size: string; flags: string }>;
  };
  return parsed.packets.map(p => ({
    pts: p.pts,
    pos: Number(p.pos),
    size: Number(p.size),
    key: p.flags.startsWith('K'),
  }));
}

const mp4s = readdirSync(VIDEOS).filter(name => name.endsWith('.mp4'));

describe('video viewer: samples sent to the decoder', () => {
  it('finds the MP4 fixtures', () => assert.ok(mp4s.length >= 8, `${mp4s.length} MP4 files in ${VIDEOS}`));

  for (const name of mp4s) {
    it(`${name}: samples match ffprobe's packets`, async () => {
      const path = join(VIDEOS, name);
      const file = readFileSync(path);
      const packets = ffprobePackets(path);
      // Presentation rank of each packet: frame N is the N-th smallest pts.
      const byPts = packets.map((p, i) => ({ pts: p.pts, i })).sort((a, b) => a.pts - b.pts);
      const frameOfPacket = new Map(byPts.map((p, rank) => [p.i, rank]));
      const source = new LocalSource(path);
      try {
        const index = await readVideoIndex(source);
        assert.equal(index.frames, packets.length);
        const keyframes = index.keyframeFrames;
        const last = index.frames - 1;
        const frames = new Set([
          0,
          1,
          Math.floor(last / 2),
          last,
          keyframes[keyframes.length - 1],
          Math.max(0, keyframes[keyframes.length - 1] - 1),
        ]);
        for (const frame of frames) {
          const list = samplesToDecode(index, planFrame, frame, Math.min(last, frame + 10));
          const result = await readSamples(source, index, frame, list);
          assert.equal(result.frame, frame);
          assert.ok(result.samples[0].key, `${name} frame ${frame}: the batch starts at a keyframe`);
          assert.ok(
            result.samples.some(s => s.frame === frame),
            `${name}: frame ${frame} is in its batch`,
          );
          assert.equal(result.config.codec, index.codec);
          list.forEach((sample, k) => {
            const packet = packets[sample];
            const sent = new Uint8Array(result.samples[k].data);
            assert.equal(sent.length, packet.size, `${name} sample ${sample} size`);
            assert.ok(
              Buffer.from(sent).equals(file.subarray(packet.pos, packet.pos + packet.size)),
              `${name} sample ${sample}: bytes at ffprobe's pos ${packet.pos}`,
            );
            assert.equal(result.samples[k].key, packet.key, `${name} sample ${sample} key flag`);
            assert.equal(
              result.samples[k].frame,
              frameOfPacket.get(sample),
              `${name} sample ${sample} frame`,
            );
          });
        }
      } finally {
        await source.close();
      }
    });
  }

  it('reads a GOP of a video-only file in one request, and through audio gaps in few', async () => {
    for (const [name, most] of [
      ['sleap__centered_pair_small.mp4', 1],
      ['sleap__dance.mp4', 2],
    ] as const) {
      const source = new LocalSource(join(VIDEOS, name));
      try {
        const index = await readVideoIndex(source);
        const before = source.requests;
        const frame = index.keyframeFrames[1] + 20;
        await readSamples(source, index, frame, samplesToDecode(index, planFrame, frame, undefined));
        assert.ok(source.requests - before <= most, `${name}: ${source.requests - before} requests`);
      } finally {
        await source.close();
      }
    }
  });

  it('widens to later frames of the same GOP only', async () => {
    const source = new LocalSource(join(VIDEOS, 'sleap__centered_pair_small.mp4'));
    try {
      const index = await readVideoIndex(source);
      const key = index.keyframeFrames[1];
      const alone = samplesToDecode(index, planFrame, key + 3, undefined);
      const widened = samplesToDecode(index, planFrame, key + 3, key + 40);
      assert.equal(widened[0], alone[0]);
      assert.ok(widened.length > alone.length);
      // Past the next keyframe: the next GOP is its own request, so no widening.
      const across = samplesToDecode(index, planFrame, key - 2, key + 5);
      assert.deepEqual(across, samplesToDecode(index, planFrame, key - 2, undefined));
      assert.throws(() => samplesToDecode(index, planFrame, index.frames, undefined), /outside/);
      assert.throws(() => samplesToDecode(index, planFrame, 1.5, undefined), /outside/);
    } finally {
      await source.close();
    }
  });

  it('coalesces byte runs across small gaps and splits large ones', () => {
    const index = {
      offsets: Float64Array.from([0, 100, 300_000, 300_050]),
      sizes: Uint32Array.from([100, 50, 50, 10]),
    } as unknown as Parameters<typeof byteRuns>[0];
    assert.deepEqual(byteRuns(index, [0, 1, 2, 3]), [
      { start: 0, end: 150, samples: [0, 1] },
      { start: 300_000, end: 300_060, samples: [2, 3] },
    ]);
  });

  it("carries x264's version SEI to later keyframes of a 4:4:4 stream, and only there", async () => {
    const dlc = new LocalSource(join(VIDEOS, 'dlc__m3v1mp4.mp4'));
    const other = new LocalSource(join(VIDEOS, 'sleap__clip.mp4'));
    try {
      const index = await readVideoIndex(dlc);
      const sei = keyframePrelude(index);
      assert.ok(sei, 'the DLC video (x264 r2643, High 4:4:4) has a version SEI');
      assert.equal(sei[4] & 0x1f, 6, 'an SEI NAL unit, 4-byte length prefix');
      assert.match(Buffer.from(sei).toString('latin1'), /x264 - core 148/);
      const later = index.keyframeFrames[3];
      const batch = await readSamples(
        dlc,
        index,
        later,
        samplesToDecode(index, planFrame, later, undefined),
        undefined,
        sei,
      );
      assert.deepEqual(new Uint8Array(batch.keyPrefix ?? new ArrayBuffer(0)), sei);
      const fromStart = await readSamples(dlc, index, 0, [0], undefined, sei);
      assert.equal(fromStart.keyPrefix, undefined, 'the first sample has it already');
      assert.equal(keyframePrelude(await readVideoIndex(other)), undefined, 'not 4:4:4');
    } finally {
      await dlc.close();
      await other.close();
    }
  });

  it('refuses an index no decoder can use, naming why', async () => {
    const source = new LocalSource(join(VIDEOS, 'dlclive__dog_clip.avi'));
    try {
      const index = await readVideoIndex(source);
      await assert.rejects(readSamples(source, index, 0, [0]), /MPEG-4|DIVX|decod|codec/i);
    } finally {
      await source.close();
    }
  });
});
