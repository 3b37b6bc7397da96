import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { SCRATCH_OFFSET, SharedArena, SLOT_BYTES } from '../../../src/download/arena';
import { instantiateKernels } from '../../../src/download/md5/kernels';
import { Md5Lanes, SCRATCH_BYTES } from '../../../src/download/md5/lanes';

/** Md5Lanes on a fresh arena, in this thread; `put` copies bytes into a slot and returns their offset. */
function setUp(policy = { maxWaitMs: 25, staleMs: 150 }) {
  const arena = new SharedArena(64 << 20);
  const lanes = new Md5Lanes(
    arena.memory,
    instantiateKernels(arena.memory, arena.maxPages),
    SCRATCH_OFFSET,
    policy,
  );
  const slots: Buffer[] = [];
  let used = SLOT_BYTES;
  const put = (bytes: Uint8Array): number => {
    if (slots.length === 0 || used + bytes.length > SLOT_BYTES) {
      const slot = arena.acquire();
      if (!slot) throw new Error('test arena full');
      slots.push(slot);
      used = 0;
    }
    const slot = slots[slots.length - 1] as Buffer;
    slot.set(bytes, used);
    used += bytes.length;
    return (arena.offsetOf(slot) as number) + used - bytes.length;
  };
  return { arena, lanes, put };
}

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('multi-lane MD5', () => {
  it('matches OpenSSL for every length around the block and padding edges, alone (x1)', () => {
    const { lanes, put } = setUp();
    for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]) {
      const bytes = randomBytes(length);
      lanes.update(length, put(bytes), length, 0, () => undefined);
      assert.equal(hex(lanes.digest(length)), md5(bytes), `length ${length}`);
    }
  });

  it('matches OpenSSL for 11 streams fed in uneven pieces, hashed 8, 4 and 1 at a time', () => {
    const { lanes, put } = setUp();
    const streams = Array.from({ length: 11 }, (_, i) => randomBytes(200_000 + i * 7_919));
    let updates = 0;
    let acknowledged = 0;
    const offsets = streams.map(() => 0);
    // Round-robin pieces of odd sizes, so blocks straddle updates and lanes run out unevenly.
    for (let turn = 0; offsets.some((at, i) => at < (streams[i] as Buffer).length); turn++) {
      streams.forEach((bytes, id) => {
        const at = offsets[id] as number;
        if (at >= bytes.length) return;
        const piece = bytes.subarray(at, at + 1 + ((turn * 31_337 + id * 4_099) % 60_000));
        updates++;
        lanes.update(id, put(piece), piece.length, turn, () => acknowledged++);
        offsets[id] = at + piece.length;
      });
      if (turn % 3 === 2) while (lanes.runRound());
    }
    const digests = streams.map((_, id) => hex(lanes.digest(id)));
    assert.deepEqual(digests, streams.map(md5));
    assert.ok(updates > 11 * 5);
    assert.equal(acknowledged, updates, 'every update was acknowledged once, when read');
  });

  it('forgets a stream on reset and acknowledges what it had queued', () => {
    const { lanes, put } = setUp();
    const early = randomBytes(5_000);
    const late = randomBytes(9_000);
    let dropped = 0;
    lanes.update(1, put(early), early.length, 0, () => dropped++);
    lanes.reset(1);
    assert.equal(dropped, 1);
    lanes.update(1, put(late), late.length, 0, () => undefined);
    assert.equal(hex(lanes.digest(1)), md5(late));
  });

  it('waits for every live stream before a round, but not past the wait limit, for stale streams, or when finishing', () => {
    const { lanes, put } = setUp({ maxWaitMs: 25, staleMs: 150 });
    const block = put(randomBytes(4096));
    lanes.update(1, block, 4096, 0, () => undefined);
    lanes.update(2, block, 4096, 0, () => undefined);
    while (lanes.runRound());
    assert.equal(lanes.next(10), undefined, 'nothing queued');
    lanes.update(1, block, 4096, 10, () => undefined);
    assert.deepEqual(lanes.next(12), { waitMs: 23 }, 'stream 2 is live and will have data soon');
    assert.deepEqual(lanes.next(35), { run: true }, 'the wait limit is over');
    assert.deepEqual(lanes.next(200), { run: true }, 'stream 2 has been silent too long to wait for');
    lanes.update(2, block, 4096, 12, () => undefined);
    assert.deepEqual(lanes.next(13), { run: true }, 'every live stream has data');
    while (lanes.runRound());
    lanes.update(1, block, 4096, 20, () => undefined);
    lanes.finish(1);
    assert.deepEqual(lanes.next(21), { run: true }, 'a stream about to be digested does not wait');
  });

  it('keeps its scratch inside the arena page reserved for it', () => {
    assert.ok(SCRATCH_BYTES <= SLOT_BYTES && SCRATCH_BYTES <= 64 * 1024);
    const { arena } = setUp();
    const slot = arena.acquire() as Buffer;
    assert.ok((arena.offsetOf(slot) as number) >= SCRATCH_OFFSET + SCRATCH_BYTES);
  });
});

describe('shared arena', () => {
  it('hands out page-aligned slots, reuses released ones, and says when it is full', () => {
    const arena = new SharedArena(64 * 1024 + 2 * SLOT_BYTES);
    const a = arena.acquire() as Buffer;
    const b = arena.acquire() as Buffer;
    assert.equal(arena.acquire(), undefined, 'full');
    for (const slot of [a, b]) {
      assert.equal(slot.length, SLOT_BYTES);
      assert.equal((arena.offsetOf(slot) as number) % 4096, 0);
    }
    assert.notEqual(arena.offsetOf(a), arena.offsetOf(b));
    arena.release(a);
    assert.throws(() => arena.release(a), /not a slot/);
    assert.throws(() => arena.release(Buffer.alloc(16)), /not a slot/);
    const again = arena.acquire() as Buffer;
    assert.equal(arena.offsetOf(again), arena.offsetOf(a));
    assert.equal(arena.offsetOf(Buffer.alloc(16)), undefined);
  });
});

describe('positional writer', () => {
  it('writes aligned buffers of the arena with direct I/O where the file system allows it, the rest through the cache', async () => {
    const { constants } = await import('node:fs');
    const { mkdtemp, open, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openPositionalWriter } = await import('../../../src/download/writer');
    const dir = await mkdtemp(join(tmpdir(), 'direct-io-'));
    try {
      const path = join(dir, 'data');
      const arena = new SharedArena(64 << 20);
      const slot = arena.acquire() as Buffer;
      const body = randomBytes(2 * SLOT_BYTES + 100);
      const writer = await openPositionalWriter(path, { direct: true });
      // Out of order, as parallel parts write: the tail first (unaligned length), then two slots.
      await writer.write(body.subarray(2 * SLOT_BYTES), 2 * SLOT_BYTES);
      for (const at of [SLOT_BYTES, 0]) {
        body.copy(slot, 0, at, at + SLOT_BYTES);
        await writer.write(slot, at);
      }
      await writer.close();
      assert.equal(md5(await readFile(path)), md5(body));
      const oDirect = (constants as { O_DIRECT?: number }).O_DIRECT;
      const supported =
        oDirect !== undefined &&
        (await open(path, constants.O_RDONLY | oDirect).then(
          h => h.close().then(() => true),
          () => false,
        ));
      assert.equal(writer.directBytes, supported ? 2 * SLOT_BYTES : 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
