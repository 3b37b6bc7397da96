// Damaged and wrong inputs give a VideoError that says what is wrong, quickly, without reading
// past a buffer or allocating what a damaged count claims.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSource } from '../../../src/hdf5/sources/local';
import { VideoError, type VideoErrorCode } from '../../../src/video/errors';
import { readVideoIndex } from '../../../src/video/readIndex';
import { findBox, FIXTURES } from './ffmpeg';

const dir = mkdtempSync(join(tmpdir(), 'vcorrupt-'));
let count = 0;

async function indexBytes(bytes: Uint8Array) {
  const path = join(dir, `case-${count++}.mp4`);
  writeFileSync(path, bytes);
  const source = new LocalSource(path);
  try {
    return await readVideoIndex(source);
  } finally {
    await source.close();
  }
}

async function rejects(bytes: Uint8Array, code: VideoErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(indexBytes(bytes), (error: unknown) => {
    assert.ok(error instanceof VideoError, `a VideoError, not ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

const STBL = ['moov', 'trak', 'mdia', 'minf', 'stbl'];
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

describe('damaged and wrong video inputs', () => {
  it('a moov cut short', async () => {
    const file = fixture('dlc__m3v1mp4.mp4');
    const moov = findBox(file, ['moov']);
    await rejects(file.subarray(0, moov + 1000), 'corrupt', /'moov' at byte 2188063 .* runs past the end/);
  });

  it('a box whose size runs past the end of the file', async () => {
    const file = Buffer.from(fixture('sleap__centered_pair_low_quality.mp4'));
    file.writeUInt32BE(file.length * 2, findBox(file, ['mdat']));
    await rejects(file, 'corrupt', /'mdat' at byte 18421 .* runs past the end/);
  });

  it('a sample table that points past the end of the file (mdat size 0, file cut in half)', async () => {
    const file = Buffer.from(fixture('sleap__centered_pair_low_quality.mp4'));
    file.writeUInt32BE(0, findBox(file, ['mdat']));
    await rejects(
      file.subarray(0, file.length >> 1),
      'corrupt',
      /sample \d+ .* lies past the end of the file/,
    );
  });

  it('sample counts that would need gigabytes', async () => {
    const file = Buffer.from(fixture('sleap__clip.mp4'));
    const stsz = findBox(file, [...STBL, 'stsz']);
    file.writeUInt32BE(10_000_000, stsz + 16);
    await rejects(file, 'corrupt', /stsz' claims 10000000 entries of 4 bytes but holds \d+ bytes/);
    file.writeUInt32BE(0xfffffff0, stsz + 16);
    await rejects(file, 'too-large', /stsz claims 4294967280 samples/);
    file.writeUInt32BE(1000, stsz + 12);
    await rejects(file, 'too-large', /stsz claims 4294967280 samples/);
  });

  it('a chunk table that names chunks it does not have', async () => {
    const file = Buffer.from(fixture('sleap__clip.mp4'));
    const stsc = findBox(file, [...STBL, 'stsc']);
    file.writeUInt32BE(0, stsc + 16);
    await rejects(file, 'corrupt', /stsc names chunk 0/);
  });

  it('an HTML error page instead of a video', async () => {
    const page =
      '<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>Access denied</body></html>';
    await rejects(Buffer.from(page), 'not-video', /not a video container .* it looks like an HTML page/);
  });

  it('an XML error document, an HDF5 file, random bytes and an empty file', async () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code></Error>';
    await rejects(Buffer.from(xml), 'not-video', /an XML error document/);
    const hdf5 = Buffer.concat([
      Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(100),
    ]);
    await rejects(hdf5, 'not-video', /an HDF5 file/);
    await rejects(
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5]),
      'not-video',
      /unknown bytes \(starting de ad be ef/,
    );
    await rejects(Buffer.alloc(0), 'not-video', /an empty file/);
  });

  it('an MP4 without a moov (a recording never finished)', async () => {
    const file = fixture('sleap__clip.mp4');
    await rejects(
      file.subarray(0, findBox(file, ['moov'])),
      'corrupt',
      /no moov box .* never finished \(it has media data\)/,
    );
  });

  it('an MP4 whose only track is audio', async () => {
    const file = Buffer.from(fixture('sleap__dance.mp4'));
    // Make the video track's handler say 'soun' too.
    const hdlr = findBox(file, ['moov', 'trak', 'mdia', 'hdlr']);
    file.write('soun', hdlr + 16, 'latin1');
    await rejects(file, 'not-video', /no video track \(tracks: soun, soun\)/);
  });

  it('a WebM cut before its tracks, and an AVI cut short', async () => {
    const webm = fixture('sleapiojs__centered_pair_low_quality.webm');
    await rejects(webm.subarray(0, 60), 'corrupt', /ends before its Tracks/);
    const avi = fixture('dlclive__dog_clip.avi');
    await rejects(avi.subarray(0, 300_000), 'corrupt', /AVI chunk 'LIST' at \d+ runs past the end/);
  });
});
