// The persistent metadata cache: a second open of the same blob repeats its metadata calls with
// no request at all; entries are keyed by identity and evicted whole, least recently used first.
// A damaged entry, or one the open fails on, repairs itself; temp files of dead writes go.
import * as assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { MetadataCache } from '../../../src/hdf5/metadataCache';
import { corpusAssets, FIXTURES, open, walk } from './helpers';

describe('hdf5 persistent metadata cache', function () {
  this.timeout(60_000);
  let archive: StandInArchive;
  let dir: string;
  before(async () => {
    archive = await startArchive({ corpusDirs: [FIXTURES] });
    dir = mkdtempSync(join(tmpdir(), 'hdf5-metacache-'));
  });
  after(async () => {
    await archive?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second open of a DANDI asset with known identity and size sends no request', async () => {
    const asset = (await corpusAssets(archive)).get('nwblinkml__aibs.nwb');
    assert.ok(asset);
    const cacheDir = join(dir, 'dandi');
    // A small block cache makes the first open fetch in pieces, as a large file would.
    const options = { metadataCacheDir: cacheDir, cacheBytes: 2 * 1024 * 1024 };
    const spec = {
      kind: 'dandi' as const,
      apiUrl: archive.apiUrl,
      assetId: asset.id,
      identity: `test-etag-${asset.id}`,
      size: asset.size,
    };
    const first = await open(spec, options);
    const firstTree = await walk(first);
    assert.ok(first.stats().requests > 0);
    await first.close();

    archive.clearLog();
    const second = await open(spec, options);
    try {
      const secondTree = await walk(second);
      assert.deepEqual(secondTree, firstTree);
      assert.equal(second.stats().requests, 0);
      assert.ok(second.stats().metadataCacheHits > 0);
      assert.deepEqual(archive.log, [], 'nothing reached the archive');
    } finally {
      await second.close();
    }
  });

  it('a second open of a local file reads nothing for the same metadata calls', async () => {
    const cacheDir = join(dir, 'local');
    const path = join(FIXTURES, 'mies__AB_SweepsFromMultipleDevices-V2.nwb');
    const first = await open({ kind: 'local', path }, { metadataCacheDir: cacheDir });
    await walk(first);
    await first.close();
    const second = await open({ kind: 'local', path }, { metadataCacheDir: cacheDir });
    try {
      await walk(second);
      assert.equal(second.stats().requests, 0);
    } finally {
      await second.close();
    }
  });

  it('does not reuse an entry after the local file changed', async () => {
    const cacheDir = join(dir, 'changed');
    const path = join(dir, 'copy.nwb');
    copyFileSync(join(FIXTURES, 'pynwb__1.0.2_nwbfile.nwb'), path);
    const first = await open({ kind: 'local', path }, { metadataCacheDir: cacheDir });
    await walk(first);
    await first.close();
    appendFileSync(path, Buffer.alloc(16));
    const second = await open({ kind: 'local', path }, { metadataCacheDir: cacheDir });
    try {
      assert.notEqual(second.info.identity, first.info.identity);
      assert.ok(second.stats().requests > 0);
    } finally {
      await second.close();
    }
  });

  it('stays within its byte bound by evicting whole least recently used entries', async () => {
    const cacheDir = join(dir, 'bounded');
    const bound = 1_500_000;
    const names = ['ipfx__2018_03_20_0005.nwb', 'nwblinkml__aibs.nwb', 'pynapple__A8604-211122.nwb'];
    for (const name of names) {
      const file = await open(
        { kind: 'local', path: join(FIXTURES, name) },
        { metadataCacheDir: cacheDir, metadataCacheBytes: bound },
      );
      await walk(file);
      await file.close();
      const total = readdirSync(cacheDir).reduce((n, f) => n + statSync(join(cacheDir, f)).size, 0);
      assert.ok(total <= bound, `${total} <= ${bound}`);
    }
    // The most recent file is still cached: reopening it costs nothing.
    const last = await open(
      { kind: 'local', path: join(FIXTURES, names[2]) },
      { metadataCacheDir: cacheDir, metadataCacheBytes: bound },
    );
    try {
      await walk(last);
      assert.equal(last.stats().requests, 0);
    } finally {
      await last.close();
    }
  });

  /** Opens a fixture once through the cache so its entry exists; returns the walk and the entry file. */
  async function cachedLocal(cacheDir: string, name: string) {
    const path = join(FIXTURES, name);
    const first = await open({ kind: 'local', path }, { metadataCacheDir: cacheDir });
    const tree = await walk(first);
    const identity = first.info.identity;
    await first.close();
    const files = readdirSync(cacheDir).filter(f => f.endsWith('.h5meta'));
    assert.equal(files.length, 1);
    return { path, tree, identity, entry: join(cacheDir, files[0]) };
  }

  it('drops a damaged entry (its digest does not match) and repairs it on the next close', async () => {
    const cacheDir = join(dir, 'damaged');
    const { path, tree, identity, entry } = await cachedLocal(cacheDir, 'pynwb__1.0.2_nwbfile.nwb');
    const bytes = readFileSync(entry);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(entry, bytes);
    assert.equal(await new MetadataCache(cacheDir, 1e9).load(identity), null, 'the damage is seen');
    assert.equal(readdirSync(cacheDir).length, 0, 'and the entry is gone');
    const second = await open({ kind: 'local', path }, { metadataCacheDir: cacheDir });
    try {
      assert.deepEqual(await walk(second), tree);
      assert.ok(second.stats().requests > 0, 'read from the file, not from the damaged entry');
    } finally {
      await second.close();
    }
    const third = await open({ kind: 'local', path }, { metadataCacheDir: cacheDir });
    try {
      await walk(third);
      assert.equal(third.stats().requests, 0, 'the repaired entry serves the next open');
    } finally {
      await third.close();
    }
  });

  it('an open that fails on a cached entry drops it and opens again without it', async () => {
    const cacheDir = join(dir, 'wrong-pages');
    const { path, tree, identity } = await cachedLocal(cacheDir, 'pynwb__1.0.2_nwbfile.nwb');
    const size = statSync(path).size;
    // A whole, well-formed entry whose pages are not this file's (an older engine's, a changed blob).
    await new MetadataCache(cacheDir, 1e9).save(identity, size, [
      { offset: 0, bytes: new Uint8Array(64 * 1024).fill(0x5a) },
    ]);
    const reopened = await open({ kind: 'local', path }, { metadataCacheDir: cacheDir });
    try {
      assert.deepEqual(await walk(reopened), tree);
    } finally {
      await reopened.close();
    }
    const entry = await new MetadataCache(cacheDir, 1e9).load(identity);
    assert.ok(entry);
    const file = readFileSync(path);
    for (const run of entry.runs)
      assert.ok(Buffer.from(run.bytes).equals(file.subarray(run.offset, run.offset + run.bytes.length)));
  });

  it('cleans up temp files left by interrupted writes, and only those', async () => {
    const cacheDir = join(dir, 'temps');
    mkdirSync(cacheDir, { recursive: true });
    // A writer that died (no such process), one that ran long ago, and one writing right now.
    const dead = join(cacheDir, `${'a'.repeat(40)}.h5meta.999999999.1.tmp`);
    const old = join(cacheDir, `${'b'.repeat(40)}.h5meta.${process.pid}.2.tmp`);
    const live = join(cacheDir, `${'c'.repeat(40)}.h5meta.${process.pid}.3.tmp`);
    for (const f of [dead, old, live]) writeFileSync(f, 'partial');
    const longAgo = new Date(Date.now() - 3600_000);
    utimesSync(old, longAgo, longAgo);
    assert.equal(await new MetadataCache(cacheDir, 1e9).load('anything'), null);
    assert.deepEqual(readdirSync(cacheDir), [live.split('/').pop()]);
  });
});
