/**
 * hdmf-zarr conventions the fixtures do not hold, in a store python3-zarr writes as hdmf-zarr
 * does: `zarr_link` soft links (a link inside a path, a linked dataset) and external links,
 * object-reference arrays (json2), and a Pickle array named as unreadable, not read as zeros.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hdf5Error } from '../../../src/hdf5/types';
import { NwbFile } from '../../../src/nwb/nwbFile';
import { seriesInfo } from '../../../src/nwb/timeseries';
import { ZarrNwbBackend } from '../../../src/nwbzarr/backend';
import { openZarr } from '../../../src/zarr/reader';
import { pythonZarrWrite } from '../../support/pythonZarr';

const WRITE = `
import sys, zarr, numcodecs, numpy as np
root = zarr.open_group(sys.argv[1] + '/links.nwb.zarr', mode='w')
root.attrs.update({'neurodata_type': 'NWBFile', 'namespace': 'core', 'nwb_version': '2.8.0', '.specloc': 'specifications'})
acq = root.create_group('acquisition')
ts = acq.create_group('ts')
ts.attrs.update({'neurodata_type': 'TimeSeries', 'namespace': 'core', 'description': 'a series'})
d = ts.create_dataset('data', data=np.arange(10, dtype='<f4'))
d.attrs.update({'unit': 'V', 'conversion': 1.0, 'offset': 0.0, 'resolution': -1.0, 'zarr_dtype': 'float32'})
t = ts.create_dataset('timestamps', data=np.arange(10, dtype='<f8') / 10)
t.attrs.update({'unit': 'seconds', 'interval': 1, 'zarr_dtype': 'float64'})
proc = root.create_group('processing').create_group('mod')
proc.attrs.update({'neurodata_type': 'ProcessingModule', 'namespace': 'core', 'description': 'm'})
ts2 = proc.create_group('ts2')
ts2.attrs.update({'neurodata_type': 'TimeSeries', 'namespace': 'core', 'description': 'shares timestamps',
  'zarr_link': [{'name': 'timestamps', 'source': '.', 'path': '/acquisition/ts/timestamps', 'object_id': None, 'source_object_id': None}]})
d2 = ts2.create_dataset('data', data=np.arange(10, dtype='<i2') * 2)
d2.attrs.update({'unit': 'mV', 'conversion': 1.0, 'offset': 0.0, 'resolution': -1.0, 'zarr_dtype': 'int16'})
proc.attrs['zarr_link'] = [
  {'name': 'shortcut', 'source': '.', 'path': '/acquisition/ts', 'object_id': None, 'source_object_id': None},
  {'name': 'elsewhere', 'source': 'other.nwb.zarr', 'path': '/acquisition/x', 'object_id': None, 'source_object_id': None}]
refs = root.create_dataset('refs', shape=(2,), dtype=object, object_codec=numcodecs.JSON())
refs[:] = [{'source': '.', 'path': '/acquisition/ts', 'object_id': None, 'source_object_id': None},
           {'source': '.', 'path': '/processing/mod/ts2', 'object_id': None, 'source_object_id': None}]
refs.attrs['zarr_dtype'] = 'object'
pick = root.create_dataset('pickled', shape=(2,), dtype=object, object_codec=numcodecs.Pickle())
pick[:] = ['a', 'b']
root.create_dataset('compound', data=np.array([(1.5, b'ab'), (2.5, b'cd')], dtype=[('x', '<f8'), ('label', 'S4')]))
`;

describe('hdmf-zarr conventions', function () {
  this.timeout(60_000);
  let dir = '';
  let nwb: NwbFile;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nwbzarr-'));
    pythonZarrWrite(WRITE, dir);
    nwb = new NwbFile(
      new ZarrNwbBackend(await openZarr({ kind: 'local', path: join(dir, 'links.nwb.zarr') })),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists zarr_link entries as soft and external links, as an HDF5 file lists its links', async () => {
    const entries = await nwb.reader.list('/processing/mod');
    const byName = new Map(entries.map(e => [e.name, e]));
    assert.deepEqual(
      [byName.get('shortcut')?.kind, byName.get('shortcut')?.target],
      ['softLink', '/acquisition/ts'],
    );
    assert.deepEqual(
      [byName.get('elsewhere')?.kind, byName.get('elsewhere')?.target],
      ['externalLink', 'other.nwb.zarr://acquisition/x'],
    );
    // Bookkeeping attributes are not shown; the link list is not an attribute in HDF5.
    const names = (await nwb.reader.attributeList('/processing/mod')).map(a => a.name);
    assert.ok(!names.includes('zarr_link'), names.join());
  });

  it('follows links inside a path and to a linked dataset; an external link is absent', async () => {
    assert.equal((await nwb.reader.entry('/processing/mod/shortcut'))?.path, '/acquisition/ts');
    const data = await nwb.reader.readNumbers('/processing/mod/shortcut/data');
    assert.deepEqual(Array.from(data), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(await nwb.reader.entry('/processing/mod/elsewhere'), null);
    const info = await seriesInfo(nwb, '/processing/mod/ts2');
    assert.equal(info.timing.kind, 'timestamps');
    assert.equal(info.tEnd, 0.9);
    assert.equal(info.unit, 'mV');
  });

  it('reads an object-reference array as references, and the root .specloc as a reference', async () => {
    assert.equal((await nwb.reader.datasetInfo('/refs')).dtype.class, 'reference');
    assert.deepEqual(await nwb.reader.readValues('/refs'), [
      { ref: '/acquisition/ts' },
      { ref: '/processing/mod/ts2' },
    ]);
    assert.deepEqual(await nwb.reader.attr('/', '.specloc'), { ref: '/specifications' });
  });

  it('names the Pickle codec instead of reading an array it cannot decode', async () => {
    const info = await nwb.reader.datasetInfo('/pickled');
    assert.deepEqual(
      info.filters.map(f => [f.name, f.supported]),
      [
        ['pickle', false],
        ['blosc', true],
      ],
    );
    await assert.rejects(
      nwb.reader.readValues('/pickled'),
      (e: unknown) => e instanceof Hdf5Error && e.code === 'unsupported-filter' && /Pickle/.test(e.message),
    );
  });

  it('describes a structured array as a compound, and says why its values are not read', async () => {
    const info = await nwb.reader.datasetInfo('/compound');
    assert.equal(info.dtype.class, 'compound');
    assert.equal(info.dtype.display, 'compound {x: float64, label: ascii string (4 bytes)}');
    assert.deepEqual(info.shape, [2]);
    await assert.rejects(
      nwb.reader.readValues('/compound'),
      (e: unknown) => e instanceof Hdf5Error && /^\/compound: structured dtype/.test(e.message),
    );
  });
});
