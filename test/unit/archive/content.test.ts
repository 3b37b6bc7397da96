import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DandiEtagHasher } from '../../../src/dandi/etag';
import { GeneratedContent, SHA256_LIMIT } from '../../archive/content';
import { dandiPage, lazyPage } from '../../archive/pagination';
import { Presigner } from '../../archive/presign';
import { zarrChecksum } from '../../archive/zarr';

/** Pure parts of the archive: generated content, Zarr checksums, paginators, presigning. */

function hashAll(content: GeneratedContent): { etag: string; sha256: string } {
  const etag = new DandiEtagHasher(content.size);
  const sha = createHash('sha256');
  for (const chunk of content.readSync(0, content.size)) {
    etag.update(chunk);
    sha.update(chunk);
  }
  return { etag: etag.digest(), sha256: sha.digest('hex') };
}

describe('stand-in archive: generated content and helpers', () => {
  it('computes the same dandi-etag as hashing every byte, for small, mid-size and multi-part blobs', function () {
    this.timeout(60_000);
    for (const [seed, size] of [
      [1, 0],
      [2, 1],
      [3, 20],
      [4, 256 * 1024],
      [5, 256 * 1024 + 1],
      [6, 3_000_001],
      [7, 64 * 1024 * 1024],
      [8, 130 * 1024 * 1024 + 7],
    ] as const) {
      const content = new GeneratedContent(seed, size);
      const expected = hashAll(content);
      const got = content.digests();
      assert.equal(got.etag, expected.etag, `size ${size}`);
      if (size <= SHA256_LIMIT) assert.equal(got.sha256, expected.sha256, `size ${size}`);
      else assert.equal(got.sha256, undefined);
    }
  });

  it('serves any byte range consistently with the whole content', () => {
    const content = new GeneratedContent('blob-x', 70 * 1024 * 1024);
    const whole = Buffer.concat([...content.readSync(64 * 1024 * 1024 - 10, 64 * 1024 * 1024 + 10)]);
    const start = Buffer.concat([...content.readSync(0, 10)]);
    assert.deepEqual(whole.subarray(10), start, 'every part restarts the pattern');
    assert.notDeepEqual(
      Buffer.concat([...new GeneratedContent('blob-y', 100).readSync(0, 100)]),
      Buffer.concat([...new GeneratedContent('blob-z', 100).readSync(0, 100)]),
    );
  });

  it('computes dandi-zarr-checksum like the zarr_checksum package', () => {
    assert.equal(zarrChecksum([]), '481a2f77ab786a0f45aafd5db0971caa-0--0');
    assert.equal(
      zarrChecksum([{ key: 'bar', md5: 'a'.repeat(32), size: 1 }]),
      'f21b9b4bf53d7ce1167bcfae76371e59-1--1',
    );
    const nested = zarrChecksum([
      { key: 'a/b', md5: 'b'.repeat(32), size: 3 },
      { key: 'c', md5: 'c'.repeat(32), size: 4 },
    ]);
    assert.match(nested, /^[0-9a-f]{32}-2--7$/);
  });

  it('paginates like DRF', () => {
    const req = { origin: 'http://h', pathname: '/api/x/', query: new URLSearchParams('page_size=2&b=1') };
    const items = [1, 2, 3, 4, 5];
    assert.deepEqual(dandiPage(req, items), {
      count: 5,
      next: 'http://h/api/x/?b=1&page=2&page_size=2',
      previous: null,
      results: [1, 2],
    });
    const last = dandiPage({ ...req, query: new URLSearchParams('page_size=2&page=last') }, items);
    assert.deepEqual(last.results, [5]);
    assert.equal(last.previous, 'http://h/api/x/?page=2&page_size=2');
    assert.deepEqual(dandiPage({ ...req, query: new URLSearchParams() }, []), {
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
    assert.throws(() => lazyPage({ ...req, query: new URLSearchParams('page=last') }, items));
    const p3 = lazyPage({ ...req, query: new URLSearchParams('page_size=2&page=3&search=a b') }, items);
    assert.deepEqual(p3, {
      count: null,
      next: null,
      previous: 'http://h/api/x/?page=2&page_size=2&search=a+b',
      results: [5],
    });
  });

  it('signs URLs over method, path and query', () => {
    const p = new Presigner(60);
    const url = new URL(
      p.presign('http://b', '/blobs/abc/def/x', 'GET', {
        'response-content-disposition': 'attachment; filename="a b.nwb"',
      }),
    );
    assert.deepEqual(p.check('GET', url.pathname, url.searchParams), { ok: true });
    assert.equal(p.check('HEAD', url.pathname, url.searchParams).ok, false);
    assert.equal(p.check('GET', '/blobs/abc/def/y', url.searchParams).ok, false);
    p.clockOffsetMs = 61_000;
    assert.deepEqual(p.check('GET', url.pathname, url.searchParams), {
      ok: false,
      code: 'AccessDenied',
      message: 'Request has expired',
    });
  });
});
