/**
 * NWB 1.x sweeps as MIES and early ipfx wrote them: one epoch per sweep under /epochs whose
 * subgroups link the sweep's series (`timeseries` soft links), types in `ancestry`. No fixture of
 * the corpus has filled epochs, so h5py (libhdf5) writes a small file of that layout here.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { icephysSweeps } from '../../../src/nwb/icephys';
import { ensureDebianPackages } from '../../support/debianPackages';
import { openNwb } from './helpers';

const WRITE = `
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'w')
f['nwb_version'] = np.array([b'NWB-1.0.5'], dtype=object)
str_ = h5py.special_dtype(vlen=bytes)
def series(path, kind, amp, start, desc):
    g = f.create_group(path)
    g.attrs['neurodata_type'] = 'TimeSeries'
    g.attrs['ancestry'] = np.array([b'TimeSeries', b'PatchClampSeries', kind.encode()], dtype=object)
    data = np.zeros(20000, dtype='f4')
    data[5000:15000] = amp if kind.endswith('StimulusSeries') else amp / 10
    d = g.create_dataset('data', data=data)
    d.attrs['unit'] = 'A' if kind.endswith('StimulusSeries') else 'V'
    d.attrs['conversion'] = np.float32(1e-12 if kind.endswith('StimulusSeries') else 1e-3)
    t = g.create_dataset('starting_time', data=np.array([start]))
    t.attrs['rate'] = 10000.0
    g.create_dataset('stimulus_description', data=np.array([desc.encode()], dtype=object), dtype=str_)
for k, amp in enumerate([50, 100]):
    start = 10.0 * k
    series(f'/acquisition/timeseries/data_{k:05d}_AD0', 'CurrentClampSeries', amp, start, 'LongSquare')
    series(f'/stimulus/presentation/data_{k:05d}_DA0', 'CurrentClampStimulusSeries', amp, start, 'LongSquare')
    e = f.create_group(f'/epochs/Sweep_{k + 3}')
    e['start_time'] = start
    e['stop_time'] = start + 2
    for name, path in [('AD0', f'/acquisition/timeseries/data_{k:05d}_AD0'), ('DA0', f'/stimulus/presentation/data_{k:05d}_DA0')]:
        sub = e.create_group(name)
        sub['timeseries'] = h5py.SoftLink(path)
        sub['idx_start'] = 0
        sub['count'] = 20000
f.close()
`;

describe('icephys sweeps from NWB 1.x epochs', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    ensureDebianPackages(['python3-h5py']);
    dir = mkdtempSync(join(tmpdir(), 'icephys-epochs-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('pairs each epoch’s response and stimulus, numbers sweeps by the epoch name, measures steps', async () => {
    const file = join(dir, 'epochs.nwb');
    const run = spawnSync('/usr/bin/python3', ['-c', WRITE, file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const nwb = await openNwb(file);
    try {
      const reply = await icephysSweeps(nwb, '/');
      assert.equal(reply.source, 'epochs');
      assert.deepEqual(
        reply.sweeps.map(s => [
          s.sweepNumber,
          s.response?.path,
          s.stimulus?.path,
          s.columns?.['epochs.name'],
        ]),
        [
          [3, '/acquisition/timeseries/data_00000_AD0', '/stimulus/presentation/data_00000_DA0', 'Sweep_3'],
          [4, '/acquisition/timeseries/data_00001_AD0', '/stimulus/presentation/data_00001_DA0', 'Sweep_4'],
        ],
      );
      assert.deepEqual(reply.groups, [{ stimulusName: 'LongSquare', sweeps: [0, 1] }]);
      reply.sweeps.forEach((s, k) => {
        assert.equal(s.clampMode, 'current');
        assert.equal(s.shape?.method, 'plateau');
        const want = [50e-12, 100e-12][k];
        // float32 conversion (1e-12 stored as 9.9999998e-13): equal to 1e-7 relative.
        assert.ok(Math.abs((s.shape?.amplitude ?? 0) - want) < 1e-7 * want, JSON.stringify(s.shape));
        assert.ok(Math.abs((s.shape?.onset ?? NaN) - (10 * k + 0.5)) < 1e-9, String(s.shape?.onset));
      });
    } finally {
      await nwb.close();
    }
  });
});
