// The index cache: a second open of the same source reads nothing; damaged entries are dropped,
// the byte bound holds, private entries go at sign-out.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSource } from '../../../src/hdf5/sources/local';
import { VideoIndexCache } from '../../../src/video/indexCache';
import { readVideoIndex } from '../../../src/video/readIndex';
import type { VideoIndex } from '../../../src/video/types';
import { FIXTURES } from './ffmpeg';

const DLC = join(FIXTURES, 'dlc__m3v1mp4.mp4');

async function open(path: string, cache: VideoIndexCache): Promise<{ index: VideoIndex; requests: number }> {
  const source = new LocalSource(path);
  try {
    const index = await readVideoIndex(source, { cache });
    return { index, requests: source.requests };
  } finally {
    await source.close();
  }
}

const fresh = () => mkdtempSync(join(tmpdir(), 'vcache-'));

describe('video index cache', () => {
  it('a second open reads nothing and gives the same index (moov at the end)', async () => {
    const cache = new VideoIndexCache(fresh(), 64 * 1024 * 1024);
    const first = await open(DLC, cache);
    assert.equal(first.requests, 2, 'the head, then the tail with moov');
    const second = await open(DLC, cache);
    assert.equal(second.requests, 0);
    assert.deepEqual(second.index, first.index);
    assert.ok(
      second.index.frameToSample instanceof Uint32Array && second.index.seiPrelude instanceof Uint8Array,
    );
  });

  it('an entry whose bytes do not match its digest is deleted and the file read again', async () => {
    const dir = fresh();
    const cache = new VideoIndexCache(dir, 64 * 1024 * 1024);
    await open(DLC, cache);
    const [name] = readdirSync(dir);
    const bytes = readFileSync(join(dir, name));
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(join(dir, name), bytes);
    const again = await open(DLC, cache);
    assert.equal(again.requests, 2);
    assert.equal((await open(DLC, cache)).requests, 0, 'saved again after the re-read');
  });

  it('keeps under its byte bound, least recently used out first', async () => {
    const dir = fresh();
    const names = ['sleap__clip.mp4', 'sleap__dance.mp4', 'sleap__small_robot.mp4'];
    const sizes: number[] = [];
    for (const name of names) {
      await open(join(FIXTURES, name), new VideoIndexCache(dir, 1 << 30));
      sizes.push(readdirSync(dir).length);
    }
    assert.deepEqual(sizes, [1, 2, 3]);
    const total = readdirSync(dir).reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    const bounded = new VideoIndexCache(dir, total - 1);
    await new Promise(resolve => setTimeout(resolve, 20));
    assert.equal(
      (await open(join(FIXTURES, names[0]), bounded)).requests,
      0,
      'touch the oldest: now the newest',
    );
    // A small index: it fits beside the touched entry, so only the least recently used must go
    // (one that does not fit beside it would evict it or itself by a clock tick, not by use).
    await open(join(FIXTURES, 'sleap__small_robot_3_frame.mp4'), bounded);
    const left = readdirSync(dir).reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    assert.ok(left <= total - 1, `${left} bytes left under ${total - 1}`);
    assert.equal(readdirSync(dir).length, 3, 'one entry evicted');
    assert.equal((await open(join(FIXTURES, names[0]), bounded)).requests, 0, 'recently used: kept');
    assert.ok((await open(join(FIXTURES, names[1]), bounded)).requests > 0, 'least recently used: evicted');
  });

  it('forgets private entries at sign-out, keeps public ones', async () => {
    const dir = fresh();
    await open(join(FIXTURES, 'sleap__clip.mp4'), new VideoIndexCache(dir, 1 << 30, { private: true }));
    const publicCache = new VideoIndexCache(dir, 1 << 30);
    await open(DLC, publicCache);
    assert.equal(await publicCache.forgetPrivate(), 1);
    assert.equal(readdirSync(dir).length, 1);
    assert.equal((await open(DLC, publicCache)).requests, 0);
  });
});
