import * as assert from 'node:assert/strict';
import { authorizationFor, headersFor } from '../../../src/net/credentials';

const API = { apiUrl: 'https://api.dandiarchive.org/api', apiKey: 'secret' };

describe('net: where the API key goes (one rule, one table)', () => {
  const table: [string, string, boolean][] = [
    ['the API itself', 'https://api.dandiarchive.org/api/dandisets/', true],
    ['the API root without a slash', 'https://api.dandiarchive.org/api', true],
    ['an asset download URL', 'https://api.dandiarchive.org/api/assets/abc/download/', true],
    ['the default port written out', 'https://api.dandiarchive.org:443/api/dandisets/', true],
    ['a host name in capitals', 'https://API.DandiArchive.org/api/dandisets/', true],
    ['the API on another port', 'https://api.dandiarchive.org:8443/api/dandisets/', false],
    ['plain http of the same host', 'http://api.dandiarchive.org/api/dandisets/', false],
    ['the same host outside the API path', 'https://api.dandiarchive.org/admin/', false],
    ['a path that only starts like the API path', 'https://api.dandiarchive.org/apix/', false],
    ['a dot-dot escape from the API path', 'https://api.dandiarchive.org/api/../admin/', false],
    ['an encoded dot-dot escape', 'https://api.dandiarchive.org/api/%2e%2e/admin/', false],
    ['the blob host', 'https://dandiarchive.s3.amazonaws.com/blobs/abc', false],
    ['an S3 presigned URL', 'https://dandiarchive.s3.amazonaws.com/blobs/a?X-Amz-Signature=x', false],
    ['the web app', 'https://dandiarchive.org/dandiset/000003', false],
    ['a subdomain of the API host', 'https://evil.api.dandiarchive.org/api/', false],
    ['a look-alike host', 'https://api.dandiarchive.org.evil.com/api/', false],
    ['the API host as userinfo of another', 'https://api.dandiarchive.org@evil.com/api/', false],
    ['userinfo on the API itself', 'https://user:pass@api.dandiarchive.org/api/', false],
    ['another scheme', 'ftp://api.dandiarchive.org/api/', false],
    ['not a URL', 'not a url', false],
  ];
  for (const [what, url, expected] of table) {
    it(`${expected ? 'sends' : 'withholds'} it for ${what}`, () => {
      assert.deepEqual(authorizationFor(url, API), expected ? { authorization: 'token secret' } : {});
    });
  }

  it('sends nothing without a key, and nothing without credentials', () => {
    assert.deepEqual(authorizationFor('https://api.dandiarchive.org/api/', { apiUrl: API.apiUrl }), {});
    assert.deepEqual(authorizationFor('https://api.dandiarchive.org/api/', undefined), {});
  });

  it('keeps a loopback API on its own port (the stand-in archive and its blob host)', () => {
    const local = { apiUrl: 'http://127.0.0.1:4000/api', apiKey: 'k' };
    assert.deepEqual(authorizationFor('http://127.0.0.1:4000/api/assets/x/download/', local), {
      authorization: 'token k',
    });
    assert.deepEqual(authorizationFor('http://127.0.0.1:4001/blobs/x', local), {});
    assert.deepEqual(authorizationFor('http://localhost:4000/api/', local), {});
  });

  it("binds a plain source's own headers to its origin", () => {
    const scope = { url: 'https://data.example.org/file.nwb', headers: { 'x-token': 't' } };
    assert.deepEqual(headersFor('https://data.example.org/other.nwb', scope), { 'x-token': 't' });
    assert.deepEqual(headersFor('https://cdn.example.org/file.nwb', scope), {});
    assert.deepEqual(headersFor('http://data.example.org/file.nwb', scope), {});
  });
});
