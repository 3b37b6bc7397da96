/** `h5/walk`: every object of a real file, once per file, for the hierarchy filter. */
import * as assert from 'node:assert/strict';
import type { NwbFile } from '../../../src/nwb/nwbFile';
import { dataHandlers } from '../../../src/nwb/service';
import type { RequestContext } from '../../../src/shared/messenger';
import { ancestorPaths, matchingPaths } from '../../../media/viewer/treeModel';
import { fixture, openNwb } from './helpers';

const ctx: RequestContext = { signal: new AbortController().signal, id: 1 };

describe('every object of a file (h5/walk)', function () {
  this.timeout(60_000);
  let nwb: NwbFile & { close(): Promise<void> };

  before(async () => {
    nwb = await openNwb(fixture('mies__AB_SweepsFromMultipleDevices-V2.nwb'));
  });
  after(() => nwb?.close());

  it('lists every object below the root with its kind and type, once, and caches the walk', async () => {
    const walk = dataHandlers(nwb, { kind: 'local', path: '/data/mies.nwb' })['h5/walk'];
    const first = await walk({}, ctx);
    assert.equal(first.truncated, false);
    const paths = first.objects.map(o => o.path);
    assert.equal(new Set(paths).size, paths.length, 'each object once');
    const sweep = first.objects.find(o => o.path === '/stimulus/presentation/data_00003_DA0');
    assert.ok(sweep, 'a stimulus sweep below two groups is listed');
    assert.equal(sweep.kind, 'group');
    assert.ok(sweep.type, 'with its neurodata type');
    assert.ok(paths.includes('/stimulus/presentation/data_00003_DA0/data'), 'datasets too');
    // Every listed object's parent group is listed (or is the root).
    const groups = new Set(first.objects.filter(o => o.kind === 'group').map(o => o.path));
    for (const p of paths) {
      const parent = p.slice(0, p.lastIndexOf('/')) || '/';
      assert.ok(parent === '/' || groups.has(parent), `${p} has its parent listed`);
    }
    assert.equal(await walk({}, ctx), first, 'the second request is answered from the cache');
  });

  it('finds matches by name, type or path and the groups to load above them', async () => {
    const { objects } = await dataHandlers(nwb, { kind: 'local', path: '/data/mies.nwb' })['h5/walk'](
      {},
      ctx,
    );
    const found = matchingPaths(objects, 'DATA_00003_da0', 100);
    assert.ok(found.includes('/stimulus/presentation/data_00003_DA0'));
    assert.ok(found.every(p => p.toLowerCase().includes('data_00003_da0')));
    assert.deepEqual(matchingPaths(objects, '   ', 100), []);
    assert.equal(matchingPaths(objects, 'data', 3).length, 3);
    assert.deepEqual(ancestorPaths(['/a/b/c', '/a/d']), ['/', '/a', '/a/b']);
  });
});
