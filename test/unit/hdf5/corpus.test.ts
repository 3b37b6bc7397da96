// Every real fixture opens through the built worker locally and over HTTP from the stand-in
// archive, with the same hierarchy both ways and the same numbers in every numeric dataset.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { Hdf5Error, type Hdf5File, type NumericArray } from '../../../src/hdf5/types';
import {
  corpusAssets,
  digest,
  fixtureFiles,
  FIXTURES,
  isNumericInfo,
  open,
  PLUGIN_FILES,
  walk,
} from './helpers';

describe('hdf5 engine on the real fixture corpus', function () {
  this.timeout(120_000);
  let archive: StandInArchive;
  let assets: Map<string, { id: string; size: number }>;

  before(async () => {
    archive = await startArchive({ corpusDirs: [FIXTURES] });
    assets = await corpusAssets(archive);
  });
  after(async () => archive?.close());

  for (const name of fixtureFiles()) {
    it(`${name}: same hierarchy and data locally and over HTTP, call by call and in one walk`, async () => {
      const asset = assets.get(name);
      assert.ok(asset, `${name} is not in the corpus Dandiset`);
      const local = await open({ kind: 'local', path: join(FIXTURES, name) });
      const remote = await open({ kind: 'dandi', apiUrl: archive.apiUrl, assetId: asset.id });
      try {
        const localTree = await walk(local);
        const remoteTree = await walk(remote);
        assert.deepEqual(remoteTree, localTree);
        const bulk = await remote.walk();
        assert.deepEqual(
          { entries: bulk.entries, attributes: bulk.attributes, infos: bulk.datasets },
          localTree,
        );
        assert.equal(bulk.truncated, false);
        assert.equal(remote.info.size, local.info.size);
        for (const [path, info] of Object.entries(localTree.infos)) {
          if (PLUGIN_FILES.has(name) && info.filters.some(f => !f.supported)) continue;
          if (!isNumericInfo(info) || info.size === 0) continue;
          const a = await local.read(path);
          const b = await remote.read(path);
          assert.deepEqual(b.shape, a.shape, path);
          assert.deepEqual(digest(b.data as NumericArray), digest(a.data as NumericArray), path);
        }
      } finally {
        await local.close();
        await remote.close();
      }
    });
  }

  it('walks a subtree without attributes, and stops at maxEntries saying so', async () => {
    const file = await open({ kind: 'local', path: join(FIXTURES, 'nwblinkml__aibs.nwb') });
    try {
      const full = await walk(file);
      const bare = await file.walk('/', { attributes: false });
      assert.deepEqual(bare.entries, full.entries);
      assert.deepEqual(bare.attributes, {});
      assert.deepEqual(bare.datasets, full.infos);
      const sub = await file.walk('/general');
      assert.deepEqual(
        sub.entries,
        full.entries.filter(e => e.path.startsWith('/general/')),
      );
      assert.deepEqual(Object.keys(sub.attributes)[0], '/general');
      const cut = await file.walk('/', { maxEntries: 10 });
      assert.equal(cut.truncated, true);
      assert.deepEqual(cut.entries, full.entries.slice(0, 10));
      await assert.rejects(
        file.walk('/no/such/group'),
        (e: unknown) => e instanceof Hdf5Error && e.code === 'not-found',
      );
    } finally {
      await file.close();
    }
  });

  it('refuses to return undecoded bytes for filters it lacks', async () => {
    // No plugin folder: blosc and zfp are missing.
    const noPlugins = mkdtempSync(join(tmpdir(), 'no-plugins-'));
    const cases: [string, string, RegExp, string | undefined][] = [
      ['hdf5plugin__blosc.h5', 'blosc', /^unsupported compression: blosc$/, noPlugins],
      ['hdf5plugin__zfp_054.h5', 'zfp', /^unsupported compression: zfp$/, noPlugins],
    ];
    for (const [name, filter, message, pluginDir] of cases) {
      const file = await open({ kind: 'local', path: join(FIXTURES, name) }, pluginDir ? { pluginDir } : {});
      try {
        const tree = await walk(file);
        const [path, info] =
          Object.entries(tree.infos).find(([, i]) => i.filters.some(f => f.name === filter)) ?? [];
        assert.ok(path && info, `${name} has a ${filter} dataset`);
        assert.equal(info.filters.find(f => f.name === filter)?.supported, false);
        await assert.rejects(
          file.read(path),
          (e: unknown) =>
            e instanceof Hdf5Error && e.code === 'unsupported-filter' && message.test(e.message),
        );
      } finally {
        await file.close();
      }
    }
  });

  it('decodes gzip, shuffle, scaleoffset and szip (h5wasm__compressed.h5)', async () => {
    const file = await open({ kind: 'local', path: join(FIXTURES, 'h5wasm__compressed.h5') });
    try {
      const tree = await walk(file);
      const names = new Set(
        Object.values(tree.infos).flatMap(i => i.filters.map(f => `${f.name}:${f.supported}`)),
      );
      for (const f of ['gzip:true', 'shuffle:true', 'scaleoffset:true', 'szip:true'])
        assert.ok(names.has(f), f);
      for (const path of Object.keys(tree.infos)) {
        const result = await file.read(path);
        assert.ok((result.data as NumericArray).length > 0, path);
      }
    } finally {
      await file.close();
    }
  });

  it('shows dangling soft and external links without failing', async () => {
    const check = async (
      name: string,
      expect: (entries: Awaited<ReturnType<typeof walk>>['entries']) => void,
    ) => {
      const file: Hdf5File = await open({ kind: 'local', path: join(FIXTURES, name) });
      try {
        expect((await walk(file)).entries);
      } finally {
        await file.close();
      }
    };
    await check('jupyterlabhdf5__non_simple_entities.h5', entries => {
      const external = entries.filter(e => e.kind === 'externalLink');
      assert.ok(external.length >= 3, 'three external links');
      assert.ok(external.some(e => e.target?.startsWith('not_existing.hdf5://')));
      assert.ok(entries.some(e => e.kind === 'brokenLink' && typeof e.target === 'string'));
      assert.ok(entries.some(e => e.kind === 'softLink' && typeof e.target === 'string'));
    });
    await check('matnwb__20080606_R1.nwb', entries => {
      assert.equal(entries.filter(e => e.kind === 'externalLink').length, 3);
    });
  });

  it('reports NWB types, namespaces and group sizes in listings', async () => {
    const file = await open({ kind: 'local', path: join(FIXTURES, 'nwblinkml__aibs.nwb') });
    try {
      const root = await file.entry('/');
      assert.equal(root.kind, 'group');
      assert.equal(root.neurodataType, 'NWBFile');
      assert.equal(root.namespace, 'core');
      const units = (await file.list('/')).find(e => e.name === 'units');
      assert.equal(units?.neurodataType, 'Units');
      assert.ok((units?.childCount ?? 0) > 0);
      const spikeTimes = await file.entry('/units/spike_times');
      assert.equal(spikeTimes.kind, 'dataset');
      assert.equal(spikeTimes.dtype, 'float64');
      await assert.rejects(
        file.list('/no/such/group'),
        (e: unknown) => e instanceof Hdf5Error && e.code === 'not-found',
      );
    } finally {
      await file.close();
    }
  });
});
