// The engine reads what libhdf5 reads. Every expected value below was read off h5py 3.7 /
// libhdf5 1.10.8 (Debian python3-h5py) on the same file, and is written here as a literal.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { inspectFile } from '../../../src/hdf5/inspect';
import type { H5Value, Hdf5File } from '../../../src/hdf5/types';
import { writeWithH5py } from './h5pyFiles';
import { FIXTURES, open } from './helpers';

/**
 * Written with h5py's low-level API as h5py writes bools on s390x: a root attribute `flag`, a
 * scalar enum {FALSE: 0, TRUE: 1} over big-endian int8 (h5py: True), between `after` (3) and `before` ('x').
 */
const S390X_BOOL = `
import sys, h5py, numpy as np
from h5py import h5a, h5s, h5t
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['after'] = 3
    f.attrs['before'] = 'x'
    flag = h5t.enum_create(h5t.STD_I8BE)
    flag.enum_insert(b'FALSE', 0)
    flag.enum_insert(b'TRUE', 1)
    h5a.create(f.id, b'flag', flag, h5s.create(h5s.SCALAR)).write(np.array(True))
    f.create_group('g').create_dataset('flags', data=np.zeros(3, 'i1'))
`;

async function withFile(path: string, body: (file: Hdf5File) => Promise<void>): Promise<void> {
  const file = await open({ kind: 'local', path });
  try {
    await body(file);
  } finally {
    await file.close();
  }
}

const fixture = (name: string) => join(FIXTURES, name);

describe('hdf5 fidelity with libhdf5', function () {
  this.timeout(30_000);

  it('reads a big-endian bool enum attribute, and its siblings and the walk with it', async () => {
    const written = writeWithH5py('s390x-bool-attribute.h5', S390X_BOOL);
    try {
      await withFile(written.path, async file => {
        const attrs = await file.attributes('/');
        // h5py: {'after': 3, 'before': 'x', 'flag': True}
        assert.deepEqual(
          attrs.map(a => [a.name, a.value, a.error]),
          [
            ['after', 3, undefined],
            ['before', 'x', undefined],
            ['flag', true, undefined],
          ],
        );
        assert.equal(attrs[2].dtype.class, 'boolean');
        const walked = await file.walk('/');
        assert.deepEqual(
          walked.attributes['/'].map(a => a.value),
          [3, 'x', true],
        );
        assert.deepEqual(
          walked.entries.map(e => e.path),
          ['/g', '/g/flags'],
        );
      });
    } finally {
      written.remove();
    }
  });

  it('resolves region references to their hyperslabs (MatNWB units)', async () => {
    await withFile(fixture('matnwb__ecephys_tutorial.nwb'), async file => {
      const index = await file.read('/units/spike_times_index');
      // h5py: h5r.get_region(ref).get_select_hyper_blocklist() = [[0],[3]], [[4],[7]], [[8],[9]]
      assert.deepEqual(index.data, [
        {
          ref: '/units/spike_times',
          region: '[0:4]',
          selection: { kind: 'hyperslab', blocks: [{ start: [0], count: [4] }] },
        },
        {
          ref: '/units/spike_times',
          region: '[4:8]',
          selection: { kind: 'hyperslab', blocks: [{ start: [4], count: [4] }] },
        },
        {
          ref: '/units/spike_times',
          region: '[8:10]',
          selection: { kind: 'hyperslab', blocks: [{ start: [8], count: [2] }] },
        },
      ] satisfies H5Value[]);
    });
    await withFile(fixture('nwbexplorer__nwb_test_file.nwb'), async file => {
      const rois = await file.read('/processing/img_seg_example/Fluorescence/test_roi_response_series/rois');
      // h5py: name /processing/img_seg_example/ImageSegmentation/test_plane_seg_name/rois, blocks [[0],[0]]
      assert.deepEqual(rois.data, [
        {
          ref: '/processing/img_seg_example/ImageSegmentation/test_plane_seg_name/rois',
          region: '[0:1]',
          selection: { kind: 'hyperslab', blocks: [{ start: [0], count: [1] }] },
        },
      ]);
    });
  });

  it('inspect names each region reference with its selection', async () => {
    await withFile(fixture('matnwb__ecephys_tutorial.nwb'), async file => {
      const report = await inspectFile(file);
      const index = report.nodes.find(n => n.path === '/units/spike_times_index');
      assert.deepEqual(index?.regions, [
        '/units/spike_times[0:4]',
        '/units/spike_times[4:8]',
        '/units/spike_times[8:10]',
      ]);
    });
  });

  it('gives NWB 1.x objects their type from ancestry', async () => {
    await withFile(fixture('ipfx__UntitledExperiment-2018_12_03_234957-compressed.nwb'), async file => {
      // h5py: ancestry ['TimeSeries', 'PatchClampSeries', 'VoltageClampSeries'], neurodata_type 'TimeSeries'
      assert.equal(
        (await file.entry('/acquisition/timeseries/data_00000_AD0')).neurodataType,
        'VoltageClampSeries',
      );
      assert.equal(
        (await file.entry('/stimulus/presentation/data_00000_DA0')).neurodataType,
        'VoltageClampStimulusSeries',
      );
    });
  });

  it('reads empty variable-length strings as "" and bool enums as signed int8', async () => {
    await withFile(fixture('mies__AB_SweepsFromMultipleDevices-V2.nwb'), async file => {
      // h5py: general/user_comment/Dev1/userComment = [b'']
      assert.deepEqual((await file.read('/general/user_comment/Dev1/userComment')).data, ['']);
    });
    await withFile(fixture('h5wasm__array.h5'), async file => {
      // h5py: bool enum over H5T_STD_I8LE (signed), values [False, True, True, False]
      const bool = await file.read('/bool');
      assert.ok(bool.data instanceof Int8Array);
      assert.deepEqual(Array.from(bool.data), [0, 1, 1, 0]);
    });
  });

  it('reports compound sizes as libhdf5 does on 64-bit machines', async () => {
    await withFile(fixture('matnwb__example.h5'), async file => {
      // h5py: get_type().get_size() = 60 (four vlen strings of 8 bytes, an object reference)
      assert.equal((await file.datasetInfo('/general/extracellular_ephys/electrodes')).dtype.size, 60);
    });
    await withFile(fixture('nwbexplorer__nwb_test_file.nwb'), async file => {
      // h5py: 44 (two float64, two vlen strings, a 12-byte region reference)
      assert.equal((await file.datasetInfo('/epochs/epochs')).dtype.size, 44);
    });
  });
});
