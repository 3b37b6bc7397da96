// The worker's block cache on an in-memory file: LRU bound, coalescing, adaptive request sizes,
// prefetch bounded by the selection, pinning for the persistent metadata cache, and pages taken
// from a request whose body is still arriving.
import * as assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { BlockCache } from '../../../src/hdf5/blockCache';
import { publishStream, STREAM, STREAM_STATE, streamProgress } from '../../../src/hdf5/protocol';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Bytes of a virtual file, computed on demand (no need to hold 256 MiB). */
function fileBytes(start: number, end: number): Uint8Array {
  const bytes = new Uint8Array(end - start);
  for (let i = start; i < end; i++) bytes[i - start] = (i * 7 + (i >> 9)) & 0xff;
  return bytes;
}

function setup(
  size: number,
  options: {
    cacheBytes?: number;
    policy?: 'adaptive' | 'fixed-100k';
    pageSize?: number;
    linkBytes?: number;
  } = {},
) {
  const requests: [number, number][] = [];
  const cache = new BlockCache(
    size,
    (start, end) => {
      requests.push([start, end]);
      return fileBytes(start, end);
    },
    {
      cacheBytes: options.cacheBytes ?? 64 * MiB,
      policy: options.policy ?? 'adaptive',
      pageSize: options.pageSize,
      linkBytes: () => options.linkBytes ?? 0,
    },
  );
  const read = (position: number, length: number) => {
    const out = new Uint8Array(length);
    const n = cache.read(position, out);
    assert.deepEqual(out.subarray(0, n), fileBytes(position, position + n), `bytes at ${position}`);
    return n;
  };
  return { cache, requests, read };
}

describe('hdf5 block cache', () => {
  it('returns the right bytes and answers repeats from memory', () => {
    const { cache, requests, read } = setup(64 * MiB);
    read(5000, 100);
    read(5000, 100);
    read(5050, 10);
    assert.equal(requests.length, 1);
    assert.equal(cache.stats().hits, 2);
    assert.equal(read(64 * MiB - 10, 100), 10, 'reads stop at the end of the file');
  });

  it('stays within its byte bound, evicting least recently used pages', () => {
    const bound = 1 * MiB;
    const { cache, read } = setup(64 * MiB, { cacheBytes: bound, pageSize: 16 * KiB });
    cache.beginOp('data', { expectedBytes: 64 * MiB, chunkCount: 0 });
    for (let pos = 0; pos < 16 * MiB; pos += 100 * KiB) read(pos, 100 * KiB);
    const stats = cache.stats();
    assert.ok(stats.bytes <= bound, `${stats.bytes} <= ${bound}`);
    assert.ok(stats.peakBytes <= bound, `peak ${stats.peakBytes} <= ${bound}`);
  });

  it('coalesces the missing pages of one read into one request', () => {
    const { cache, requests, read } = setup(64 * MiB, { pageSize: 16 * KiB });
    cache.beginOp('data', { expectedBytes: 0, chunkCount: 0 });
    read(0, 16 * KiB);
    read(64 * KiB, 16 * KiB);
    requests.length = 0;
    // Pages 0 and 4 are cached; 1-3 and 5-7 are missing: one request from page 1 to page 7.
    read(0, 128 * KiB);
    assert.deepEqual(requests, [[16 * KiB, 128 * KiB]]);
  });

  it('grows metadata requests while misses continue, and fetches small files whole', () => {
    const big = setup(256 * MiB);
    big.cache.beginOp('metadata');
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      big.read(i * 10 * MiB + 3000, 200);
      const [start, end] = big.requests[big.requests.length - 1];
      sizes.push(end - start);
    }
    assert.ok(sizes[5] > sizes[0] * 8, `requests grow: ${sizes.join(', ')}`);
    assert.ok(sizes.every(s => s <= 2 * MiB));

    const small = setup(3 * MiB);
    small.cache.beginOp('metadata');
    small.read(2 * MiB, 100);
    assert.deepEqual(small.requests, [[0, 3 * MiB]]);
  });

  it('prefetches a sequential data read only up to what the selection needs', () => {
    const { cache, requests, read } = setup(256 * MiB, { pageSize: 16 * KiB });
    const chunk = 256 * KiB;
    cache.beginOp('data', { expectedBytes: 10 * chunk, chunkCount: 10 });
    for (let i = 0; i < 10; i++) read(MiB + i * chunk, chunk);
    const fetched = requests.reduce((n, [s, e]) => n + e - s, 0);
    assert.equal(fetched, 10 * chunk, 'no byte beyond the ten chunks');
    assert.ok(requests.length <= 3, `${requests.length} requests for 10 sequential chunks`);
  });

  it('fixed-100k baseline: one request per missing 100 KiB block, no prefetch', () => {
    const { cache, requests, read } = setup(64 * MiB, { policy: 'fixed-100k' });
    cache.beginOp('data', { expectedBytes: 64 * MiB, chunkCount: 0 });
    read(0, 350 * KiB);
    assert.equal(requests.length, 4);
    assert.ok(requests.every(([s, e]) => e - s === 100 * KiB && s % (100 * KiB) === 0));
  });

  it('keeps a fetched window whole, copies out only the pages read, and drops the window first', () => {
    const page = 16 * KiB;
    const { cache, requests, read } = setup(256 * MiB, { pageSize: page, cacheBytes: 4 * MiB });
    cache.beginOp('metadata');
    read(100 * MiB + 3000, 200);
    assert.equal(requests.length, 1);
    const [start, end] = requests[0];
    const window = end - start;
    assert.ok(window >= 64 * KiB, `a window wider than the read (${window} bytes)`);
    // The window and the one page read, each counted: nothing else was copied.
    assert.equal(cache.stats().bytes, window + page);
    // Any other page of the window answers with no request, and is copied out then.
    read(end - page + 10, 100);
    assert.equal(requests.length, 1);
    assert.equal(cache.stats().bytes, window + 2 * page);
    // Past the bound, windows go before the pages read from them (they are pinned metadata).
    for (let i = 0; i < 8; i++) read(i * 20 * MiB + 5000, 100);
    const stats = cache.stats();
    assert.ok(stats.bytes <= 4 * MiB, `${stats.bytes} <= 4 MiB`);
    const before = requests.length;
    read(100 * MiB + 3000, 200);
    read(end - page + 10, 100);
    assert.equal(requests.length, before, 'the pages read stay cached after their window is dropped');
  });

  it('counts the time it sat blocked on a fetch, and none for a hit', () => {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const cache = new BlockCache(
      8 * MiB,
      (start, end) => {
        Atomics.wait(pause, 0, 0, 30); // a fetch that takes 30 ms
        return fileBytes(start, end);
      },
      { cacheBytes: 64 * MiB, policy: 'adaptive' },
    );
    cache.read(1000, new Uint8Array(100));
    const waited = cache.stats().waitMs;
    assert.ok(waited >= 29 && waited < 10_000, `the fetch's 30 ms are counted (${waited})`);
    cache.read(1000, new Uint8Array(100));
    assert.equal(cache.stats().waitMs, waited, 'a hit waits for nothing');
  });

  it('pins what metadata calls touch and seeds it back into a new cache', () => {
    const first = setup(64 * MiB);
    first.cache.beginOp('metadata');
    first.read(1000, 500);
    first.read(40 * MiB, 500);
    first.cache.beginOp('data', { expectedBytes: 0, chunkCount: 0 });
    first.read(50 * MiB, 500);
    const runs = first.cache.pinnedRuns();
    const pinned = runs.reduce((n, r) => n + r.bytes.length, 0);
    assert.ok(pinned > 0 && pinned <= 64 * KiB, `only touched pages are pinned (${pinned} bytes)`);

    const second = setup(64 * MiB);
    second.cache.seed(runs);
    second.cache.beginOp('metadata');
    second.read(1000, 500);
    second.read(40 * MiB, 500);
    assert.equal(second.requests.length, 0);
  });
});

/** Node 20 has Atomics.waitAsync; TypeScript's ES2022 library does not declare it. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): {
      async: boolean;
      value: Promise<string> | string;
    };
  }
).waitAsync;

describe('hdf5 block cache over a stream still arriving', () => {
  const STREAM_BYTES = 1 * MiB;

  function streamRun(filled: number, state: number) {
    const bytes = new Uint8Array(new SharedArrayBuffer(STREAM_BYTES));
    bytes.set(fileBytes(0, filled));
    const progress = streamProgress();
    progress[STREAM.filled] = filled;
    progress[STREAM.state] = state;
    return { offset: 0, bytes, progress };
  }

  it('waits for the pages it needs to land, with no request of its own', async () => {
    const { cache, requests, read } = setup(64 * MiB);
    const run = streamRun(0, STREAM_STATE.arriving);
    cache.seedStream(run, 10_000);
    // Another thread writes the stream 64 KiB at a time, as the host does while a body arrives.
    const writer = new Worker(
      `const { workerData: { bytes, progress, size, seq } } = require('node:worker_threads');
       const step = 64 * 1024;
       let at = 0;
       const next = () => {
         const end = Math.min(size, at + step);
         for (let i = at; i < end; i++) bytes[i] = (i * 7 + (i >> 9)) & 0xff;
         at = end;
         Atomics.store(progress, 0, at);
         if (at === size) Atomics.store(progress, 1, 1);
         Atomics.add(progress, seq, 1);
         Atomics.notify(progress, seq);
         if (at < size) setTimeout(next, 2);
       };
       setTimeout(next, 20);`,
      {
        eval: true,
        workerData: { bytes: run.bytes, progress: run.progress, size: STREAM_BYTES, seq: STREAM.seq },
      },
    );
    try {
      cache.beginOp('metadata');
      // Blocks until the writer has got this far (about 30 steps in).
      read(STREAM_BYTES - 40 * KiB, 512);
      // The writer starts 20 ms after its thread does; the read blocked at least that long.
      const waited = cache.stats().waitMs;
      assert.ok(waited >= 20, `the wait for the stream is counted (${waited} ms)`);
      const wanted = run.progress[STREAM.wanted];
      assert.ok(
        wanted >= STREAM_BYTES - 40 * KiB + 512 && wanted <= STREAM_BYTES,
        `the reader said how far it needed the stream (${wanted})`,
      );
      read(48, 512);
      assert.equal(cache.stats().waitMs, waited, 'a page that has landed costs no wait');
      assert.deepEqual(requests, [], 'nothing fetched: the pages came from the stream');
      read(STREAM_BYTES + 100, 64);
      assert.equal(requests.length, 1, 'beyond the stream, a miss is fetched');
      assert.ok(
        requests[0][0] >= STREAM_BYTES,
        `the request starts after the streamed bytes (${requests[0][0]})`,
      );
      assert.ok(
        cache.pinnedRuns().some(r => r.offset === 0),
        'streamed metadata pages are pinned for the metadata cache',
      );
    } finally {
      await writer.terminate();
    }
  });

  it('uses what landed before a stream failed and fetches the rest as misses', () => {
    const { cache, requests, read } = setup(64 * MiB);
    cache.seedStream(streamRun(256 * KiB, STREAM_STATE.failed), 10_000);
    cache.beginOp('data', { expectedBytes: 0, chunkCount: 0 });
    read(100 * KiB, 1000);
    assert.deepEqual(requests, []);
    read(600 * KiB, 1000);
    assert.equal(requests.length, 1);
    assert.ok(requests[0][0] >= 256 * KiB, 'landed pages are not fetched again');
  });

  it("wakes a waiting reader when what it needs has landed, not at every chunk before (the host's publishing)", async () => {
    const progress = streamProgress();
    Atomics.store(progress, STREAM.wanted, 600 * KiB);
    const woken = () => {
      const waiting = waitAsync(progress, STREAM.seq, Atomics.load(progress, STREAM.seq), 2000);
      assert.equal(waiting.async, true);
      let result: string | undefined;
      void (waiting.value as Promise<string>).then(r => (result = r));
      return async () => {
        await new Promise(resolve => setTimeout(resolve, 30));
        return result;
      };
    };
    let check = woken();
    publishStream(progress, 'filled', 64 * KiB);
    publishStream(progress, 'filled', 512 * KiB);
    assert.equal(await check(), undefined, 'chunks short of what it needs leave it asleep');
    publishStream(progress, 'filled', 640 * KiB);
    assert.equal(await check(), 'ok', 'the chunk that brings what it needs wakes it');
    check = woken();
    Atomics.store(progress, STREAM.wanted, 2 * MiB);
    publishStream(progress, 'state', STREAM_STATE.failed);
    assert.equal(await check(), 'ok', 'a change of state always wakes it');
  });

  it('after the host went on from further ahead: the tail serves its pages, the skipped part is fetched in metadata windows', () => {
    // A small file: without the skip, a miss would fetch it whole.
    const size = 2 * MiB;
    const { cache, requests, read } = setup(size);
    const run = { offset: 0, bytes: new Uint8Array(new SharedArrayBuffer(size)), progress: streamProgress() };
    run.bytes.set(fileBytes(0, 128 * KiB));
    publishStream(run.progress, 'filled', 128 * KiB);
    const tailAt = 1536 * KiB;
    run.bytes.set(fileBytes(tailAt, size), tailAt);
    publishStream(run.progress, 'tailAt', tailAt);
    publishStream(run.progress, 'tailFilled', size - tailAt);
    publishStream(run.progress, 'state', STREAM_STATE.done);
    cache.seedStream(run, 10_000);
    cache.beginOp('metadata');
    read(100, 4000);
    read(size - 5000, 4000);
    assert.equal(requests.length, 0, 'the head and the tail landed: nothing fetched');
    read(1024 * KiB, 512);
    assert.equal(requests.length, 1, 'the skipped part is a miss');
    const [start, end] = requests[0];
    assert.ok(start >= 128 * KiB && end <= tailAt, `only bytes neither part brought (${start}-${end})`);
    assert.ok(end - start <= 256 * KiB, `a metadata window, not the whole gap (${end - start} bytes)`);
  });

  it('tells the host where it waits while the stream is behind, so the host can go on from there', async () => {
    const { cache, read } = setup(2 * MiB);
    const run = streamRun(64 * KiB, STREAM_STATE.arriving);
    cache.seedStream(run, 10_000);
    // The host's side: at the worker's first wait, jump to where it waits and deliver from there.
    const host = new Worker(
      `const { workerData: { bytes, progress, S } } = require('node:worker_threads');
       const publish = (slot, value) => { Atomics.store(progress, slot, value); Atomics.add(progress, S.seq, 1); Atomics.notify(progress, S.seq); };
       const poll = () => {
         const at = Atomics.load(progress, S.jumpTo);
         if (at === 0) return setTimeout(poll, 1);
         for (let i = at; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 9)) & 0xff;
         publish(S.tailAt, at);
         publish(S.tailFilled, bytes.length - at);
         publish(S.state, 1);
       };
       poll();`,
      { eval: true, workerData: { bytes: run.bytes, progress: run.progress, S: STREAM } },
    );
    try {
      cache.beginOp('metadata');
      read(900 * KiB, 100);
      assert.equal(
        Atomics.load(run.progress, STREAM.jumpTo),
        896 * KiB,
        'where it waited: the page it needed',
      );
    } finally {
      await host.terminate();
    }
  });

  it('gives up waiting after its limit and fetches instead', () => {
    const { cache, requests, read } = setup(64 * MiB);
    cache.seedStream(streamRun(0, STREAM_STATE.arriving), 30);
    read(5000, 100);
    assert.equal(requests.length, 1);
  });
});

describe('hdf5 block cache on a measured link', () => {
  it('sizes reads by the link: what transfers in one round trip costs no more than the smallest read', () => {
    // A slow or near link (64 KiB per round trip): metadata windows start small, as before.
    const slow = setup(256 * MiB, { linkBytes: 64 * KiB });
    slow.read(100 * MiB, 100);
    assert.equal(slow.requests[0][1] - slow.requests[0][0], 64 * KiB);
    // A fast, far one (about 10 MB per round trip): the first metadata miss reads 8 MiB.
    const fast = setup(256 * MiB, { linkBytes: 10_000_000 });
    fast.read(100 * MiB, 100);
    assert.equal(fast.requests[0][1] - fast.requests[0][0], 8 * MiB);
    fast.read(100 * MiB + 3 * MiB, 100);
    assert.equal(fast.requests.length, 1, 'the neighbourhood came along');
    // A file smaller than one round trip's bytes is read whole on the first miss.
    const whole = setup(9 * MiB, { linkBytes: 10_000_000 });
    whole.read(5 * MiB, 100);
    assert.deepEqual(whole.requests, [[0, 9 * MiB]]);
    // Sequential data reads prefetch up to the link's bytes (within what the selection needs).
    const data = setup(256 * MiB, { linkBytes: 20_000_000 });
    data.cache.beginOp('data', { expectedBytes: 64 * MiB, chunkCount: 0 });
    data.read(0, 1 * MiB);
    data.read(1 * MiB, 1 * MiB);
    const [start, end] = data.requests[1];
    assert.equal(end - start, 16 * MiB, "one read of the round trip's 16 MiB, not two of 8");
  });
});
