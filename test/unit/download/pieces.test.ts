import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { HashPool } from '../../../src/download/hashPool';
import { ProgressTracker } from '../../../src/download/progress';
import { parseRetryAfter, redactUrl } from '../../../src/download/transport';
import { BufferedRangeWriter } from '../../../src/download/writer';
import { zarrChecksum } from '../../../src/download/zarr';

describe('download pieces', () => {
  it('computes the Zarr checksum of dandi-api.md 3.3 vectors', () => {
    assert.equal(zarrChecksum([]), '481a2f77ab786a0f45aafd5db0971caa-0--0');
    assert.equal(zarrChecksum([{ key: 'bar', md5: 'a'.repeat(32), size: 1 }]), 'f21b9b4bf53d7ce1167bcfae76371e59-1--1');
  });

  it('hashes parts on worker threads exactly like inline MD5, with resets', async () => {
    const pool = new HashPool(2);
    try {
      const data = [randomBytes(3 << 20), randomBytes(5 << 20)];
      const hashers = [pool.hasher(64 << 20), pool.hasher(64 << 20), pool.hasher(64 << 20)];
      hashers[0].update(data[0]);
      hashers[1].update(data[1]);
      hashers[1].reset();
      hashers[1].update(data[0]);
      hashers[2].update(data[0]);
      hashers[2].update(data[1]);
      const digests = await Promise.all(hashers.map(h => h.digest()));
      const md5 = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('md5')).digest('hex');
      assert.deepEqual(digests.map(d => d.toString('hex')), [md5(data[0]), md5(data[0]), md5(data[0], data[1])]);
    } finally {
      await pool.close();
    }
  });

  it('hashes shared write buffers in place, and refills a buffer only after disk and hasher let go', async () => {
    const pool = new HashPool(1);
    const written: Buffer[] = [];
    const writes: Promise<void>[] = [];
    const disk = {
      // A slow disk: each write lands later, copying what the buffer holds at that moment.
      write: (data: Uint8Array) => {
        const landed = new Promise<void>(resolve => setTimeout(() => (written.push(Buffer.from(data)), resolve()), 20));
        writes.push(landed);
        return landed;
      },
      close: async () => undefined,
    };
    try {
      const hasher = pool.hasher(64 << 20);
      const writer = new BufferedRangeWriter(disk, 0, 0, 1 << 20, data => hasher.update(data), true);
      const data = randomBytes(5 << 20);
      for (let at = 0; at < data.length; at += 300_000) await writer.write(data.subarray(at, at + 300_000), at);
      await writer.drain();
      await Promise.all(writes);
      assert.equal(Buffer.concat(written).toString('hex'), data.toString('hex'), 'the disk got every byte once, in order');
      assert.equal((await hasher.digest()).toString('hex'), createHash('md5').update(data).digest('hex'));
      assert.equal(writer.flushed, data.length);
    } finally {
      await pool.close();
    }
  });

  it('reads Retry-After as seconds or a date, ignoring absurd values', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(['1.5'], now), 1500);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2025 00:00:10 GMT', now), undefined);
    assert.equal(parseRetryAfter('999999', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('never lets a presigned signature reach a message', () => {
    assert.equal(
      redactUrl('https://bucket.s3.amazonaws.com/blobs/a/b/c?X-Amz-Signature=deadbeef&X-Amz-Credential=k'),
      'https://bucket.s3.amazonaws.com/blobs/a/b/c?…',
    );
  });

  it('reports files, bytes, rate and time left', () => {
    let t = 0;
    const seen: number[] = [];
    const tracker = new ProgressTracker(2, 1000, p => seen.push(p.bytesDone), () => t);
    tracker.report(true);
    t = 1000;
    tracker.addBytes(500, 'a');
    tracker.fileDone('a');
    const p = tracker.snapshot();
    assert.equal(p.filesDone, 1);
    assert.equal(p.bytesDone, 500);
    assert.equal(p.rate, 500);
    assert.equal(p.etaSeconds, 1);
    assert.deepEqual(seen, [0, 500]);
  });
});
