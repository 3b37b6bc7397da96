import * as assert from 'node:assert/strict';
import { zarrSpecForAsset } from '../../../src/zarr/assetSpec';

const ZARR_ID = '0b6a2a4c-2a52-4a0e-9d3c-4a2b51e0c0a1';
const API = 'https://api.example.org/api/';

describe('zarrSpecForAsset', () => {
  it('reads an open asset from its S3 prefix, keyed by its dandi-zarr-checksum', () => {
    const spec = zarrSpecForAsset(
      {
        zarr: ZARR_ID,
        metadata: {
          contentUrl: [
            `https://api.example.org/api/assets/x/download/`,
            `https://bucket.example.org/zarr/${ZARR_ID}`,
          ],
          digest: { 'dandi:dandi-zarr-checksum': 'abc-3--100' },
        },
      },
      API,
      'secret',
    );
    assert.deepEqual(spec, {
      kind: 'dandi',
      apiUrl: 'https://api.example.org/api',
      zarrId: ZARR_ID,
      baseUrl: `https://bucket.example.org/zarr/${ZARR_ID}/`,
      apiKey: 'secret',
      checksum: 'abc-3--100',
    });
  });

  it('reads an embargoed asset through the API, never from a prefix', () => {
    const spec = zarrSpecForAsset(
      {
        zarr: ZARR_ID,
        metadata: {
          contentUrl: [`https://bucket.example.org/zarr/${ZARR_ID}/`],
          access: [{ status: 'dandi:EmbargoedAccess' }],
        },
      },
      API,
      'secret',
    );
    assert.equal(spec.kind === 'dandi' ? spec.baseUrl : 'not dandi', undefined);
    // No prefix that is not this Zarr's, and none on the API itself.
    const other = zarrSpecForAsset(
      {
        zarr: ZARR_ID,
        metadata: { contentUrl: [`${API}zarr/${ZARR_ID}/`, 'https://bucket.example.org/zarr/other/'] },
      },
      API,
    );
    assert.equal(other.kind === 'dandi' ? other.baseUrl : 'not dandi', undefined);
  });

  it('refuses an asset that is not a Zarr', () => {
    assert.throws(() => zarrSpecForAsset({ zarr: null }, API), /not a Zarr asset/);
  });
});
