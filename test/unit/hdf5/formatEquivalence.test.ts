// The JavaScript metadata reader (src/hdf5/format/) against libhdf5 through h5wasm, the reader it
// replaces: for every HDF5 file of the fixture corpus and every generated NWB file, one walk with
// each reader gives the same entries, attributes and dataset infos, answer for answer, and the
// JavaScript reader answered (it did not leave the work to libhdf5).
import * as assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { ensureGeneratedNwb, GENERATED_MANIFEST } from '../../fixtures/nwbgen';
import { Hdf5Error, type Hdf5File, type MetadataSnapshot } from '../../../src/hdf5/types';
import { fixtureFiles, FIXTURES, open } from './helpers';
import { writeWithH5py } from './h5pyFiles';

type Outcome = Awaited<ReturnType<typeof snapshotWith>> | { error: string };

async function outcomeWith(path: string, reader: 'javascript' | 'libhdf5'): Promise<Outcome> {
  try {
    return await snapshotWith(path, reader);
  } catch (error) {
    return { error: error instanceof Hdf5Error ? error.code : String(error) };
  }
}

async function snapshotWith(path: string, reader: 'javascript' | 'libhdf5') {
  const file: Hdf5File = await open({ kind: 'local', path }, { metadataReader: reader });
  try {
    const walk: MetadataSnapshot = await file.walk('/');
    // Call by call too: list, entry and attributes answer from the same reader.
    const root = {
      list: await file.list('/'),
      entry: await file.entry('/'),
      attributes: await file.attributes('/'),
    };
    return { walk, root, stats: file.stats() };
  } finally {
    await file.close();
  }
}

describe('hdf5 JavaScript metadata reader: the same answers as libhdf5', function () {
  this.timeout(180_000);
  const generated: string[] = [];
  let brokenLinks = '';
  before(async () => {
    const nwb = await ensureGeneratedNwb();
    brokenLinks = nwb.files.brokenLinks;
    const others = Object.values(nwb.files).filter(f => f !== brokenLinks);
    generated.push(...others, nwb.manyRows.path, nwb.psth, nwb.gapped);
  });

  /** Both readers agree; `handedOver` says whether some answers are expected from libhdf5. */
  const check = async (path: string, handedOver = false) => {
    const reference = await outcomeWith(path, 'libhdf5');
    const ours = await outcomeWith(path, 'javascript');
    if ('error' in reference || 'error' in ours) {
      // A damaged file or not HDF5: both readers fail the same way.
      assert.deepEqual(ours, reference, `${basename(path)}: the readers disagree on a damaged file`);
      return;
    }
    assert.deepEqual(ours.walk, reference.walk);
    assert.deepEqual(ours.root, reference.root);
    assert.equal(reference.stats.metadataByJavaScript, 0, 'the libhdf5 reader read in JavaScript');
    const js = ours.stats.metadataByJavaScript ?? 0;
    const left = ours.stats.metadataByLibhdf5 ?? 0;
    assert.ok(js > 0, `${basename(path)}: the JavaScript reader gave no answer`);
    if (handedOver) assert.ok(left > 0, `${basename(path)}: nothing was left to libhdf5`);
    else
      assert.equal(
        left,
        0,
        `${basename(path)}: ${left} answers were left to libhdf5 (${js} read in JavaScript)`,
      );
  };

  it('hands what it does not read to libhdf5, answer by answer (a 12-bit integer attribute)', async () => {
    const written = writeWithH5py(
      'twelve-bits.h5',
      [
        'import sys, h5py, numpy',
        "f = h5py.File(sys.argv[1], 'w')",
        't = h5py.h5t.STD_I32LE.copy()',
        't.set_precision(12)',
        "a = h5py.h5a.create(f.id, b'twelve_bits', t, h5py.h5s.create(h5py.h5s.SCALAR))",
        "a.write(numpy.array(5, dtype='<i4'))",
        "f.attrs['plain'] = 1.5",
        "f.create_dataset('d', data=[1, 2, 3])",
        'f.close()',
      ].join('\n'),
    );
    try {
      await check(written.path, true);
    } finally {
      written.remove();
    }
  });

  it('lists the dangling links libhdf5 fails on, as h5py lists them', async () => {
    // libhdf5 through h5wasm fails to list a group holding a soft link whose target's parent is
    // missing (`component not found`); the JavaScript reader lists it as a broken link.
    const reference = await outcomeWith(brokenLinks, 'libhdf5');
    assert.deepEqual(reference, { error: 'corrupt' });
    const ours = await snapshotWith(brokenLinks, 'javascript');
    const expected = GENERATED_MANIFEST.brokenLinks;
    const broken = ours.walk.entries.filter(e => e.kind === 'brokenLink');
    assert.deepEqual(Object.fromEntries(broken.map(e => [e.path, e.target])), expected.danglingSoftLinks);
    const external = ours.walk.entries.filter(e => e.kind === 'externalLink');
    assert.deepEqual(
      external.map(e => [e.path, e.target]),
      Object.entries(expected.externalLinks ?? {}).map(([path, link]) => [
        path,
        `${link.file}://${link.path}`,
      ]),
    );
    assert.equal(ours.stats.metadataByLibhdf5, 0);
  });

  it('dense attributes, huge attribute values and creation order, as h5py writes them', async () => {
    const written = writeWithH5py(
      'dense.h5',
      [
        'import sys, h5py, numpy',
        "f = h5py.File(sys.argv[1], 'w', libver='latest')",
        "for name, order in (('by_name', False), ('by_creation', True)):",
        '    g = f.create_group(name, track_order=order)',
        '    for i in range(20):',
        "        g.attrs[f'z{20 - i:02d}'] = i",
        "    g.attrs['huge'] = numpy.arange(40000, dtype='<f8')",
        "    g.attrs['text'] = 'a string among many'",
        '    for i in range(12):',
        "        g.create_dataset(f'd{i}', data=numpy.arange(i + 1))",
        "d = f['by_name/d3']",
        'for i in range(15):',
        "    d.attrs[f'unit{i}'] = f'volts {i}'",
        "d.attrs['ref'] = f['by_creation'].ref",
        'f.close()',
      ].join('\n'),
    );
    try {
      await check(written.path);
    } finally {
      written.remove();
    }
  });

  for (const name of fixtureFiles()) it(`${name}`, () => check(join(FIXTURES, name)));
  it('every generated NWB file, the damaged ones included', async () => {
    for (const path of generated) await check(path);
  });
});
