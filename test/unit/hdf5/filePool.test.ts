// Files kept open after their close (filePool.ts) and answers kept in the persistent cache: a
// reopen within the grace period sends no request for what was read, a reopen in a new session
// answers the walk from the cache entry, and kept files close on idle, past the bounds, at
// sign-out (private ones) and at deactivation, freeing what they held.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { closeKeptHdf5Files } from '../../../src/hdf5/engine';
import { keptFiles } from '../../../src/hdf5/filePool';
import { MetadataCache } from '../../../src/hdf5/metadataCache';
import type { Hdf5File, SourceSpec } from '../../../src/hdf5/types';
import { corpusAssets, FIXTURES, isNumericInfo, open } from './helpers';

const KEEP = { keepAliveMs: 60_000 };

/** The first numeric dataset with data of a walk, read whole. */
async function someData(file: Hdf5File) {
  const snapshot = await file.walk('/');
  const path = Object.keys(snapshot.datasets).find(p => {
    const info = snapshot.datasets[p];
    return isNumericInfo(info) && info.shape.length > 0 && info.shape.every(n => n > 0);
  });
  assert.ok(path, 'the file has a numeric dataset');
  return { path, result: await file.read(path) };
}

describe('hdf5 files kept open after close', function () {
  this.timeout(60_000);
  let archive: StandInArchive;
  let dir: string;
  let asset: { id: string; size: number; blobUrl: string };
  const spec = (extra: Partial<Extract<SourceSpec, { kind: 'dandi' }>> = {}): SourceSpec => ({
    kind: 'dandi',
    apiUrl: archive.apiUrl,
    assetId: asset.id,
    identity: `kept-${asset.id}`,
    size: asset.size,
    ...extra,
  });
  before(async () => {
    archive = await startArchive({ corpusDirs: [FIXTURES] });
    dir = mkdtempSync(join(tmpdir(), 'hdf5-kept-'));
    const found = (await corpusAssets(archive)).get('ipfx__2018_03_20_0005.nwb');
    assert.ok(found);
    asset = found;
  });
  afterEach(() => closeKeptHdf5Files());
  after(async () => {
    await archive?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a reopen within the grace period sends no request for data already read', async () => {
    const first = await open(spec(), KEEP);
    const read = await someData(first);
    assert.ok(first.stats().requests > 0);
    await first.close();
    assert.deepEqual(keptFiles().idle, 1, 'the closed file waits');
    await assert.rejects(first.read(read.path), /closed/, 'its closed handle stays closed');

    archive.clearLog();
    const second = await open(spec(), KEEP);
    try {
      assert.deepEqual(await second.read(read.path), read.result);
      assert.deepEqual(await someData(second), read);
      assert.equal(second.stats().requests, 0, 'this open counts only its own requests');
      assert.deepEqual(archive.log, [], 'nothing reached the archive');
      assert.equal(keptFiles().idle, 0, 'in use again');
    } finally {
      await second.close();
    }
  });

  it('two opens of one file share it; each close ends only its own handle', async () => {
    const a = await open(spec(), KEEP);
    const b = await open(spec(), KEEP);
    await a.list('/');
    await a.close();
    assert.ok((await b.list('/')).length > 0, 'the other handle still reads');
    assert.deepEqual(keptFiles(), { ...keptFiles(), kept: 1, idle: 0 });
    await b.close();
    assert.equal(keptFiles().idle, 1);
  });

  it('other credentials do not find a file kept for one', async () => {
    const blob = (headers: Record<string, string>): SourceSpec => ({
      kind: 'http',
      url: asset.blobUrl,
      identity: `kept-blob-${asset.id}`,
      headers,
    });
    const first = await open(blob({ 'x-reader': 'one' }), KEEP);
    await first.list('/');
    await first.close();
    const other = await open(blob({ 'x-reader': 'two' }), KEEP);
    try {
      await other.list('/');
      assert.ok(other.stats().requests > 0, 'read anew with its own headers');
    } finally {
      await other.close();
    }
    assert.equal(keptFiles().kept, 2);
  });

  it('a reopen in a new session answers the walk from the persistent cache entry', async () => {
    const cacheDir = join(dir, 'session');
    const first = await open(spec(), { metadataCacheDir: cacheDir });
    const walked = await first.walk('/');
    const identity = first.info.identity;
    await first.close();
    assert.equal(keptFiles().kept, 0, 'not kept: keepAliveMs defaults to 0');

    const cache = new MetadataCache(cacheDir, 1e9);
    const entry = await cache.load(identity);
    assert.ok(entry);
    const key = [...entry.answers.keys()].find(k => JSON.parse(k).op === 'walk');
    assert.ok(key, 'the walk is in the entry');
    const saved = entry.answers.get(key);
    assert.ok(saved);
    assert.deepEqual(deserialize(saved), walked);
    // Marked so that only the entry can answer it (the file's own walk has no such object).
    const marked = {
      ...walked,
      entries: [...walked.entries, { ...walked.entries[0], name: 'from-the-cache' }],
    };
    entry.answers.set(key, serialize(marked));
    await cache.save(identity, entry.size, entry.runs, entry.answers);

    archive.clearLog();
    const second = await open(spec(), { metadataCacheDir: cacheDir });
    try {
      assert.deepEqual(await second.walk('/'), marked, 'the walk came from the entry, not from h5wasm');
      assert.equal(second.stats().requests, 0);
      assert.ok(second.stats().metadataCacheHits > 0);
      assert.deepEqual(archive.log, []);
    } finally {
      await second.close();
    }
  });

  it('idle files close after the grace period, past the bounds, and at sign-out or deactivation', async () => {
    const local = (name: string): SourceSpec => ({ kind: 'local', path: join(FIXTURES, name) });
    const names = [
      'ipfx__2018_03_20_0005.nwb',
      'nwblinkml__aibs.nwb',
      'mies__AB_SweepsFromMultipleDevices-V2.nwb',
      'neuroconv__nwb_test.nwb',
      'pynwb__1.0.2_nwbfile.nwb',
    ];
    for (const name of names) {
      const file = await open(local(name), KEEP);
      await file.list('/');
      await file.close();
    }
    assert.equal(keptFiles().idle, 4, 'at most four idle files');
    assert.ok(keptFiles().idleCacheBytes > 0);
    const evicted = await open(local(names[0]), KEEP);
    await evicted.list('/');
    assert.ok(evicted.stats().requests > 0, 'the longest idle one was closed, its cache freed');
    await evicted.close();
    const kept = await open(local(names[4]), KEEP);
    await kept.list('/');
    assert.equal(kept.stats().requests, 0, 'the most recent one was kept');
    await kept.close();

    // A private file (read with a key) closes at sign-out; open ones wait for deactivation.
    const secret = await open(spec({ private: true }), KEEP);
    await secret.list('/');
    await secret.close();
    const before = keptFiles().kept;
    await closeKeptHdf5Files('private');
    assert.equal(keptFiles().kept, before - 1, 'only the private one closed');
    await closeKeptHdf5Files();
    assert.deepEqual(keptFiles(), { kept: 0, idle: 0, idleCacheBytes: 0 });

    const brief = await open(local(names[1]), { keepAliveMs: 200 });
    await brief.list('/');
    await brief.close();
    assert.equal(keptFiles().idle, 1);
    await new Promise(resolve => setTimeout(resolve, 500));
    assert.equal(keptFiles().kept, 0, 'closed once idle for its grace period');
  });
});
