import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { partLayout, partRange } from '../../../src/dandi/etag';
import { runDownload } from '../../../src/download/engine';
import { tempPaths } from '../../../src/download/tempState';
import type { PlannedFile } from '../../../src/download/types';
import { etagOfFile, exists, planAsset, useArchive } from './support';

const MULTIPART = 'generated/multipart-150MiB.bin';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

/** Writes a temp folder that claims `completed` parts (index → MD5) beside `data`. */
async function plantTemp(
  target: string,
  file: PlannedFile,
  completed: Record<string, string>,
  data: Uint8Array,
  partial: Record<string, unknown> = {},
): Promise<void> {
  const temp = tempPaths(target);
  await mkdir(temp.dir, { recursive: true });
  await writeFile(temp.data, data);
  await writeFile(
    temp.state,
    JSON.stringify({
      version: 1,
      size: file.size,
      etag: file.etag,
      partSize: partLayout(file.size).partSize,
      completed,
      partial,
    }),
  );
}

describe('download engine: resume re-verifies, one download per target, no endless trickle', function () {
  this.timeout(120_000);
  const logs: string[] = [];
  const env = useArchive(() => {
    logs.length = 0;
  });
  const { temps } = env;
  const options: typeof env.options = (destination, extra = {}) =>
    env.options(destination, { onLog: (level, message) => logs.push(`${level}: ${message}`), ...extra });

  it('re-hashes a completed part on resume: a recorded MD5 beside garbage bytes is fetched again', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.zarr, 'README.md');
    const target = join(destination, 'README.md');
    await runDownload([file], options(destination));
    const real = await readFile(target);
    await rm(target);
    // What a power cut leaves: the state was saved, the data never reached the disk.
    await plantTemp(target, file, { 0: md5(real) }, Buffer.alloc(real.length));
    const summary = await runDownload([file], options(destination));
    assert.deepEqual(summary.failed, []);
    assert.equal(summary.bytesFetched, file.size, 'the part was fetched again');
    assert.equal(await etagOfFile(target), file.etag);
    assert.ok(logs.some(l => /does not match its recorded MD5/.test(l)));
  });

  it('re-fetches only the damaged part of a multi-part resume, on the hash worker', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.large, MULTIPART);
    const target = join(destination, file.localPath);
    await runDownload([file], options(destination));
    const real = await readFile(target);
    await rm(target);
    const [first, second] = [partRange(file.size, 0), partRange(file.size, 1)];
    const onDisk = Buffer.from(real.subarray(0, second.end));
    onDisk.fill(0, second.start + 4096, second.start + 8192); // a hole in part 2
    await plantTemp(
      target,
      file,
      { 0: md5(real.subarray(first.start, first.end)), 1: md5(real.subarray(second.start, second.end)) },
      onDisk,
    );
    env.archive().clearLog();
    const summary = await runDownload([file], options(destination));
    assert.deepEqual(summary.failed, []);
    assert.equal(summary.bytesFetched, file.size - first.end, 'parts 2 and 3 fetched, part 1 kept');
    assert.deepEqual(await readFile(target), real);
  });

  it('treats a state.json with invalid numbers as no state', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.zarr, 'README.md');
    const target = join(destination, 'README.md');
    await runDownload([file], options(destination));
    const real = await readFile(target);
    const half = Math.floor(real.length / 2);
    for (const [label, partial] of [
      ['fractional', { 0: half + 0.5 }],
      ['negative', { 0: -1 }],
      ['past the part', { 0: real.length + 10 }],
      ['a part that does not exist', { 7: 1 }],
      ['not a number', { 0: 'many' }],
    ] as const) {
      await rm(target, { force: true });
      // Garbage where the state claims good bytes: only ignoring the state gives the right file.
      await plantTemp(target, file, {}, Buffer.alloc(real.length, 0x41), partial);
      const summary = await runDownload([file], options(destination));
      assert.deepEqual(summary.failed, [], label);
      assert.equal(summary.bytesFetched, file.size, label);
      assert.deepEqual(await readFile(target), real, label);
    }
  });

  it('runs two downloads of one target in one process one after the other: the second waits, then skips', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.large, MULTIPART);
    const [a, b] = await Promise.all([
      runDownload([file], options(destination)),
      runDownload([file], options(destination)),
    ]);
    assert.deepEqual([...a.failed, ...b.failed], []);
    assert.deepEqual([...a.downloaded, ...b.downloaded], [MULTIPART]);
    assert.deepEqual([...a.skipped, ...b.skipped], [MULTIPART]);
    assert.ok(
      logs.some(l => l.includes(`waiting: its target is in use by another download (pid ${process.pid}`)),
    );
    assert.equal(await etagOfFile(join(destination, file.localPath)), file.etag);
  });

  it('refuses a target locked by another live process, and takes over once that process is gone', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.zarr, 'README.md');
    const target = join(destination, 'README.md');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = other.pid ?? 0;
      await mkdir(tempPaths(target).dir, { recursive: true });
      const lock = join(tempPaths(target).dir, 'lock');
      await writeFile(lock, JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00Z' }));
      const refused = await runDownload([file], options(destination, { lockWaitMs: 300 }));
      assert.equal(refused.failed.length, 1);
      assert.match(refused.failed[0].reason, new RegExp(`in use by another download \\(pid ${pid}, since`));
      assert.equal(await exists(target), false);
      assert.ok(logs.some(l => /waiting: its target is in use/.test(l)));
      const gone = new Promise(resolve => other.once('exit', resolve));
      other.kill();
      await gone;
      const taken = await runDownload([file], options(destination, { lockWaitMs: 300 }));
      assert.deepEqual(taken.failed, []);
      assert.equal(await etagOfFile(target), file.etag);
      assert.equal(await exists(tempPaths(target).dir), false, 'lock and temp folder removed');
    } finally {
      other.kill();
    }
  });

  it('takes over a lock of another host unrefreshed for longer than the stale time, and its own leftover', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.zarr, 'README.md');
    const target = join(destination, 'README.md');
    await mkdir(tempPaths(target).dir, { recursive: true });
    const lock = join(tempPaths(target).dir, 'lock');
    await writeFile(lock, JSON.stringify({ pid: 1, host: 'elsewhere', since: '2026-01-01T00:00:00Z' }));
    const fresh = await runDownload([file], options(destination, { lockWaitMs: 200 }));
    assert.match(fresh.failed[0]?.reason ?? '', /in use by another download \(pid 1 on elsewhere/);
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(lock, old, old);
    const summary = await runDownload([file], options(destination, { lockWaitMs: 200 }));
    assert.deepEqual(summary.failed, []);

    // Left by this very process, but not by any lock it holds now: stale at once.
    await rm(join(destination, 'README.md'));
    await mkdir(tempPaths(target).dir, { recursive: true });
    const own = { pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00Z', token: 'gone' };
    await writeFile(lock, JSON.stringify(own));
    const again = await runDownload([file], options(destination, { lockWaitMs: 200 }));
    assert.deepEqual(again.failed, []);
    assert.equal(await etagOfFile(target), file.etag);
  });

  it('gives up on a server that trickles forever, after the retry budget', async function () {
    this.timeout(60_000);
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.large, MULTIPART);
    // Always moving, never idle: only the minimum rate tells it from a slow but useful link.
    env.archive().faults.set({ bandwidthBytesPerSec: 40_000 });
    const summary = await runDownload(
      [file],
      options(destination, {
        parallelParts: 1,
        maxAttempts: 3,
        minimumRate: { bytesPerSec: 400_000, windowMs: 400 },
      }),
    );
    assert.equal(summary.failed.length, 1);
    assert.match(summary.failed[0].reason, /gave up after 3 attempts: too slow: \d+ bytes in/);
  });
});
