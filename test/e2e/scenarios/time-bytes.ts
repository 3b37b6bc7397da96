/**
 * PyTables' big-endian H5T_TIME data, which h5wasm alone cannot read: the HDF5 tree opens the
 * compound table and the viewer lists each row's times as the bytes libhdf5 gives, not an error.
 */
import { PACKAGED } from '../../conformance/sources';
import { ensureDebianPackages } from '../../support/debianPackages';
import type { Scenario } from '../types';
import { check, openLocalNwb, openPath, waitForView } from '../viewerSteps';

const scenario: Scenario = {
  name: 'time-bytes',
  async run(ctx) {
    const tables = PACKAGED.find(p => p.writer === 'PyTables');
    check(tables !== undefined, 'the PyTables package is listed');
    ensureDebianPackages([tables?.package ?? 'python3-tables']);
    // Named .nwb so the viewer opens it (.h5 files open in the HDF5 viewer only when asked).
    const frame = await openLocalNwb(ctx, `${tables?.dir}/times-nested-be.h5`, 'times-nested-be.nwb');
    await openPath(frame, '/tbl');
    await waitForView(frame, { path: '/tbl' });
    const view = frame.locator('#view');
    check((await view.getAttribute('data-state')) === 'ready', 'the table view did not settle as ready');
    const text = await view.innerText();
    // The first row: t64 and t32 as stored (what h5py reads with the file type).
    check(
      text.includes('464487aa000cb302'),
      `the first row's t64 bytes are not shown: ${text.slice(0, 400)}`,
    );
    check(text.includes('464487aa'), "the first row's t32 bytes are not shown");
    await ctx.screenshot('time-bytes');
  },
};

export default scenario;
