// The index against ffprobe, for every real video in ../shared/fixtures/video, the variants the
// issue names (made here with ffmpeg), and the generated IBL-like videos when they exist.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { LocalSource } from '../../../src/hdf5/sources/local';
import { readVideoIndex } from '../../../src/video/readIndex';
import type { VideoIndex } from '../../../src/video/types';
import { videoSummary } from '../../../src/video/summary';
import {
  corpus,
  ensureFfmpeg,
  FIXTURES,
  findBox,
  probePackets,
  probeStream,
  ratio,
  variants,
} from './ffmpeg';

async function indexOf(path: string): Promise<VideoIndex> {
  const source = new LocalSource(path);
  try {
    return await readVideoIndex(source);
  } finally {
    await source.close();
  }
}

/** ffprobe calls WebCodecs' "avc1.PPCCLL" profiles by these names; the level is level_idc. */
function checkCodec(index: VideoIndex, path: string): void {
  const stream = probeStream(path);
  assert.equal(index.width, stream.width, 'width');
  assert.equal(index.height, stream.height, 'height');
  const expectedFps = ratio(stream.avg_frame_rate);
  assert.ok(
    Math.abs(index.fps - expectedFps) / expectedFps < 1e-3,
    `fps ${index.fps} vs ffprobe ${expectedFps}`,
  );
  if (stream.codec_name === 'h264') {
    assert.match(index.codec ?? '', /^avc[13]\.[0-9a-f]{6}$/);
    assert.equal(parseInt(index.codec!.slice(-2), 16), stream.level, 'level_idc');
    assert.ok(
      index.codecName.startsWith(`H.264 ${stream.profile} L`),
      `${index.codecName} vs ffprobe ${stream.profile}`,
    );
    assert.ok(index.description && index.description[0] === 1, 'avcC as the description');
  } else if (stream.codec_name === 'hevc') {
    const match = /^hvc1\.1\.6\.L(\d+)\.[0-9A-F]+$/.exec(index.codec ?? '');
    assert.ok(match, index.codec);
    assert.equal(Number(match[1]), stream.level, 'general_level_idc');
    assert.equal(index.codecName, `H.265/HEVC ${stream.profile} L${stream.level! / 30}`);
  } else if (stream.codec_name === 'av1') {
    assert.match(index.codec ?? '', /^av01\.0\.\d\dM\.08$/);
    assert.equal(index.codecName, `AV1 ${stream.profile}`);
  } else if (stream.codec_name === 'vp9') {
    assert.match(index.codec ?? '', /^vp09\.0\d\.\d\d\.08$/);
    assert.equal(index.codecName, stream.profile?.replace('Profile', 'VP9 Profile'));
  } else if (stream.codec_name === 'mpeg4') {
    assert.equal(index.codec, undefined);
    assert.match(index.codecName, /^MPEG-4 Part 2 \(/);
    assert.match(index.undecodable ?? '', /AVI/);
  }
}

function checkPackets(index: VideoIndex, path: string): void {
  const packets = probePackets(path);
  const timeBase = ratio(probeStream(path).time_base);
  // Frame 0 presents at 0 s: ffprobe agrees when an edit list says where presentation starts;
  // without one (ffmpeg's fragmented MP4) its times start at the first sample's composition offset.
  const firstPts = Math.min(...packets.map(p => p.pts));
  assert.equal(index.frames, packets.length, 'frame count');
  assert.equal(index.offsets.length, packets.length, 'samples');
  const matroska = index.container === 'webm' || index.container === 'mkv';
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i];
    assert.equal(index.sizes[i], p.size, `size of sample ${i}`);
    // ffprobe's pos is where the sample's bytes start; for Matroska, where its block element starts.
    if (matroska)
      assert.ok(index.offsets[i] > p.pos && index.offsets[i] - p.pos <= 16, `offset of sample ${i}`);
    else assert.equal(index.offsets[i], p.pos, `offset of sample ${i}`);
    assert.equal(index.keyframe[i], p.key ? 1 : 0, `keyframe flag of sample ${i}`);
    const pts = (p.pts - firstPts) * timeBase;
    assert.ok(
      Math.abs(index.presentationSeconds[i] - pts) < 1e-6 + timeBase / 2,
      `pts of sample ${i}: ${index.presentationSeconds[i]} vs ${pts}`,
    );
  }
  const order = packets.map((_, i) => i).sort((a, b) => packets[a].pts - packets[b].pts || a - b);
  assert.deepEqual(Array.from(index.frameToSample), order, 'frame → sample (pts order)');
  const keyframes = order.flatMap((sample, frame) => (packets[sample].key ? [frame] : []));
  assert.deepEqual(index.keyframeFrames, keyframes, 'keyframes in presentation order');
  if (index.container !== 'avi')
    assert.equal(index.presentationSeconds[index.frameToSample[0]], 0, 'frame 0 at 0 s');
}

describe('video index vs ffprobe', function () {
  this.timeout(300_000);
  before(() => ensureFfmpeg());

  for (const path of corpus()) {
    it(basename(path), async () => {
      const index = await indexOf(path);
      checkCodec(index, path);
      checkPackets(index, path);
    });
  }

  it('the fixtures whose moov is at the end say so, the faststart ones do not', async () => {
    const fixtures = corpus().filter(p => p.includes('/shared/fixtures/'));
    const atEnd = async (name: string) => (await indexOf(fixtures.find(p => p.endsWith(name))!)).moovAtEnd;
    assert.equal(await atEnd('dlc__m3v1mp4.mp4'), true);
    assert.equal(await atEnd('sleap__small_robot.mp4'), true);
    assert.equal(await atEnd('sleap__centered_pair_low_quality.mp4'), false);
    assert.equal(await atEnd('sleap__dance.mp4'), false);
  });

  it("inspect's summary of the DeepLabCut video (the MANIFEST's facts)", async () => {
    const summary = videoSummary(await indexOf(join(FIXTURES, 'dlc__m3v1mp4.mp4')));
    assert.deepEqual(
      { ...summary, fps: Number(summary.fps.toFixed(4)) },
      {
        kind: 'video',
        container: 'mp4',
        codec: 'avc1.f4001e',
        codecName: 'H.264 High 4:4:4 Predictive L3',
        width: 640,
        height: 480,
        frames: 2330,
        fps: 30.0003,
        durationSeconds: 77.66589,
        keyframes: [0, 182, 366, 548, 797, 985, 1173, 1383, 1588, 1794, 2016, 2219],
        moovAtEnd: true,
      },
    );
    const avi = videoSummary(await indexOf(join(FIXTURES, 'dlclive__dog_clip.avi')));
    assert.equal(avi.codec, null);
    assert.match(avi.undecodable ?? '', /MPEG-4 Part 2 \(DIVX\)/);
  });

  describe('variants made with ffmpeg', () => {
    const names = [
      'high-bframes-moov-end.mp4',
      'faststart.mp4',
      'fragmented.mp4',
      'gop30.mp4',
      'vp9.webm',
      'audio-video.mp4',
      'quicktime.mov',
      'single-gop.mp4',
      'hevc.mp4',
      'av1.mp4',
      'vp9.mp4',
      'live.webm',
    ];
    for (const name of names) {
      it(name, async () => {
        const path = variants().get(name)!;
        const index = await indexOf(path);
        checkCodec(index, path);
        checkPackets(index, path);
      });
    }

    it('names each container and where moov is', async () => {
      const v = variants();
      const facts = async (name: string) => {
        const index = await indexOf(v.get(name)!);
        return [index.container, index.moovAtEnd];
      };
      assert.deepEqual(await facts('high-bframes-moov-end.mp4'), ['mp4', true]);
      assert.deepEqual(await facts('faststart.mp4'), ['mp4', false]);
      assert.deepEqual(await facts('fragmented.mp4'), ['fmp4', false]);
      assert.deepEqual(await facts('quicktime.mov'), ['mov', true]);
      assert.deepEqual(await facts('vp9.webm'), ['webm', false]);
    });

    it('a 64-bit mdat size, and an mdat of size 0 (to the end of the file)', async () => {
      const v = variants();
      const moovAtEnd = Buffer.from(readFileSync(v.get('high-bframes-moov-end.mp4')!));
      // ffmpeg writes free(8) then mdat: one 16-byte mdat header with a largesize takes their place.
      assert.equal(moovAtEnd.toString('latin1', 36, 40), 'free');
      const mdatSize = moovAtEnd.readUInt32BE(40);
      moovAtEnd.writeUInt32BE(1, 32);
      moovAtEnd.write('mdat', 36, 'latin1');
      moovAtEnd.writeUInt32BE(0, 40);
      moovAtEnd.writeUInt32BE(mdatSize + 8, 44);
      const faststart = Buffer.from(readFileSync(v.get('faststart.mp4')!));
      faststart.writeUInt32BE(0, findBox(faststart, ['mdat']));
      const dir = mkdtempSync(join(tmpdir(), 'vboxes-'));
      for (const [name, bytes] of [
        ['largesize.mp4', moovAtEnd],
        ['size0.mp4', faststart],
      ] as const) {
        const path = join(dir, name);
        writeFileSync(path, bytes);
        const index = await indexOf(path);
        checkPackets(index, path);
      }
    });

    it('WebM clusters of unknown size (a live stream) index as the sized ones do', async () => {
      const path = variants().get('live.webm')!;
      const bytes = Buffer.from(readFileSync(path));
      // EBML vints: the length is the leading zeros of the first byte plus one.
      const vint = (at: number) => {
        const length = Math.clz32(bytes[at]) - 23;
        let value = bytes[at] & (0xff >> length);
        for (let i = 1; i < length; i++) value = value * 256 + bytes[at + i];
        return { length, value };
      };
      const element = (at: number) => {
        const id = vint(at);
        const size = vint(at + id.length);
        return {
          id: bytes.readUIntBE(at, id.length),
          sizeAt: at + id.length,
          size,
          data: at + id.length + size.length,
        };
      };
      const header = element(0);
      const segment = element(header.data + header.size.value);
      let clusters = 0;
      for (let at = segment.data; at < bytes.length;) {
        const e = element(at);
        if (e.id === 0x1f43b675) {
          // All value bits set: "unknown size", in the same number of bytes.
          bytes[e.sizeAt] |= 0xff >> e.size.length;
          bytes.fill(0xff, e.sizeAt + 1, e.sizeAt + e.size.length);
          clusters++;
        }
        at = e.data + e.size.value;
      }
      assert.ok(clusters > 1, `${clusters} clusters`);
      const unknown = join(mkdtempSync(join(tmpdir(), 'vlive-')), 'unknown-size.webm');
      writeFileSync(unknown, bytes);
      assert.deepEqual(await indexOf(unknown), await indexOf(path));
    });

    it('-g 30 puts a keyframe every 30 frames', async () => {
      const index = await indexOf(variants().get('gop30.mp4')!);
      assert.deepEqual(
        index.keyframeFrames,
        Array.from({ length: 12 }, (_, i) => i * 30),
      );
    });
  });
});
