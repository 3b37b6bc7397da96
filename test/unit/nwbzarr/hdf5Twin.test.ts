/**
 * The same objects written as HDF5 and as hdmf-zarr read the same through the NWB layer: the AIND
 * store's eye-tracking table and blink series copied by h5py (python3-zarr reading the Zarr) into
 * an HDF5 file, then entries, table columns, rows at both ends and the series' timing compared
 * between the two backends.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openHdf5 } from '../../../src/hdf5/engine';
import type { Hdf5File } from '../../../src/hdf5/types';
import { NwbFile } from '../../../src/nwb/nwbFile';
import { tableInfo, tableRows } from '../../../src/nwb/table';
import { seriesInfo } from '../../../src/nwb/timeseries';
import { resolveView } from '../../../src/nwb/views';
import { ZarrNwbBackend } from '../../../src/nwbzarr/backend';
import { openZarr } from '../../../src/zarr/reader';
import { ensureDebianPackages } from '../../support/debianPackages';

const AIND = resolve(
  process.cwd(),
  '..',
  'shared',
  'fixtures',
  'zarr',
  'aind__multiplane-ophys_eye-tracking.nwb.zarr',
);
const WORKER = resolve(process.cwd(), 'dist', 'hdf5Worker.js');
const MODULE = '/processing/eye_tracking';
const TABLE = `${MODULE}/eye_tracking`;
const SERIES = `${MODULE}/likely_blink_times`;

/** Copies the module's groups, arrays and attributes (hdmf-zarr's bookkeeping left out) with h5py. */
const COPY = `
import sys, h5py, zarr, numpy as np
src = zarr.open(sys.argv[1], mode='r')
skip = {'zarr_dtype', 'zarr_link'}
def attrs(obj, target):
    for k, v in obj.attrs.items():
        if k in skip: continue
        target.attrs[k] = np.array(v, dtype=h5py.string_dtype()) if isinstance(v, list) and v and isinstance(v[0], str) else v
with h5py.File(sys.argv[2], 'w') as f:
    def copy(group, target):
        attrs(group, target)
        for name, array in group.arrays():
            data = array[:]
            if data.dtype == object:
                data = np.array(data.tolist(), dtype=h5py.string_dtype())
            ds = target.create_dataset(name, data=data, chunks=True)
            attrs(array, ds)
        for name, child in group.groups():
            copy(child, target.create_group(name))
    copy(src['processing/eye_tracking'], f.create_group('processing/eye_tracking'))
`;

describe('NWB-Zarr and its HDF5 twin through the NWB layer', function () {
  this.timeout(120_000);
  let dir = '';
  let zarrNwb: NwbFile;
  let h5Nwb: NwbFile;
  let h5: Hdf5File;

  before(async () => {
    ensureDebianPackages(['python3-zarr', 'python3-h5py']);
    dir = mkdtempSync(join(tmpdir(), 'nwbzarr-twin-'));
    const file = join(dir, 'twin.nwb');
    const run = spawnSync('/usr/bin/python3', ['-c', COPY, AIND, file], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`h5py copy failed: ${run.stderr}`);
    h5 = await openHdf5({ kind: 'local', path: file }, { workerPath: WORKER, deadlineMs: 60_000 });
    h5Nwb = new NwbFile(h5);
    zarrNwb = new NwbFile(new ZarrNwbBackend(await openZarr({ kind: 'local', path: AIND })));
  });
  after(async () => {
    await h5?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the same entries: kinds, types, shapes and dtypes', async () => {
    const shape = (entries: Awaited<ReturnType<NwbFile['reader']['list']>>) =>
      entries
        .map(e => [e.name, e.kind, e.neurodataType, e.shape, e.dtype, e.childCount])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    for (const path of [MODULE, TABLE, SERIES])
      assert.deepEqual(shape(await zarrNwb.reader.list(path)), shape(await h5Nwb.reader.list(path)), path);
  });

  it('resolves the same views and describes the table the same way', async () => {
    for (const path of [TABLE, SERIES])
      assert.deepEqual(await resolveView(zarrNwb, path), await resolveView(h5Nwb, path));
    assert.deepEqual(await tableInfo(zarrNwb, TABLE), await tableInfo(h5Nwb, TABLE));
  });

  it('reads the same rows at the start and the end of the 763,524-row table', async () => {
    for (const start of [0, 763_519])
      assert.deepEqual(await tableRows(zarrNwb, TABLE, start, 5), await tableRows(h5Nwb, TABLE, start, 5));
  });

  it('gives the blink series the same timing and type', async () => {
    const fromZarr = await seriesInfo(zarrNwb, SERIES);
    const fromH5 = await seriesInfo(h5Nwb, SERIES);
    // Chunking is the writer's choice (h5py picks its own); everything else matches.
    assert.deepEqual({ ...fromZarr, chunks: undefined }, { ...fromH5, chunks: undefined });
  });
});
