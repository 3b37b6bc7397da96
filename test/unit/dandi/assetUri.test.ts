// A dandi-asset link's size and blob URL are hints: used only when they are what the API said.
import * as assert from 'node:assert/strict';
import {
  formatAssetUri,
  parseAssetUri,
  vouchForAsset,
  vouchedHints,
  type RemoteAssetRef,
} from '../../../src/dandi/assetUri';

const base: RemoteAssetRef = {
  apiUrl: 'https://api.example.org/api',
  assetId: '11111111-2222-4333-8444-555555555555',
  dandisetId: '000123',
  version: 'draft',
  path: 'sub-01/sub-01.nwb',
  size: 1234,
  blobUrl: 'https://bucket.example.org/blobs/abc/def/abcdef',
};

describe('dandi-asset link hints', () => {
  it('round-trips a link', () => {
    assert.deepEqual(parseAssetUri(formatAssetUri(base)), base);
  });

  it('ignores size and blob of an asset the API never described', () => {
    const ref = { ...base, assetId: '99999999-2222-4333-8444-555555555555' };
    assert.deepEqual(vouchedHints(parseAssetUri(formatAssetUri(ref))), {});
  });

  it('uses them when they are exactly what the API said', () => {
    vouchForAsset(base);
    assert.deepEqual(vouchedHints(parseAssetUri(formatAssetUri(base))), {
      size: base.size,
      blobUrl: base.blobUrl,
    });
  });

  it('ignores a foreign blob, a wrong size, or a link that leaves the blob out', () => {
    vouchForAsset(base);
    const foreign = { ...base, blobUrl: 'https://evil.example.net/blobs/abc/def/abcdef' };
    assert.deepEqual(vouchedHints(foreign), {});
    assert.deepEqual(vouchedHints({ ...base, size: 99 }), {});
    const bare = { ...base };
    delete bare.blobUrl;
    assert.deepEqual(vouchedHints(bare), {});
    // Another API with the same asset id is another asset.
    assert.deepEqual(vouchedHints({ ...base, apiUrl: 'https://api.evil.example.net/api' }), {});
  });

  it('an embargoed asset is vouched for by size alone (no public blob URL)', () => {
    const embargoed = { ...base, assetId: '77777777-2222-4333-8444-555555555555' };
    delete embargoed.blobUrl;
    vouchForAsset(embargoed);
    assert.deepEqual(vouchedHints(embargoed), { size: base.size });
    assert.deepEqual(vouchedHints({ ...embargoed, blobUrl: 'https://evil.example.net/x' }), {});
  });
});
