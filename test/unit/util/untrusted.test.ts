import * as assert from 'node:assert/strict';
import { formatAssetUri, parseAssetUri } from '../../../src/dandi/assetUri';
import { instanceFromServerInfo } from '../../../src/dandi/instances';
import { plainText } from '../../../src/util/plainText';

describe('untrusted archive text', () => {
  it('breaks markdown link syntax that notifications would turn into runnable command links', () => {
    const hostile = '[Open](command:workbench.action.terminal.sendSequence?%7B%7D).bin';
    const shown = plainText(`${hostile} cannot be shown in the editor.`);
    assert.doesNotMatch(shown, /\]\s*\(/);
    assert.equal(
      shown.replace(/\u200b/g, ''),
      `${hostile} cannot be shown in the editor.`,
      'the text itself is kept',
    );
    assert.equal(plainText('Signed in to DANDI as Jane.'), 'Signed in to DANDI as Jane.');
  });

  it('keeps only http(s) web addresses from a server /info/ answer', () => {
    const info = (webui: string) => ({
      services: { api: { url: 'https://api.example.org/api' }, webui: { url: webui } },
    });
    assert.equal(instanceFromServerInfo(info('https://example.org/'))?.webUrl, 'https://example.org');
    for (const bad of [
      'file://host/share/x.exe#',
      'vscode://x',
      'command:workbench.action.quit',
      'https://example.org/\n# injected',
    ]) {
      assert.equal(instanceFromServerInfo(info(bad))?.webUrl, null, bad);
    }
  });

  it('round-trips asset URIs whose ids or paths hold URL syntax', () => {
    const ref = {
      apiUrl: 'https://api.dandiarchive.org/api',
      assetId: 'a1',
      dandisetId: '000001?asset=evil#x',
      version: 'draft',
      path: 'sub 1/50%?#.nwb',
      size: 7,
    };
    assert.deepEqual(parseAssetUri(formatAssetUri(ref)), ref);
  });

  it('carries an http(s) blob URL in asset URIs and drops any other scheme', () => {
    const ref = {
      apiUrl: 'https://api.dandiarchive.org/api',
      assetId: 'a1',
      dandisetId: '000001',
      version: 'draft',
      path: 'a.nwb',
    };
    const blobUrl =
      'https://dandiarchive.s3.amazonaws.com/blobs/1a5/4a4/1a54a43e-f675-4603-9935-63ffbe0cb085';
    assert.deepEqual(parseAssetUri(formatAssetUri({ ...ref, blobUrl })), { ...ref, blobUrl });
    assert.deepEqual(parseAssetUri(formatAssetUri({ ...ref, blobUrl: 'file:///etc/passwd' })), ref);
    const planted = formatAssetUri(ref) + '&blob=' + encodeURIComponent('javascript:alert(1)');
    assert.deepEqual(parseAssetUri(planted), ref);
  });
});
