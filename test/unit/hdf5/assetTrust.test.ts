// What a `dandi-asset:` link may decide, against the stand-in archive: a link whose `blob=` points
// at another file of the archive (a poisoned link) shows the genuine asset, and leaves the
// metadata cache of the genuine open from the tree untouched. Entries read with an API key go at
// sign-out; those of open assets stay.
import * as assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAssetUri, vouchForAsset, type RemoteAssetRef } from '../../../src/dandi/assetUri';
import { forgetPrivateMetadata, MetadataCache } from '../../../src/hdf5/metadataCache';
import { assetSourceSpec } from '../../../src/hdf5/sources/dandi';
import { DandiSession, type SecretStore } from '../../../src/session/session';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { FIXTURES, open, walk } from './helpers';

interface LinkedAsset {
  assetId: string;
  blobUrl: string;
  size: number;
}

const GENUINE = 'pynwb__1.0.2_nwbfile.nwb';
const FOREIGN = 'nwblinkml__aibs.nwb';

describe('dandi-asset links and the metadata cache', function () {
  this.timeout(60_000);
  let archive: StandInArchive;
  let dir: string;
  let paths: Map<string, string>;
  before(async () => {
    archive = await startArchive({ corpusDirs: [FIXTURES] });
    dir = mkdtempSync(join(tmpdir(), 'asset-trust-'));
    const listing = (await (
      await fetch(`${archive.apiUrl}/dandisets/${archive.ids.corpus}/versions/draft/assets/?page_size=1000`)
    ).json()) as { results: { path: string }[] };
    paths = new Map(listing.results.map(a => [a.path.split('/').pop() as string, a.path]));
  });
  after(async () => {
    await archive?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function poisoned(): Promise<{ link: string; genuine: LinkedAsset; foreign: LinkedAsset }> {
    const query = new URLSearchParams({
      dandiset: archive.ids.corpus,
      path: paths.get(GENUINE) ?? '',
      foreign: paths.get(FOREIGN) ?? '',
    });
    const response = await fetch(`${archive.controlUrl}/poisoned-link?${query}`);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { link: string; genuine: LinkedAsset; foreign: LinkedAsset };
  }

  it('a poisoned link shows the genuine asset and does not touch the genuine cache entry', async () => {
    const cacheDir = join(dir, 'poisoned');
    const options = { metadataCacheDir: cacheDir };
    const { link, genuine, foreign } = await poisoned();
    const hostile = parseAssetUri(link);
    assert.equal(hostile.blobUrl, foreign.blobUrl, 'the archive served a link with a foreign blob');
    // The tree listed the genuine asset first (the harder case: a vouched entry exists).
    const fromTree: RemoteAssetRef = { ...hostile, size: genuine.size, blobUrl: genuine.blobUrl };
    vouchForAsset(fromTree);

    const local = await open({ kind: 'local', path: join(FIXTURES, GENUINE) });
    const expected = await walk(local);
    await local.close();

    archive.clearLog();
    const viaLink = await open(assetSourceSpec(hostile, undefined), options);
    try {
      assert.deepEqual(await walk(viaLink), expected, 'the link shows the genuine file');
      assert.equal(viaLink.info.size, genuine.size);
    } finally {
      await viaLink.close();
    }
    const foreignPath = new URL(foreign.blobUrl).pathname;
    assert.ok(
      archive.log.every(e => !e.url.startsWith(foreignPath)),
      'nothing was read from the foreign blob',
    );

    const treeSpec = assetSourceSpec(fromTree, undefined);
    assert.ok(treeSpec.kind === 'dandi' && treeSpec.identity);
    const cache = new MetadataCache(cacheDir, 200 * 1024 * 1024);
    assert.equal(await cache.load(treeSpec.identity), null, 'the poisoned open saved nothing for the tree');

    const viaTree = await open(treeSpec, options);
    try {
      assert.deepEqual(await walk(viaTree), expected);
    } finally {
      await viaTree.close();
    }
    // The entry the tree's next open starts from holds the genuine file's bytes.
    const entry = await cache.load(treeSpec.identity);
    assert.ok(entry && entry.runs.length > 0);
    const bytes = readFileSync(join(FIXTURES, GENUINE));
    assert.equal(entry.size, bytes.length);
    for (const run of entry.runs)
      assert.ok(Buffer.from(run.bytes).equals(bytes.subarray(run.offset, run.offset + run.bytes.length)));

    archive.clearLog();
    const again = await open(treeSpec, options);
    try {
      assert.deepEqual(await walk(again), expected);
      assert.equal(again.stats().requests, 0, 'the tree reopens from its own entry');
    } finally {
      await again.close();
    }
  });

  it('a link whose size and blob the API did not vouch for asks the API', () => {
    const ref: RemoteAssetRef = {
      apiUrl: archive.apiUrl,
      assetId: '0b8e5c1a-0000-4000-8000-00000000abcd',
      dandisetId: archive.ids.corpus,
      version: 'draft',
      path: 'x.nwb',
      size: 10,
      blobUrl: `${archive.blobOrigin}/blobs/aaa/bbb/other`,
    };
    const spec = assetSourceSpec(ref, undefined);
    assert.deepEqual(spec, { kind: 'dandi', apiUrl: archive.apiUrl, assetId: ref.assetId });
  });

  it('signing out deletes the entries read with the key and keeps those of open assets', async () => {
    const cacheDir = join(dir, 'signout');
    const options = { metadataCacheDir: cacheDir };
    const { link, genuine } = await poisoned();
    const ref: RemoteAssetRef = { ...parseAssetUri(link), size: genuine.size, blobUrl: genuine.blobUrl };
    vouchForAsset(ref);
    const secrets = new Map<string, string>();
    const store: SecretStore = {
      get: async key => secrets.get(key),
      store: async (key, value) => void secrets.set(key, value),
      delete: async key => void secrets.delete(key),
    };
    const session = new DandiSession({
      instance: { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl },
      secrets: store,
      log: { info: () => undefined, warn: () => undefined },
    });
    try {
      session.onDidSignOut(() => forgetPrivateMetadata(cacheDir));
      await session.signIn(archive.apiKeys.owner);
      const key = await session.apiKey(archive.apiUrl);
      // An open asset from the tree (public), and an asset read with the key through a bare link
      // (as an embargoed one is): only the second is private.
      const publicFile = await open(assetSourceSpec(ref, key), options);
      await walk(publicFile);
      await publicFile.close();
      const bare: RemoteAssetRef = { ...ref };
      delete bare.size;
      delete bare.blobUrl;
      const privateFile = await open(assetSourceSpec(bare, key), options);
      await walk(privateFile);
      await privateFile.close();
      assert.equal(readdirSync(cacheDir).length, 2);

      await session.signOut();
      assert.equal(readdirSync(cacheDir).length, 1, 'one entry left');
      const publicSpec = assetSourceSpec(ref, undefined);
      assert.ok(publicSpec.kind === 'dandi' && publicSpec.identity);
      const kept = await new MetadataCache(cacheDir, 200 * 1024 * 1024).load(publicSpec.identity);
      assert.ok(kept, 'the open asset keeps its entry');
    } finally {
      session.dispose();
    }
  });
});
