// The persistent metadata cache: a second open of the same blob repeats its metadata calls with
// no request at all; entries are keyed by identity and evicted whole, least recently used first.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
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
});
