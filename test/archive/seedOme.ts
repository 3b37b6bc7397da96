import { uuidFrom } from './content';
import { type ArchiveStore, type StoredAsset, type StoredDandiset } from './model';
import { generateOmeLargeZarr } from './omeLarge';

/** Dandiset 990011 `omeLarge`: one large OME-Zarr whose chunks the archive computes on request. */
export const OME_LARGE_ID = '990011';
export const OME_LARGE_PATH = 'sub-slide/sub-slide_sample-large.ome.zarr';

const CREATED = '2025-01-01T00:00:00.000000Z';

export function seedOmeLarge(store: ArchiveStore): void {
  const id = OME_LARGE_ID;
  const name = 'Large generated OME-Zarr';
  const zarr = generateOmeLargeZarr(
    uuidFrom(`zarr:${id}:${OME_LARGE_PATH}`),
    OME_LARGE_PATH.split('/').pop() as string,
    id,
  );
  const asset: StoredAsset = {
    assetId: uuidFrom(`asset:${id}:${OME_LARGE_PATH}`),
    path: OME_LARGE_PATH,
    blob: null,
    zarr,
    created: CREATED,
    modified: CREATED,
    metadata: {
      schemaKey: 'Asset',
      schemaVersion: '0.6.4',
      encodingFormat: 'application/x-zarr',
      blobDateModified: CREATED,
    },
  };
  const dandiset: StoredDandiset = {
    identifier: id,
    created: CREATED,
    embargoStatus: 'OPEN',
    // Not the test user's: "my Dandisets" lists stay what the auth tests expect.
    owners: ['curator'],
    starredBy: new Set(),
    versions: [
      {
        version: 'draft',
        name,
        status: 'Valid',
        created: CREATED,
        modified: CREATED,
        metadata: {
          schemaKey: 'Dandiset',
          schemaVersion: '0.6.4',
          id: `DANDI:${id}/draft`,
          identifier: `DANDI:${id}`,
          version: 'draft',
          name,
          description:
            'A 20,480 × 20,480 × 3-channel OME-Zarr (NGFF 0.4, 7 levels) computed chunk by chunk on request.',
          license: ['spdx:CC-BY-4.0'],
          access: [{ schemaKey: 'AccessRequirements', status: 'dandi:OpenAccess' }],
          contributor: [],
          dateCreated: '2025-01-01T00:00:00.000000+00:00',
        },
        validationErrors: [],
        assets: [asset],
        generation: 1,
      },
    ],
  };
  store.addDandiset(dandiset);
}
