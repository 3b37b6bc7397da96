import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { DandiEtagHasher, dandiEtag } from '../../../src/dandi/etag';
import { defaultFixturesDir } from '../../archive/server';
import { downloadLocation, get, getJson, header, type PageBody, tokenHeader, useArchive } from './helpers';

interface Meta {
  digest: Record<string, string>;
  contentSize: number;
  contentUrl: string[];
}
type Asset = { asset_id: string; path: string; size: number; metadata: Meta };

const nwbDir = join(defaultFixturesDir(), 'nwb');
const largeFile = join(nwbDir, 'matnwb__ecephys_tutorial.nwb');

/** Streams a body through the dandi-etag and SHA-256 hashers. */
async function hashDownload(
  url: string,
  size: number,
): Promise<{ etag: string; sha256: string; status: number; etagHeader: string }> {
  const res = await request(url);
  const etag = new DandiEtagHasher(size);
  const sha = createHash('sha256');
  for await (const chunk of res.body) {
    etag.update(chunk as Buffer);
    sha.update(chunk as Buffer);
  }
  return {
    etag: etag.digest(),
    sha256: sha.digest('hex'),
    status: res.statusCode,
    etagHeader: String(res.headers.etag),
  };
}

describe('stand-in archive: downloads and the blob host', () => {
  const archive = useArchive({ generatedNwbDir: nwbDir, largeFiles: [largeFile] });
  const list = async (id: string, query = ''): Promise<Asset[]> =>
    (
      await getJson<PageBody<Asset>>(
        `${archive().apiUrl}/dandisets/${id}/versions/draft/assets/?metadata=true&page_size=1000${query}`,
      )
    ).results;

  it('redirects downloads (302) to a presigned-looking URL on the blob origin', async () => {
    const a = archive();
    const r = await get(`${a.apiUrl}/assets/bb61e86d-e28f-4da7-b07a-44dfa377cf32/download/`);
    assert.equal(r.status, 302);
    const url = new URL(header(r, 'location'));
    assert.equal(url.origin, a.blobOrigin);
    assert.equal(url.pathname, '/blobs/1a5/4a4/1a54a43e-f675-4603-9935-63ffbe0cb085');
    assert.equal(url.searchParams.get('response-content-disposition'), 'attachment; filename="sub-001.nwb"');
    assert.equal(url.searchParams.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
    assert.match(
      url.searchParams.get('X-Amz-Credential') as string,
      /^\w+\/\d{8}\/us-east-2\/s3\/aws4_request$/,
    );
    assert.match(url.searchParams.get('X-Amz-Date') as string, /^\d{8}T\d{6}Z$/);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '21600');
    assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'host');
    assert.match(url.searchParams.get('X-Amz-Signature') as string, /^[0-9a-f]{64}$/);
    const nested = await get(
      `${a.apiUrl}/dandisets/000064/versions/draft/assets/bb61e86d-e28f-4da7-b07a-44dfa377cf32/download/`,
    );
    assert.equal(nested.status, 302);
    const head = await get(`${a.apiUrl}/assets/bb61e86d-e28f-4da7-b07a-44dfa377cf32/download/`, {}, 'HEAD');
    assert.equal(head.status, 302);
  });

  it('serves S3 headers and byte ranges: 206 + Content-Range, 416 past EOF', async () => {
    const a = archive();
    const [asset] = await list(a.ids.scale, '&path=stimuli/stim-0001.png');
    const url = await downloadLocation(a, (asset as Asset).asset_id);
    const full = await request(url);
    const body = Buffer.from(await full.body.arrayBuffer());
    assert.equal(full.statusCode, 200);
    assert.equal(Number(full.headers['content-length']), body.length);
    assert.equal(full.headers['accept-ranges'], 'bytes');
    assert.equal(full.headers.etag, `"${(asset as Asset).metadata.digest['dandi:dandi-etag']}"`);
    assert.ok(!Number.isNaN(Date.parse(String(full.headers['last-modified']))));
    const size = body.length;
    const cases: [string, number, number][] = [
      ['bytes=10-19', 10, 20],
      ['bytes=50-', 50, size],
      ['bytes=-7', size - 7, size],
      ['bytes=0-999999', 0, size],
    ];
    for (const [range, start, end] of cases) {
      const r = await request(url, { headers: { Range: range } });
      const part = Buffer.from(await r.body.arrayBuffer());
      assert.equal(r.statusCode, 206, range);
      assert.equal(r.headers['content-range'], `bytes ${start}-${end - 1}/${size}`);
      assert.deepEqual(part, body.subarray(start, end));
    }
    const past = await get(url, { Range: `bytes=${size}-` });
    assert.equal(past.status, 416);
    assert.equal(header(past, 'content-range'), `bytes */${size}`);
  });

  it('honours If-Match (412) and If-None-Match (304) like S3', async () => {
    const [asset] = await list('000064');
    const url = (asset as Asset).metadata.contentUrl[1] as string;
    const etag = `"${(asset as Asset).metadata.digest['dandi:dandi-etag']}"`;
    assert.equal((await get(url, { 'If-Match': etag, Range: 'bytes=0-0' })).status, 206);
    const changed = await get(url, {
      'If-Match': '"0123456789abcdef0123456789abcdef-4"',
      Range: 'bytes=0-0',
    });
    assert.equal(changed.status, 412);
    assert.match(changed.text, /<Code>PreconditionFailed<\/Code>/);
    assert.equal((await get(url, { 'If-None-Match': etag })).status, 304);
  });

  it('refuses HEAD on a GET-presigned URL (403) but answers HEAD on the unsigned URL', async () => {
    const a = archive();
    const [asset] = await list('000064');
    const url = await downloadLocation(a, (asset as Asset).asset_id);
    const head = await get(url, {}, 'HEAD');
    assert.equal(head.status, 403);
    assert.match(header(head, 'content-type'), /xml/);
    const unsigned = await get((asset as Asset).metadata.contentUrl[1] as string, {}, 'HEAD');
    assert.equal(unsigned.status, 200);
    assert.equal(Number(header(unsigned, 'content-length')), 218366752);
    assert.equal(header(unsigned, 'etag'), `"${(asset as Asset).metadata.digest['dandi:dandi-etag']}"`);
  });

  it('expires presigned URLs (moving the clock) and refuses tampered signatures', async () => {
    const a = archive();
    const [asset] = await list('000064');
    const url = await downloadLocation(a, (asset as Asset).asset_id);
    const tampered = url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000');
    const bad = await get(tampered, { Range: 'bytes=0-0' });
    assert.equal(bad.status, 403);
    assert.match(bad.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    a.advanceClock(21601);
    try {
      const expired = await get(url, { Range: 'bytes=0-0' });
      assert.equal(expired.status, 403);
      assert.match(expired.text, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
      const fresh = await downloadLocation(a, (asset as Asset).asset_id);
      assert.equal((await get(fresh, { Range: 'bytes=0-0' })).status, 206, 'a fresh redirect works again');
    } finally {
      a.advanceClock(-21601);
    }
  });

  it('refuses any request that carries an Authorization header (400 InvalidArgument)', async () => {
    const a = archive();
    const [asset] = await list('000064');
    const url = await downloadLocation(a, (asset as Asset).asset_id);
    for (const target of [url, (asset as Asset).metadata.contentUrl[1] as string]) {
      const r = await get(target, tokenHeader(a.apiKeys.owner));
      assert.equal(r.status, 400);
      assert.match(r.text, /<Code>InvalidArgument<\/Code><Message>Only one auth mechanism allowed/);
    }
  });

  it('serves embargoed blobs only through a valid presigned URL', async () => {
    const a = archive();
    const assets = (
      await getJson<PageBody<Asset>>(
        `${a.apiUrl}/dandisets/${a.ids.embargoed}/versions/draft/assets/?metadata=true`,
        tokenHeader(a.apiKeys.owner),
      )
    ).results;
    const asset = assets[0] as Asset;
    assert.equal((await get(asset.metadata.contentUrl[1] as string)).status, 403);
    const signed = await downloadLocation(a, asset.asset_id, tokenHeader(a.apiKeys.owner));
    const got = await hashDownload(signed, asset.size);
    assert.equal(got.status, 200);
    assert.equal(got.etag, asset.metadata.digest['dandi:dandi-etag']);
  });

  it('answers a Zarr asset download with the 400 bare string', async () => {
    const a = archive();
    const [zarr] = await list(a.ids.zarr, '&zarr=true');
    const r = await get(`${a.apiUrl}/assets/${(zarr as Asset).asset_id}/download/`);
    assert.equal(r.status, 400);
    assert.equal(
      r.json,
      'Unable to provide download link for zarr assets. Please browse the zarr files directly to do so.',
    );
  });

  it('offers inline disposition with the asset content type', async () => {
    const a = archive();
    const [asset] = await list('000064');
    const r = await get(
      `${a.apiUrl}/assets/${(asset as Asset).asset_id}/download/?content_disposition=inline`,
    );
    const url = new URL(header(r, 'location'));
    assert.equal(url.searchParams.get('response-content-disposition'), 'inline; filename="sub-001.nwb"');
    const ranged = await get(url.toString(), { Range: 'bytes=0-3' });
    assert.equal(header(ranged, 'content-type'), 'application/x-nwb');
  });

  it('generates blobs whose digests always match the bytes served (small, mid-size, multi-part)', async function () {
    this.timeout(120_000);
    const a = archive();
    const [small] = await list(a.ids.scale, '&path=sub-001/ses-001/sub-001_ses-001_run-001.nwb');
    const published = (
      await getJson<PageBody<Asset>>(
        `${a.apiUrl}/dandisets/001773/versions/0.260412.1743/assets/?metadata=true`,
      )
    ).results;
    const midSize = published.find(x => x.size > 256 * 1024 && x.size <= 8 * 1024 * 1024) as Asset;
    const [multi] = await list(a.ids.large, '&path=generated/');
    for (const asset of [small, midSize, multi] as Asset[]) {
      const got = await hashDownload(await downloadLocation(a, asset.asset_id), asset.size);
      assert.equal(got.etag, asset.metadata.digest['dandi:dandi-etag'], asset.path);
      assert.equal(got.etagHeader, `"${got.etag}"`);
      if (asset.metadata.digest['dandi:sha2-256'])
        assert.equal(got.sha256, asset.metadata.digest['dandi:sha2-256'], asset.path);
    }
    assert.match((multi as Asset).metadata.digest['dandi:dandi-etag'] as string, /-3$/);
    assert.equal(
      (multi as Asset).metadata.digest['dandi:sha2-256'],
      undefined,
      'no sha256 where hashing is expensive',
    );
  });

  it('serves corpus, generated-NWB and large files from disk with their real digests', async () => {
    const a = archive();
    const corpus = await list(a.ids.corpus);
    assert.ok(corpus.length >= 40);
    const one = corpus.find(x => x.path === 'matnwb__link_test.nwb') as Asset;
    const bytes = readFileSync(join(nwbDir, one.path));
    assert.equal(one.metadata.digest['dandi:dandi-etag'], dandiEtag(bytes));
    assert.equal(one.metadata.digest['dandi:sha2-256'], createHash('sha256').update(bytes).digest('hex'));
    const r = await request(await downloadLocation(a, one.asset_id), { headers: { Range: 'bytes=100-199' } });
    assert.deepEqual(Buffer.from(await r.body.arrayBuffer()), bytes.subarray(100, 200));
    const [large] = await list(a.ids.large, '&path=matnwb__ecephys_tutorial.nwb');
    assert.equal((large as Asset).size, readFileSync(largeFile).length);
    const versions = await getJson<PageBody<{ version: string; asset_count: number }>>(
      `${a.apiUrl}/dandisets/${a.ids.nwbDemo}/versions/`,
    );
    assert.equal(versions.results.length, 2);
    assert.ok(
      versions.results.every(v => v.asset_count > 0 && v.asset_count === versions.results[0]?.asset_count),
    );
  });
});
