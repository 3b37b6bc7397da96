import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { partRange } from '../../../src/dandi/etag';
import { runDownload } from '../../../src/download/engine';
import { tempPaths } from '../../../src/download/tempState';
import { INDEX_RELATIVE_PATH } from '../../../src/download/verifiedIndex';
import type { PositionalWriter } from '../../../src/download/types';
import { etagOfFile, exists, plan, planAsset, useArchive } from './support';

const MULTIPART = 'generated/multipart-150MiB.bin';

describe('download engine: cancel, resume, skip, full disk, Zarr', function () {
  this.timeout(120_000);
  const env = useArchive();
  const { temps, options } = env;

  it('cancels halfway keeping resumable temp data; the next run fetches only what is missing', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.large, MULTIPART);
    const target = join(destination, file.localPath);
    env.archive().faults.set({ bandwidthBytesPerSec: 60 * 1024 * 1024 });
    const controller = new AbortController();
    let doneAtAbort = 0;
    const first = await runDownload([file], {
      ...options(destination),
      signal: controller.signal,
      onProgress: p => {
        if (p.bytesDone >= file.size / 2 && !controller.signal.aborted) {
          doneAtAbort = p.bytesDone;
          controller.abort();
        }
      },
    });
    assert.equal(first.cancelled, true);
    assert.equal(await exists(target), false, 'no target after cancel');
    const state = JSON.parse(await readFile(tempPaths(target).state, 'utf8')) as {
      partial: Record<string, number>;
      completed: Record<string, string>;
    };
    const completed = Object.keys(state.completed).reduce((n, i) => {
      const { start, end } = partRange(file.size, Number(i));
      return n + end - start;
    }, 0);
    const kept = Object.values(state.partial).reduce((n, b) => n + b, 0) + completed;
    assert.ok(kept >= doneAtAbort * 0.9, `kept ${kept} of ${doneAtAbort} received bytes`);

    env.archive().faults.reset();
    env.archive().clearLog();
    const second = await runDownload([file], options(destination));
    assert.deepEqual(second.failed, []);
    assert.equal(await etagOfFile(target), file.etag);
    const missing = file.size - kept;
    assert.equal(second.bytesFetched, missing, 'fetched exactly the missing bytes');
    const served = env
      .archive()
      .log.filter(e => e.origin === 'blob')
      .reduce((n, e) => n + e.bytes, 0);
    assert.equal(served, missing);
  });

  it('starts over when the temp data does not match its state (damaged, missing, or another blob)', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.zarr, 'README.md');
    const target = join(destination, 'README.md');
    const temp = tempPaths(target);
    const garbage = Buffer.alloc(file.size, 0x41);
    const claim = (etag: string) =>
      JSON.stringify({
        version: 1,
        size: file.size,
        etag,
        partSize: 64 * 1024 * 1024,
        completed: { 0: createHash('md5').update(garbage).digest('hex') },
        partial: {},
      });
    for (const [label, state, data] of [
      ['damaged data', claim(file.etag ?? ''), garbage],
      ['missing data', claim(file.etag ?? ''), undefined],
      ['another blob', claim('0'.repeat(32) + '-1'), garbage],
    ] as const) {
      await rm(target, { force: true });
      await mkdir(temp.dir, { recursive: true });
      await writeFile(temp.state, state);
      if (data) await writeFile(temp.data, data);
      else await rm(temp.data, { force: true });
      const summary = await runDownload([file], options(destination, { existing: 'overwrite' }));
      assert.deepEqual(summary.failed, [], label);
      assert.equal(await etagOfFile(target), file.etag, label);
      assert.equal(await exists(temp.dir), false, label);
    }
  });

  it('skips an identical file from the record without reading it; hashes once when there is no record', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.zarr, 'README.md');
    const target = join(destination, 'README.md');
    assert.deepEqual((await runDownload([file], options(destination))).downloaded, ['README.md']);
    const { mtime } = await stat(target);

    // Same size and mtime, different bytes: a re-hash would notice; the record vouches instead.
    const original = await readFile(target);
    const altered = Buffer.from(original);
    altered[0] ^= 0xff;
    await writeFile(target, altered);
    await utimes(target, new Date(), mtime);
    env.archive().clearLog();
    const skipped = await runDownload([file], options(destination));
    assert.deepEqual(skipped.skipped, ['README.md']);
    assert.equal(env.archive().log.length, 0, 'no request at all');
    assert.deepEqual(await readFile(target), altered, 'file untouched (not read, not replaced)');

    // Without the record the file is hashed: the altered one is replaced, then recorded.
    await rm(join(destination, INDEX_RELATIVE_PATH));
    const redone = await runDownload([file], options(destination));
    assert.deepEqual(redone.downloaded, ['README.md']);
    assert.deepEqual(await readFile(target), original);
    await rm(join(destination, INDEX_RELATIVE_PATH));
    env.archive().clearLog();
    const hashed = await runDownload([file], options(destination));
    assert.deepEqual(hashed.skipped, ['README.md']);
    assert.equal(env.archive().log.length, 0);
    assert.ok(await exists(join(destination, INDEX_RELATIVE_PATH)), 'recorded after hashing');
  });

  it('overwrites identical files when asked to', async () => {
    const destination = await temps.make();
    const file = await planAsset(env.archive(), env.archive().ids.zarr, 'README.md');
    await runDownload([file], options(destination));
    const again = await runDownload([file], options(destination, { existing: 'overwrite' }));
    assert.deepEqual(again.downloaded, ['README.md']);
  });

  it('ends with a clear error and no partial target when the disk is full', async function () {
    const root = await temps.make();
    const destination = join(root, 'small');
    await mkdir(destination);
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', destination], { stdio: 'ignore' });
      mounted = true;
    } catch {
      // Not root: inject the error the kernel would give instead.
    }
    this.test!.title += mounted ? ' (real 1 MiB tmpfs)' : ' (injected ENOSPC)';
    try {
      const file = await planAsset(env.archive(), env.archive().ids.large, MULTIPART);
      const injected = async (path: string): Promise<PositionalWriter> => {
        const { openPositionalWriter } = await import('../../../src/download/writer');
        const real = await openPositionalWriter(path);
        return {
          ...real,
          write: async (data, position) => {
            if (position + data.length > 1024 * 1024)
              throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
            return real.write(data, position);
          },
        };
      };
      const summary = await runDownload(
        [file],
        options(destination, mounted ? {} : { openWriter: injected }),
      );
      assert.equal(summary.failed.length, 1);
      assert.match(
        summary.failed[0].reason,
        /The disk is full while writing .*nothing was left at the target/,
      );
      const left = (await readdir(destination)).filter(n => n !== '.dandi');
      assert.deepEqual(left, [], 'no partial target, no temp data');
    } finally {
      if (mounted) execFileSync('umount', [destination]);
    }
  });

  it('downloads a Zarr asset entry by entry, each MD5 checked, into <name>.zarr/', async () => {
    const destination = await temps.make();
    const files = await plan(env.archive(), {
      kind: 'glob',
      dandisetId: env.archive().ids.zarr,
      version: 'draft',
      path: '*.zarr',
    });
    const zarr = files.find(f => f.zarr);
    assert.ok(zarr?.zarr, 'the Zarr Dandiset lists a Zarr asset');
    const summary = await runDownload(files, options(destination));
    assert.deepEqual(summary.failed, []);
    const root = join(destination, zarr.localPath);
    assert.match(root, /\.zarr$/);
    const entries: { Key: string; ETag: string; Size: number }[] = [];
    for (let url: string | null = `${zarr.zarr.apiUrl}/zarr/${zarr.zarr.zarrId}/files/`; url;) {
      const page = (await (await fetch(url)).json()) as { next: string | null; results: typeof entries };
      entries.push(...page.results);
      url = page.next;
    }
    assert.ok(entries.length > 1);
    for (const e of entries) {
      const bytes = await readFile(join(root, ...e.Key.split('/')));
      assert.equal(bytes.length, e.Size, e.Key);
      assert.equal(createHash('md5').update(bytes).digest('hex'), e.ETag.replace(/"/g, ''), e.Key);
    }
    for (const name of await readdir(root, { recursive: true })) {
      assert.ok(!name.endsWith('.dandidownload'), `no temp left: ${name}`);
    }

    // Files the Zarr does not have are deleted on the next download (dandi-cli), links as links.
    const outside = await temps.make();
    await writeFile(join(outside, 'keep.txt'), 'not ours');
    await mkdir(join(root, 'stray', 'deeper'), { recursive: true });
    await writeFile(join(root, 'stray', 'deeper', 'old.bin'), 'x');
    await writeFile(join(root, 'left-over.json'), '{}');
    await symlink(outside, join(root, 'link-out'));
    const again = await runDownload(files, options(destination));
    assert.deepEqual(again.failed, []);
    const listed = new Set(entries.map(e => e.Key));
    const files2 = (await readdir(root, { recursive: true, withFileTypes: true })).filter(
      d => !d.isDirectory(),
    );
    assert.deepEqual(
      files2.map(d => relative(root, join(d.parentPath, d.name)).split(sep).join('/')).sort(),
      [...listed, '.dandi-zarr.json'].sort(),
      'the Zarr and the marker of the folder this extension made',
    );
    assert.deepEqual(await readdir(outside), ['keep.txt'], 'the link was removed, not followed');
  });
});
