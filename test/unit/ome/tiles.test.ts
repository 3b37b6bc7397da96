import * as assert from 'node:assert/strict';
import type { TileReply, TileRequest } from '../../../src/shared/omeProtocol';
import { composite, labelColor } from '../../../media/ome/render';
import { TileCache, TileScheduler, tileKey, tileOf, type Tile } from '../../../media/ome/tiles';

function request(level: number, row: number): TileRequest {
  return { image: '', level, channel: 0, z: 0, t: 0, y0: row * 2, y1: row * 2 + 2, x0: 0, x1: 2 };
}

function reply(values: number[]): TileReply {
  return { height: 2, width: 2, type: 'Uint16Array', data: new Uint16Array(values).buffer };
}

/** A fetch the test settles by hand, recording what was asked and what was cancelled. */
function manualFetch(): {
  fetch: (r: TileRequest, signal: AbortSignal) => Promise<TileReply>;
  asked: string[];
  aborted: string[];
  settle(key: string): void;
} {
  const waiting = new Map<string, () => void>();
  const asked: string[] = [];
  const aborted: string[] = [];
  return {
    asked,
    aborted,
    fetch: (r, signal) =>
      new Promise((resolve, reject) => {
        const key = tileKey(r);
        asked.push(key);
        waiting.set(key, () => resolve(reply([1, 2, 3, 4])));
        signal.addEventListener('abort', () => {
          aborted.push(key);
          reject(new Error('cancelled'));
        });
      }),
    settle: key => waiting.get(key)?.(),
  };
}

describe('OME-Zarr viewer tiles', () => {
  it('keeps at most 4 requests in flight, in the order wanted', () => {
    const f = manualFetch();
    const s = new TileScheduler(
      new TileCache(1 << 20),
      f.fetch,
      () => {},
      () => {},
    );
    s.want([0, 1, 2, 3, 4, 5].map(r => request(0, r)));
    assert.deepEqual(
      f.asked,
      [0, 1, 2, 3].map(r => tileKey(request(0, r))),
    );
    assert.equal(s.pending, 6);
  });

  it('cancels what a pan or zoom no longer needs, keeps what it still needs', async () => {
    const f = manualFetch();
    const tiles: Tile[] = [];
    const cache = new TileCache(1 << 20);
    const s = new TileScheduler(
      cache,
      f.fetch,
      t => tiles.push(t),
      () => {},
    );
    s.want([0, 1, 2, 3].map(r => request(0, r)));
    s.want([request(0, 3), request(1, 0)]);
    assert.deepEqual(
      f.aborted,
      [0, 1, 2].map(r => tileKey(request(0, r))),
    );
    assert.equal(s.cancelled, 3);
    assert.deepEqual(f.asked.slice(4), [tileKey(request(1, 0))], 'the kept tile is not asked again');
    f.settle(tileKey(request(0, 3)));
    await new Promise(resolve => setImmediate(resolve));
    assert.equal(tiles.length, 1);
    assert.deepEqual([...(cache.peek(tileKey(request(0, 3)))?.values ?? [])], [1, 2, 3, 4]);
    s.want([request(0, 3)]);
    assert.equal(f.asked.length, 5, 'a cached tile is not fetched again');
  });

  it('the tile cache drops the least recently used tiles beyond its byte bound', () => {
    const cache = new TileCache(16);
    const put = (row: number): void =>
      cache.set(tileKey(request(0, row)), tileOf(request(0, row), reply([row, row, row, row])));
    put(0);
    put(1);
    cache.get(tileKey(request(0, 0)));
    put(2);
    assert.ok(cache.peek(tileKey(request(0, 0))), 'recently used stays');
    assert.equal(cache.peek(tileKey(request(0, 1))), undefined, 'least recently used goes');
    assert.equal(cache.bytes, 16);
  });

  it('refuses a tile type it cannot draw', () => {
    assert.throws(() => tileOf(request(0, 0), { ...reply([0]), type: 'BigInt64Array' }), /BigInt64Array/);
  });

  it('adds channels in their colours through their windows; labels get one colour per id', () => {
    const red = { active: true, rgb: [255, 0, 0] as [number, number, number], low: 0, high: 100 };
    const green = { active: true, rgb: [0, 255, 0] as [number, number, number], low: 100, high: 200 };
    const rgba = composite(
      2,
      1,
      [new Uint16Array([50, 200]), new Uint16Array([150, 0])],
      [red, green],
      false,
    );
    assert.deepEqual([...rgba], [128, 128, 0, 255, 255, 0, 0, 255]);
    const labels = composite(2, 1, [new Uint16Array([0, 7])], [red], true);
    assert.deepEqual([...labels.slice(0, 4)], [0, 0, 0, 255], 'id 0 is background');
    assert.deepEqual([...labels.slice(4, 7)], labelColor(7));
    assert.notDeepEqual(labelColor(7), labelColor(8));
  });
});
