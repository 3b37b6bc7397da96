/** Shared helpers of the NWB semantics tests: open real fixture files through the built engine. */
import { resolve } from 'node:path';
import { openHdf5 } from '../../../src/hdf5/engine';
import type { Hdf5File } from '../../../src/hdf5/types';
import { NwbFile, type NwbLimits } from '../../../src/nwb/nwbFile';

export const FIXTURES = resolve(process.cwd(), '..', 'shared', 'fixtures', 'nwb');
/** The worker as the extension ships it (build with `node esbuild.mjs --only=extension`). */
export const WORKER = resolve(process.cwd(), 'dist', 'hdf5Worker.js');

export function fixture(name: string): string {
  return resolve(FIXTURES, name);
}

/** Opens a local file as an {@link NwbFile}; `close()` it in `after`. */
export async function openNwb(
  path: string,
  limits?: NwbLimits,
): Promise<NwbFile & { close(): Promise<void> }> {
  const h5: Hdf5File = await openHdf5({ kind: 'local', path }, { workerPath: WORKER, deadlineMs: 30_000 });
  const nwb = new NwbFile(h5, limits) as NwbFile & { close(): Promise<void> };
  nwb.close = () => h5.close();
  return nwb;
}
