import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetRecord } from '../../../src/dandi/types';
import { zarrSpecForAsset } from '../../../src/zarr/assetSpec';
import { ZarrError } from '../../../src/zarr/errors';
import { ZarrMetadataCache } from '../../../src/zarr/metadataCache';
import { openZarr } from '../../../src/zarr/reader';
import { EMBARGOED_ZARR_PATH } from '../../archive/zarrCorpus';
import { getJson, type PageBody, tokenHeader, useArchive } from '../archive/helpers';

const NWB = 'zarr/aind__multiplane-ophys_eye-tracking.nwb.zarr';

describe('Zarr reader through the stand-in archive', () => {
  const archive = useArchive({ embargoedZarr: true });

  async function assets(dandisetId: string, apiKey?: string): Promise<AssetRecord[]> {
    const a = archive();
    const page = await getJson<PageBody<AssetRecord>>(
      `${a.apiUrl}/dandisets/${dandisetId}/versions/draft/assets/?zarr=true&metadata=true&page_size=100`,
      apiKey ? tokenHeader(apiKey) : {},
    );
    return page.results;
  }

  async function corpusAsset(path: string): Promise<AssetRecord> {
    const found = (await assets(archive().ids.zarrCorpus)).find(a => a.path === path);
    assert.ok(found, `${path} is served`);
    return found;
  }

  it('serves every fixture store as a Zarr asset of the corpus Dandiset', async () => {
    const paths = (await assets(archive().ids.zarrCorpus)).map(a => a.path);
    assert.ok(paths.includes(NWB));
    assert.ok(paths.includes('nwb/hdmfzarr__example.zarr'));
    assert.ok(paths.includes('zarr/zarritajs__v3_data.zarr'));
    assert.equal(paths.length, 15);
  });

  it('opens the NWB-Zarr store from its S3 prefix with one request and reads a column', async () => {
    const a = archive();
    const spec = zarrSpecForAsset(await corpusAsset(NWB), a.apiUrl);
    assert.equal(spec.kind === 'dandi' && spec.baseUrl?.startsWith(a.blobOrigin), true);
    a.clearLog();
    const reader = await openZarr(spec);
    assert.equal(reader.consolidated, true);
    assert.equal(reader.requests, 1);
    const table = await reader.children('processing/eye_tracking/eye_tracking');
    assert.equal(table.length, 11);
    assert.equal(reader.requests, 1);
    const { values } = await reader.read('processing/eye_tracking/eye_tracking/timestamps', [
      { start: 0, stop: 3 },
    ]);
    assert.deepEqual(Array.from(values as Float64Array), [0.56842, 0.58508, 0.60175]);
    // One chunk of 47,721 rows, nothing else.
    assert.equal(reader.requests, 2);
    assert.ok(
      a.log.every(e => !e.url.includes('/files/')),
      'no listing',
    );
  });

  it('answers the fill value where a key is absent (S3 says 403 to anonymous callers)', async () => {
    const reader = await openZarr(
      zarrSpecForAsset(await corpusAsset('zarr/zarrpy__fixture_subset.zarr'), archive().apiUrl),
    );
    // Its chunk is stored at 0/0 while the metadata says ".": the key 0.0 is absent.
    const legacy = await reader.read('nested_legacy', []);
    assert.deepEqual(Array.from(legacy.values as BigInt64Array), [0n, 0n, 0n, 0n]);
    assert.equal(legacy.missingChunks, 1, 'said, not shown as data');
    const nested = await reader.read('nested', []);
    assert.deepEqual(Array.from(nested.values as BigInt64Array), [1n, 2n, 3n, 4n]);
    assert.equal(nested.missingChunks, 0);
  });

  it('lists a group through the API where there is no consolidated metadata, reading keys from S3', async () => {
    const a = archive();
    const spec = zarrSpecForAsset(await corpusAsset('zarr/zarrimpl__zarr.zr'), a.apiUrl);
    assert.ok(spec.kind === 'dandi' && spec.baseUrl);
    const reader = await openZarr(spec);
    assert.equal(reader.consolidated, false);
    a.clearLog();
    assert.deepEqual(
      (await reader.children('')).map(c => c.path),
      ['blosc', 'gzip', 'raw', 'zlib'],
    );
    assert.ok(a.log.some(e => e.origin === 'api' && e.url.includes('/files/?prefix=')));
    a.clearLog();
    const pixel = await reader.read('gzip', [0, 0, null]);
    assert.deepEqual(Array.from(pixel.values as Uint8Array), [154, 147, 151]);
    // Chunks are 100 × 100 × 1: one pixel's three channels are three chunks.
    assert.deepEqual(
      a.log.map(e => `${e.origin} ${e.url}`).sort(),
      ['0.0.0', '0.0.1', '0.0.2'].map(k => `blob /zarr/${spec.zarrId}/gzip/${k}`),
    );
  });

  it('reads through the API alone when no public prefix is known', async () => {
    const a = archive();
    const asset = await corpusAsset('zarr/neuroglancer__simple_0.4.ome.zarr');
    const reader = await openZarr(zarrSpecForAsset({ zarr: asset.zarr }, a.apiUrl));
    const { values } = await reader.read('scale1/image', []);
    assert.equal(
      Array.from(values as Uint16Array).reduce((x, y) => x + y, 0),
      1085,
    );
  });

  it('reads an embargoed Zarr through presigned per-key redirects with the key on the API only', async () => {
    const a = archive();
    const asset = (await assets(a.ids.embargoed, a.apiKeys.owner)).find(x => x.path === EMBARGOED_ZARR_PATH);
    assert.ok(asset);
    const anonymous = zarrSpecForAsset(asset, a.apiUrl);
    assert.equal(anonymous.kind === 'dandi' ? anonymous.baseUrl : 'x', undefined);
    await assert.rejects(
      openZarr(anonymous),
      (error: unknown) => error instanceof ZarrError && error.code === 'forbidden',
    );
    await assert.rejects(
      openZarr(zarrSpecForAsset(asset, a.apiUrl, a.apiKeys.other)),
      (error: unknown) => error instanceof ZarrError && error.code === 'forbidden',
    );
    a.clearLog();
    const reader = await openZarr(zarrSpecForAsset(asset, a.apiUrl, a.apiKeys.owner));
    const { values } = await reader.read('scale0/image', []);
    assert.equal(
      Array.from(values as Uint16Array).reduce((x, y) => x + y, 0),
      4950,
    );
    const blobRequests = a.log.filter(e => e.origin === 'blob');
    assert.ok(blobRequests.length >= 2);
    assert.ok(
      blobRequests.every(e => e.headers.authorization === undefined),
      'no API key on the blob host',
    );
    assert.ok(a.log.filter(e => e.origin === 'api').every(e => e.url.includes('download=true')));
  });

  it('reopens an archive Zarr from the metadata cache (keyed by its checksum) without a request', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'zarr-meta-'));
    try {
      const spec = zarrSpecForAsset(await corpusAsset('zarr/omezarrmodels__cat.ome.zarr'), archive().apiUrl);
      assert.ok(spec.kind === 'dandi' && spec.checksum);
      const first = await openZarr(spec, { metadataCacheDir: cacheDir });
      const levels = await Promise.all(['0', '1', '2', '3', '4'].map(p => first.node(p)));
      await first.close();
      const second = await openZarr(spec, { metadataCacheDir: cacheDir });
      assert.deepEqual(await Promise.all(['0', '1', '2', '3', '4'].map(p => second.node(p))), levels);
      assert.equal(second.requests, 0);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('keeps what was read with the key apart: sign-out deletes it and leaves the public entries', async () => {
    const a = archive();
    const cacheDir = mkdtempSync(join(tmpdir(), 'zarr-meta-'));
    try {
      const embargoed = (await assets(a.ids.embargoed, a.apiKeys.owner)).find(
        x => x.path === EMBARGOED_ZARR_PATH,
      );
      assert.ok(embargoed);
      const keyed = zarrSpecForAsset(embargoed, a.apiUrl, a.apiKeys.owner);
      const open = zarrSpecForAsset(await corpusAsset('zarr/omezarrmodels__cat.ome.zarr'), a.apiUrl);
      await (await openZarr(keyed, { metadataCacheDir: cacheDir })).close();
      const first = await openZarr(open, { metadataCacheDir: cacheDir });
      await first.node('0');
      await first.close();
      const cache = new ZarrMetadataCache(cacheDir, 0);
      assert.equal(await cache.deletePrivate(), 1, "the embargoed store's entry");
      assert.equal(await cache.deletePrivate(), 0);
      a.clearLog();
      const reopened = await openZarr(open, { metadataCacheDir: cacheDir });
      await reopened.node('0');
      assert.equal(reopened.requests, 0, 'the public entry is still there');
      await reopened.close();
      const again = await openZarr(keyed, { metadataCacheDir: cacheDir });
      assert.ok(again.requests > 0, 'the embargoed store is read again, with the key');
      await again.close();
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
