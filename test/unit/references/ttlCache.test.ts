import * as assert from 'node:assert/strict';
import { TtlCache } from '../../../src/references/ttlCache';

describe('TtlCache', () => {
  let clock = 0;
  let loads = 0;
  const load = (value: string) => () => {
    loads++;
    return Promise.resolve(value);
  };
  beforeEach(() => {
    clock = 0;
    loads = 0;
  });

  it('shares one load between concurrent asks and keeps it for its time to live', async () => {
    const cache = new TtlCache<string>(10, () => clock);
    const [a, b] = await Promise.all([cache.get('k', 100, load('one')), cache.get('k', 100, load('two'))]);
    assert.deepEqual([a, b, loads], ['one', 'one', 1]);
    clock = 99;
    assert.equal(await cache.get('k', 100, load('three')), 'one');
    clock = 100;
    assert.equal(await cache.get('k', 100, load('four')), 'four');
    assert.equal(loads, 2);
  });

  it('keeps an Infinity entry for good, and drops a failed load at once', async () => {
    const cache = new TtlCache<string>(10, () => clock);
    await cache.get('published', Infinity, load('kept'));
    clock = Number.MAX_SAFE_INTEGER;
    assert.equal(await cache.get('published', Infinity, load('other')), 'kept');
    await assert.rejects(cache.get('failing', Infinity, () => Promise.reject(new Error('network'))));
    assert.equal(await cache.get('failing', Infinity, load('retried')), 'retried');
  });

  it('forgets the least recently used entry past its bound', async () => {
    const cache = new TtlCache<string>(2, () => clock);
    await cache.get('a', Infinity, load('a'));
    await cache.get('b', Infinity, load('b'));
    await cache.get('a', Infinity, load('a again')); // a is now the most recent
    await cache.get('c', Infinity, load('c'));
    assert.equal(await cache.get('a', Infinity, load('a reloaded')), 'a');
    assert.equal(await cache.get('b', Infinity, load('b reloaded')), 'b reloaded');
  });
});
