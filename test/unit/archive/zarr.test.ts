import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { zarrChecksum } from '../../archive/zarr';
import { get, getJson, header, type PageBody, useArchive } from './helpers';

interface ZarrRecord {
  zarr_id: string;
  dandiset: string;
  status: string;
  checksum: string;
  file_count: number;
  size: number;
}
interface ZarrFiles {
  next: string | null;
  results: { Key: string; ETag: string; Size: number; LastModified: string }[];
}

describe('stand-in archive: Zarr endpoints and entries', () => {
  const archive = useArchive();

  async function zarrAsset(): Promise<{ zarrId: string; checksum: string; url: string }> {
    const a = archive();
    const page = await getJson<
      PageBody<{ zarr: string; metadata: { digest: Record<string, string>; contentUrl: string[] } }>
    >(`${a.apiUrl}/dandisets/${a.ids.zarr}/versions/draft/assets/?zarr=true&metadata=true`);
    const asset = page.results[0] as {
      zarr: string;
      metadata: { digest: Record<string, string>; contentUrl: string[] };
    };
    return {
      zarrId: asset.zarr,
      checksum: asset.metadata.digest['dandi:dandi-zarr-checksum'] as string,
      url: asset.metadata.contentUrl[1] as string,
    };
  }

  it('serves the Zarr record and lists it by Dandiset', async () => {
    const a = archive();
    const { zarrId, checksum, url } = await zarrAsset();
    assert.equal(url, `${a.blobOrigin}/zarr/${zarrId}/`);
    const record = await getJson<ZarrRecord>(`${a.apiUrl}/zarr/${zarrId}/`);
    assert.equal(record.status, 'Complete');
    assert.equal(record.checksum, checksum);
    assert.equal(record.dandiset, a.ids.zarr);
    const list = await getJson<PageBody<ZarrRecord>>(`${a.apiUrl}/zarr/?dandiset=${a.ids.zarr}`);
    assert.deepEqual(
      list.results.map(z => z.zarr_id),
      [zarrId],
    );
    assert.equal((await get(`${a.apiUrl}/zarr/00000000-0000-4000-8000-000000000000/`)).status, 404);
  });

  it('lists entries with prefix, after and limit; the tree checksum matches the metadata', async () => {
    const a = archive();
    const { zarrId, checksum } = await zarrAsset();
    const all: ZarrFiles['results'] = [];
    let next: string | null = `${a.apiUrl}/zarr/${zarrId}/files/?limit=3`;
    while (next) {
      const page: ZarrFiles = await getJson<ZarrFiles>(next);
      all.push(...page.results);
      next = page.next;
    }
    const record = await getJson<ZarrRecord>(`${a.apiUrl}/zarr/${zarrId}/`);
    assert.equal(all.length, record.file_count);
    assert.equal(zarrChecksum(all.map(e => ({ key: e.Key, md5: e.ETag, size: e.Size }))), checksum);
    const arrays = await getJson<ZarrFiles>(`${a.apiUrl}/zarr/${zarrId}/files/?prefix=0/`);
    assert.ok(arrays.results.every(e => e.Key.startsWith('0/')));
  });

  it('serves entries on the blob host with ETag = MD5, directly and through download=true', async () => {
    const a = archive();
    const { zarrId } = await zarrAsset();
    const direct = await request(`${a.blobOrigin}/zarr/${zarrId}/0/0.0`);
    const body = Buffer.from(await direct.body.arrayBuffer());
    assert.equal(direct.statusCode, 200);
    assert.equal(direct.headers.etag, `"${createHash('md5').update(body).digest('hex')}"`);
    const redirect = await get(`${a.apiUrl}/zarr/${zarrId}/files/?prefix=0/0.0&download=true`);
    assert.equal(redirect.status, 302);
    const signed = await request(header(redirect, 'location'));
    assert.deepEqual(Buffer.from(await signed.body.arrayBuffer()), body);
    const headRedirect = await get(
      `${a.apiUrl}/zarr/${zarrId}/files/?prefix=0/0.0&download=true`,
      {},
      'HEAD',
    );
    assert.equal((await get(header(headRedirect, 'location'), {}, 'HEAD')).status, 200, 'presigned for HEAD');
  });
});
