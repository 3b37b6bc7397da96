import { resolve } from 'node:path';

/** The real-world Zarr stores (../shared/fixtures/zarr, MANIFEST.md there). */
export const ZARR_FIXTURES = resolve(process.cwd(), '..', 'shared', 'fixtures', 'zarr');
