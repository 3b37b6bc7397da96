/**
 * The benchmarks' h5py peer (bench/h5pyPeer.py) does the same work as the engine it is compared
 * with: its walk visits the objects and reads the attributes the engine's walk returns, and its
 * reads over fsspec or libhdf5's own ros3 driver through the stand-in archive return what the engine
 * reads.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { H5pyPeer } from '../../../bench/h5pyPeer';
import { FIXTURES, open } from './helpers';

const FILES = [
  'nwblinkml__aibs.nwb',
  'ipfx__2018_03_20_0005.nwb',
  'mies__AB_SweepsFromMultipleDevices-V2.nwb',
];

describe('the h5py peer of the HDF5 benchmarks', function () {
  this.timeout(120_000);
  let peer: H5pyPeer;
  let archive: StandInArchive;

  before(async () => {
    peer = await H5pyPeer.start();
    archive = await startArchive({ corpusDirs: [FIXTURES] });
  });
  after(async () => {
    peer?.close();
    await archive?.close();
  });

  for (const name of FILES) {
    it(`walks ${name} as the engine does: same objects, same attributes`, async () => {
      const theirs = await peer.run({ op: 'walk', key: name, fresh: true, path: join(FIXTURES, name) });
      const file = await open({ kind: 'local', path: join(FIXTURES, name) });
      try {
        const ours = await file.walk('/');
        // visititems sees the root and every object behind a hard link; links are not followed.
        const objects = ours.entries.filter(e => ['group', 'dataset', 'datatype'].includes(e.kind)).length;
        const attributes = Object.values(ours.attributes).reduce((n, list) => n + list.length, 0);
        assert.equal(theirs.objects, objects + 1);
        assert.equal(theirs.attributes + theirs.attributeErrors, attributes);
        assert.ok(theirs.attributes > 0);
      } finally {
        await file.close();
      }
    });
  }

  it('reads over fsspec (default and 4 MiB block cache) and ros3 what the engine reads locally', async () => {
    const name = 'ipfx__2018_03_20_0005.nwb';
    const listing = await fetch(
      `${archive.apiUrl}/dandisets/${archive.ids.corpus}/versions/draft/assets/?page_size=1000&metadata=true`,
    );
    const assets = (
      (await listing.json()) as { results: { path: string; metadata: { contentUrl: string[] } }[] }
    ).results;
    const url = assets.find(a => a.path.endsWith(name))?.metadata.contentUrl[1];
    assert.ok(url, `${name} is served`);
    const file = await open({ kind: 'local', path: join(FIXTURES, name) });
    try {
      const dataset = Object.entries((await file.walk('/')).datasets).find(
        ([, d]) => d.shape.length === 1 && d.shape[0] > 10,
      );
      assert.ok(dataset, 'the file has a 1-D dataset');
      const [path] = dataset;
      const ours = await file.read(path, { start: [2], count: [7] });
      for (const cache of ['default', 'block', 'ros3'] as const) {
        archive.clearLog();
        const theirs = await peer.run({
          op: 'read',
          key: `${name}:${cache}`,
          fresh: true,
          url,
          cache,
          blockSize: 4 * 1024 * 1024,
          reads: [[path, [[2, 9]]]],
        });
        assert.equal(theirs.elements, ours.data.length);
        const sum = Array.from(ours.data as ArrayLike<number>).reduce((n, v) => n + Number(v), 0);
        assert.ok(
          Math.abs(theirs.sum - sum) <= 1e-9 * Math.max(1, Math.abs(sum)),
          `${cache}: ${theirs.sum} vs ${sum}`,
        );
        assert.ok(
          archive.log.some(e => e.origin === 'blob' && e.status === 206),
          `${cache}: ranged reads`,
        );
      }
    } finally {
      await file.close();
    }
  });
});
