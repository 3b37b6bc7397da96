import * as assert from 'node:assert/strict';
import { customApiUrlProblem, instanceFromSettings } from '../../../src/dandi/instances';

describe('archive instances from the settings', () => {
  it('chooses the known instances by name', () => {
    assert.equal(instanceFromSettings('dandi', '').apiUrl, 'https://api.dandiarchive.org/api');
    assert.equal(
      instanceFromSettings('dandi-sandbox', '').apiUrl,
      'https://api.sandbox.dandiarchive.org/api',
    );
    assert.equal(customApiUrlProblem('dandi', ''), undefined);
  });

  it('uses a custom API URL, named after its host, without trailing slashes', () => {
    const custom = instanceFromSettings('custom', 'http://127.0.0.1:8000/api/');
    assert.deepEqual(
      [custom.name, custom.apiUrl, custom.webUrl],
      ['127.0.0.1:8000', 'http://127.0.0.1:8000/api', null],
    );
    assert.equal(customApiUrlProblem('custom', 'http://127.0.0.1:8000/api/'), undefined);
    assert.equal(
      instanceFromSettings('custom', 'https://api.dandiarchive.org/api').name,
      'dandi',
      'a known URL is the known instance',
    );
  });

  it('names the problem of an unusable custom URL, and falls back to DANDI', () => {
    const cases: [string, RegExp][] = [
      ['', /dandi\.apiUrl is empty/],
      ['not a url', /"not a url" is not a valid URL/],
      ['ftp://example.org/api', /is not an http\(s\) URL/],
    ];
    for (const [url, problem] of cases) {
      assert.match(customApiUrlProblem('custom', url) ?? '', problem, url);
      assert.equal(instanceFromSettings('custom', url).name, 'dandi', url);
    }
  });
});
