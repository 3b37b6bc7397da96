/**
 * NWB 1.x UnitTimes (a group per unit with its `times`) as the units raster, checked against what
 * libhdf5 (h5py) reads from the Meister retina file.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { unitTimesRaster } from '../../../src/nwb/unitTimes';
import { resolveView } from '../../../src/nwb/views';
import { ensureDebianPackages } from '../../support/debianPackages';
import { fixture, openNwb } from './helpers';

const FILE = fixture('matnwb__20080606_R1.nwb');
const UNIT_TIMES = '/processing/Cells/UnitTimes';
const T0 = 100;
const T1 = 200;

/** Per unit group (h5py's order): spike count, first and last time, count within [T0, T1]. */
const READ = `
import sys, json, h5py
g = h5py.File(sys.argv[1], 'r')[sys.argv[2]]
out = []
for name in g:
    t = g[name]['times'][:]
    out.append([name, len(t), float(t[0]), float(t[-1]), int(((t >= ${T0}) & (t <= ${T1})).sum())])
print(json.dumps(out))
`;

describe('NWB 1.x UnitTimes raster', function () {
  this.timeout(60_000);
  let expected: [string, number, number, number, number][];

  before(() => {
    ensureDebianPackages(['python3-h5py']);
    const run = spawnSync('/usr/bin/python3', ['-c', READ, FILE, UNIT_TIMES], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    expected = JSON.parse(run.stdout) as typeof expected;
  });

  it('shows UnitTimes in the units view and reads every unit’s spike times as h5py does', async () => {
    const nwb = await openNwb(FILE);
    try {
      assert.equal((await resolveView(nwb, UNIT_TIMES)).view, 'units');
      const raster = await unitTimesRaster(nwb, UNIT_TIMES, 0, 25);
      assert.equal(raster.unitCount, expected.length);
      assert.deepEqual(
        raster.units.map(u => u.label),
        expected.map(([name]) => name),
      );
      const offsets = new Uint32Array(raster.offsets);
      const times = new Float64Array(raster.times);
      expected.forEach(([, count, first, last], i) => {
        assert.equal(offsets[i + 1] - offsets[i], count);
        assert.equal(times[offsets[i]], first);
        assert.equal(times[offsets[i + 1] - 1], last);
      });
      assert.equal(raster.tMin, Math.min(...expected.map(e => e[2])));
      assert.equal(raster.tMax, Math.max(...expected.map(e => e[3])));
    } finally {
      await nwb.close();
    }
  });

  it('pages units and clips spikes to the time window', async () => {
    const nwb = await openNwb(FILE);
    try {
      const page = await unitTimesRaster(nwb, UNIT_TIMES, 1, 2, T0, T1);
      assert.deepEqual(
        page.units.map(u => [u.row, u.label]),
        expected.slice(1, 3).map(([name], i) => [i + 1, name]),
      );
      const offsets = new Uint32Array(page.offsets);
      assert.deepEqual(
        [offsets[1] - offsets[0], offsets[2] - offsets[1]],
        expected.slice(1, 3).map(e => e[4]),
      );
      for (const t of new Float64Array(page.times)) assert.ok(t >= T0 && t <= T1);
      await assert.rejects(unitTimesRaster(nwb, '/processing/Cells', 0, 10), /no unit groups/);
    } finally {
      await nwb.close();
    }
  });
});
