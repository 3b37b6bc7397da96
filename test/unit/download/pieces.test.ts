import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { HashPool, type PartHashing } from '../../../src/download/hashPool';
import { ProgressTracker } from '../../../src/download/progress';
import { redactUrl } from '../../../src/net/errors';
import { BufferedRangeWriter } from '../../../src/download/writer';
import { zarrChecksum } from '../../../src/download/zarr';

describe('download pieces', () => {
  it('computes the Zarr checksum of dandi-api.md 3.3 vectors', () => {
    assert.equal(zarrChecksum([]), '481a2f77ab786a0f45aafd5db0971caa-0--0');
    assert.equal(
      zarrChecksum([{ key: 'bar', md5: 'a'.repeat(32), size: 1 }]),
      'f21b9b4bf53d7ce1167bcfae76371e59-1--1',
    );
  });

  for (const kernel of ['simd', 'openssl'] as const)
    it(`hashes large parts on the worker (${kernel}), in their shared write buffers, exactly like OpenSSL, with resets`, async () => {
      const pool = new HashPool({ kernel });
      try {
        const data = [randomBytes(3 << 20), randomBytes((5 << 20) + 37)];
        const parts = [
          pool.forPart(64 << 20, 4 << 20),
          pool.forPart(64 << 20, 4 << 20),
          pool.forPart(64 << 20, 4 << 20),
        ];
        const feed = async (part: PartHashing, bytes: Buffer): Promise<void> => {
          const buffer = part.buffers[0];
          for (let at = 0; at < bytes.length; at += buffer.length) {
            const piece = bytes.subarray(at, at + buffer.length);
            piece.copy(buffer);
            await part.hasher.update(buffer.subarray(0, piece.length));
          }
        };
        await Promise.all([feed(parts[0], data[0]), feed(parts[1], data[1])]);
        parts[1].hasher.reset();
        await Promise.all([feed(parts[1], data[0]), feed(parts[2], Buffer.concat(data))]);
        const digests = await Promise.all(parts.map(p => p.hasher.digest()));
        const md5 = (...chunks: Buffer[]) =>
          chunks.reduce((h, c) => h.update(c), createHash('md5')).digest('hex');
        assert.deepEqual(
          digests.map(d => d.toString('hex')),
          [md5(data[0]), md5(data[0]), md5(data[0], data[1])],
        );
        assert.throws(
          () => parts[0].hasher.update(Buffer.alloc(64)),
          /write buffers/,
          'bytes outside the arena are refused',
        );
        for (const part of parts) part.release();
      } finally {
        await pool.close();
      }
    });

  it('hashes small parts inline, and falls back to inline when the arena is full or the worker cannot start', async () => {
    const full = new HashPool({ arenaBytes: 9 << 20 }); // room for one part's two 4 MiB buffers
    const broken = new HashPool({ workerPath: '/nonexistent/downloadHashWorker.js' });
    try {
      const first = full.forPart(64 << 20, 4 << 20);
      const second = full.forPart(64 << 20, 4 << 20);
      const small = full.forPart(1 << 20, 1 << 20);
      assert.ok(!(second.buffers[0].buffer instanceof SharedArrayBuffer), 'no slot left: plain buffers');
      assert.ok(
        !(small.buffers[0].buffer instanceof SharedArrayBuffer),
        'a small part needs no shared memory',
      );
      const bytes = randomBytes(2 << 20);
      for (const part of [second, small]) part.hasher.update(bytes);
      const want = createHash('md5').update(bytes).digest('hex');
      assert.equal((await second.hasher.digest()).toString('hex'), want);
      assert.equal((await small.hasher.digest()).toString('hex'), want);
      first.release();
      const third = full.forPart(64 << 20, 4 << 20);
      assert.ok(third.buffers[0].buffer instanceof SharedArrayBuffer, 'released slots are used again');

      const orphan = broken.forPart(64 << 20, 4 << 20);
      orphan.buffers[0].fill(7);
      const outcome = await Promise.race([
        Promise.resolve(orphan.hasher.update(orphan.buffers[0]))
          .then(() => orphan.hasher.digest())
          .then(
            d => `digest ${d.toString('hex')}`,
            (err: Error) => `failed: ${err.message}`,
          ),
        new Promise(resolve => setTimeout(() => resolve('hung'), 10_000)),
      ]);
      if (outcome !== `digest ${createHash('md5').update(orphan.buffers[0]).digest('hex')}`) {
        assert.match(String(outcome), /^failed: .*(hash worker|Cannot find module)/);
      }
    } finally {
      await full.close();
      await broken.close();
    }
  });

  it('hashes shared write buffers in place, and refills a buffer only after disk and hasher let go', async () => {
    const pool = new HashPool();
    const written: Array<{ at: number; data: Buffer }> = [];
    const writes: Promise<void>[] = [];
    const disk = {
      // A slow disk: each write lands later, copying what the buffer holds at that moment.
      write: (data: Uint8Array, at: number) => {
        const landed = new Promise<void>(resolve =>
          setTimeout(() => (written.push({ at, data: Buffer.from(data) }), resolve()), 20),
        );
        writes.push(landed);
        return landed;
      },
      close: async () => undefined,
    };
    try {
      const part = pool.forPart(64 << 20, 1 << 20);
      assert.ok(part.buffers[0].buffer instanceof SharedArrayBuffer);
      // Resumed 300,000 bytes into the range: the first write stops at 1 MiB, the next are whole.
      const resumeAt = 300_000;
      const writer = new BufferedRangeWriter(disk, 0, resumeAt, part.buffers, data =>
        part.hasher.update(data),
      );
      const data = randomBytes(5 << 20);
      for (let at = resumeAt; at < data.length; at += 700_001)
        await writer.write(data.subarray(at, at + 700_001), at);
      await writer.drain();
      await Promise.all(writes);
      written.sort((x, y) => x.at - y.at);
      assert.deepEqual(
        written.map(w => w.at),
        [resumeAt, 1 << 20, 2 << 20, 3 << 20, 4 << 20],
        'writes start on buffer boundaries',
      );
      assert.equal(
        Buffer.concat(written.map(w => w.data)).toString('hex'),
        data.subarray(resumeAt).toString('hex'),
        'the disk got every byte once, in order',
      );
      assert.equal(
        (await part.hasher.digest()).toString('hex'),
        createHash('md5').update(data.subarray(resumeAt)).digest('hex'),
      );
      assert.equal(writer.flushed, data.length);
      part.release();
    } finally {
      await pool.close();
    }
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
    const tracker = new ProgressTracker(
      2,
      1000,
      p => seen.push(p.bytesDone),
      () => t,
    );
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
