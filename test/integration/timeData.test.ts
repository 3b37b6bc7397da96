/**
 * Big-endian H5T_TIME data (PyTables' times file, which h5wasm alone cannot read) in the real
 * HDF5 viewer: the webview draws each dataset, with its bytes as libhdf5 gives them.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import { ViewTypes } from '../../src/constants';
import { PACKAGED } from '../conformance/sources';
import { ensureDebianPackages } from '../support/debianPackages';
import { lastReply, openInViewer, showInPanel, useViewer } from '../suite/viewerPanels';

/** Each element's bytes as h5py reads them with the file type (libhdf5 has no conversion for times). */
const READ_BYTES = `
import sys, json, numpy as np, h5py
ds = h5py.File(sys.argv[1], 'r')[sys.argv[2]]
raw = np.empty(ds.shape, dtype=f'V{ds.id.get_type().get_size()}')
ds.id.read(h5py.h5s.ALL, h5py.h5s.ALL, raw, mtype=ds.id.get_type())
print(json.dumps([bytes(v).hex() for v in raw]))
`;

describe('big-endian times in the HDF5 viewer (VS Code)', function () {
  this.timeout(180_000);
  const suite = useViewer();

  it("draws PyTables' big-endian time datasets and compound table with the bytes libhdf5 reads", async () => {
    const tables = PACKAGED.find(p => p.writer === 'PyTables');
    assert.ok(tables);
    ensureDebianPackages([tables.package, 'python3-h5py']);
    const file = `${tables.dir}/times-nested-be.h5`;
    const panel = await openInViewer(suite.provider, vscode.Uri.file(file), ViewTypes.hdf5Viewer);
    for (const path of ['/earr32', '/earr64', '/tbl']) {
      await showInPanel(panel, path);
      const slice = lastReply(panel, 'dataset/slice', path);
      assert.equal(slice.kind, 'values');
      const run = spawnSync('/usr/bin/python3', ['-c', READ_BYTES, file, path], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const stored = JSON.parse(run.stdout) as string[];
      const shown =
        path === '/tbl'
          ? (slice.values as { nested: { t64: string }; t32: string }[]).map(r => r.nested.t64 + r.t32)
          : slice.values;
      assert.deepEqual(shown, stored, path);
    }
  });
});
