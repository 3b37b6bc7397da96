/**
 * The overview's raw chunk reads (Hdf5File.chunkPlan / readChunks, folded by overviewChunks.ts)
 * against the read() path, on series h5py writes at test time: every storage the raw path takes
 * (gzip, shuffle+gzip, Fletcher-32, no filter, contiguous, big-endian, float32 with NaNs, float16,
 * uint8, uint64, 3-D, partial last chunks, unwritten chunks, single-chunk, fixed-array and implicit
 * indexes) builds the same pyramid as read() does, whose overall min/max numpy states; storage it
 * does not take (lzf, extensible array and v2 B-tree indexes) falls back to read(). A damaged chunk
 * fails with a clear error; a cancelled read sends no more requests. Every rate-timed series of the
 * real fixtures builds the same pyramid both ways.
 */
import * as assert from 'node:assert/strict';
import { closeSync, copyFileSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openHdf5 } from '../../../src/hdf5/engine';
import { Hdf5Error, type Hdf5File } from '../../../src/hdf5/types';
import type { NwbBackend } from '../../../src/nwb/backend';
import { NwbFile } from '../../../src/nwb/nwbFile';
import type { OverviewPyramid } from '../../../src/nwb/overviewPyramid';
import { seriesInfo } from '../../../src/nwb/timeseries';
import { writeWithH5py, type WrittenFile } from '../hdf5/h5pyFiles';
import { OverviewRefiner } from '../../../src/nwb/overviewRefiner';
import { fixture, FIXTURES, WORKER } from './helpers';

const WRITER = `
import sys, numpy as np, h5py
rng = np.random.default_rng(7)
N = 50_000

def series(f, name, data=None, shape=None, dtype=None, **kw):
    g = f.create_group(name)
    d = g.create_dataset('data', data=data, shape=shape, dtype=dtype, **kw)
    if data is not None and d.dtype.kind in 'iuf':
        g.attrs['expect_min'] = float(np.nanmin(data.astype('float64')))
        g.attrs['expect_max'] = float(np.nanmax(data.astype('float64')))
    st = g.create_dataset('starting_time', data=0.0)
    st.attrs['rate'] = 1000.0
    return d

def typed(f, name, tid, data, chunks):
    # A stored type numpy has no name for: libhdf5 converts on write and on read.
    g = f.create_group(name)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk(chunks)
    dcpl.set_deflate(4)
    ds = h5py.h5d.create(g.id, b'data', tid, h5py.h5s.create_simple(data.shape), dcpl=dcpl)
    ds.write(h5py.h5s.ALL, h5py.h5s.ALL, data)
    # No numpy range: read() (h5wasm) gives a 12-bit integer's stored bits, not libhdf5's values.
    st = g.create_dataset('starting_time', data=0.0)
    st.attrs['rate'] = 1000.0

a = rng.integers(-30000, 30000, size=(N, 5), dtype=np.int16)
f32 = rng.normal(0, 100, size=(N, 3)).astype(np.float32)
f32[rng.integers(0, N, 40), rng.integers(0, 3, 40)] = np.nan
with h5py.File(sys.argv[1], 'w') as f:
    series(f, 'gzip', a, chunks=(4096, 2), compression='gzip')
    series(f, 'shuffle_gzip', a, chunks=(4096, 5), compression='gzip', shuffle=True)
    series(f, 'plain', a, chunks=(4096, 5))
    series(f, 'contiguous', a)
    series(f, 'big_endian', a.astype('>i4') * 3, chunks=(3000, 4), compression='gzip', shuffle=True)
    series(f, 'float64_be', f32.astype('>f8'), chunks=(5000, 3), compression='gzip')
    series(f, 'float32', f32, chunks=(5000, 3), compression='gzip', fletcher32=True)
    series(f, 'float16', f32.astype(np.float16), chunks=(6000, 3), compression='gzip')
    series(f, 'uint8', rng.integers(0, 256, size=N, dtype=np.uint8), chunks=(7000,), compression='gzip')
    series(f, 'uint64', rng.integers(0, 2**63, size=(N, 2), dtype=np.uint64) * np.uint64(2), chunks=(4096, 2), compression='gzip')
    series(f, 'three_d', rng.integers(-5, 5, size=(N, 3, 4), dtype=np.int8), chunks=(4096, 2, 3), compression='gzip')
    series(f, 'single_chunk', a, chunks=(N, 5), compression='gzip')
    series(f, 'lzf', a, chunks=(4096, 5), compression='lzf')
    int12 = h5py.h5t.STD_I16LE.copy()
    int12.set_precision(12)
    typed(f, 'int12', int12, (a // 16).astype(np.int16), (4096, 5))
    sparse = series(f, 'unwritten', shape=(N, 5), dtype=np.int16, chunks=(4096, 5), compression='gzip', fillvalue=-7)
    sparse[10_000:20_000] = a[10_000:20_000]
    # Chunks far apart (another dataset's between them): one request each.
    g = series(f, 'interleaved', shape=(N, 5), dtype=np.int16, chunks=(4096, 5))
    filler = f.create_dataset('filler', shape=(13, 400_000), dtype=np.uint8, chunks=(1, 400_000))
    for i in range(13):
        g[i * 4096:(i + 1) * 4096] = a[i * 4096:(i + 1) * 4096]
        filler[i] = rng.integers(0, 256, 400_000, dtype=np.uint8)
with h5py.File(sys.argv[1] + '.latest', 'w', libver='latest') as f:
    series(f, 'single', a, chunks=(N, 5), compression='gzip')
    series(f, 'fixed_array', a, chunks=(4096, 5), compression='gzip', shuffle=True)
    early = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    early.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    series(f, 'implicit', a, chunks=(4096, 5), dcpl=early)
    series(f, 'extensible', a, chunks=(4096, 5), maxshape=(None, 5), compression='gzip')
    series(f, 'btree2', a, chunks=(4096, 5), maxshape=(None, None), compression='gzip')
`;

/** Each series: whether the raw path reads it. */
const EARLIEST: Record<string, boolean> = {
  gzip: true,
  shuffle_gzip: true,
  plain: true,
  contiguous: true,
  big_endian: true,
  float64_be: true,
  float32: true,
  float16: true,
  uint8: true,
  uint64: true,
  three_d: true,
  single_chunk: true,
  lzf: false,
  int12: false,
  unwritten: true,
  interleaved: true,
};
const LATEST: Record<string, boolean> = {
  single: true,
  fixed_array: true,
  implicit: true,
  extensible: false,
  btree2: false,
};

/** The engine's file with only what a Zarr store offers too: refinement goes through read(). */
function readOnly(h5: Hdf5File): NwbBackend {
  return {
    info: h5.info,
    list: p => h5.list(p),
    entry: p => h5.entry(p),
    attributes: p => h5.attributes(p),
    datasetInfo: p => h5.datasetInfo(p),
    read: (...args) => h5.read(...args),
    stats: () => h5.stats(),
    close: () => h5.close(),
  };
}

/** Refines the series at `path` to the end through `backend`; counts its read() calls. */
async function refined(
  backend: NwbBackend,
  path: string,
): Promise<{ pyramid: OverviewPyramid; reads: number }> {
  let reads = 0;
  const counting: NwbBackend = Object.assign(Object.create(backend) as NwbBackend, {
    read: (...args: Parameters<NwbBackend['read']>) => {
      reads++;
      return backend.read(...args);
    },
  });
  const nwb = new NwbFile(counting, { maxElements: 1_000_000 });
  const info = await seriesInfo(nwb, path);
  reads = 0;
  let state = await nwb.overviews.refine(info, 0);
  while (!state.done) state = await nwb.overviews.refine(info, state.version);
  return { pyramid: state.pyramid, reads };
}

describe('overview refinement from raw chunks', function () {
  this.timeout(180_000);
  let written: WrittenFile;
  let h5: Hdf5File;
  let latest: Hdf5File;
  before(async () => {
    written = writeWithH5py('series.h5', WRITER);
    h5 = await openHdf5({ kind: 'local', path: written.path }, { workerPath: WORKER, deadlineMs: 30_000 });
    latest = await openHdf5(
      { kind: 'local', path: `${written.path}.latest` },
      { workerPath: WORKER, deadlineMs: 30_000 },
    );
  });
  after(async () => {
    await h5?.close();
    await latest?.close();
    written?.remove();
  });

  for (const [label, series, file] of [
    ['earliest', EARLIEST, () => h5],
    ['latest', LATEST, () => latest],
  ] as const) {
    for (const [name, raw] of Object.entries(series)) {
      it(`${label} /${name}: ${raw ? 'raw chunks build' : 'falls back to read() and builds'} the read() path's pyramid`, async () => {
        const path = `/${name}`;
        const fast = await refined(file(), path);
        const slow = await refined(readOnly(file()), path);
        assert.ok(fast.pyramid.complete && slow.pyramid.complete);
        assert.deepEqual(fast.pyramid.levels, slow.pyramid.levels);
        assert.ok(slow.reads > 0);
        if (raw) {
          // Only never-written chunks go through read() on the raw path.
          const plan = await file().chunkPlan?.(`${path}/data`);
          assert.equal(fast.reads, plan?.unwritten.length, 'read() calls on the raw path');
        } else {
          assert.ok(fast.reads > 0);
          await assert.rejects(
            file().chunkPlan?.(`${path}/data`) ?? Promise.reject(new Error('no plan')),
            (e: Error) => e instanceof Hdf5Error && /unsupported/.test(e.code),
          );
        }
        const attrs = await new NwbFile(file()).reader.attrs(path);
        if (attrs.has('expect_min')) {
          const level = fast.pyramid.levels[0];
          assert.equal(
            level.min.reduce((a, b) => Math.min(a, b)),
            attrs.get('expect_min'),
            "numpy's min",
          );
          assert.equal(
            level.max.reduce((a, b) => Math.max(a, b)),
            attrs.get('expect_max'),
            "numpy's max",
          );
        }
      });
    }
  }

  it("builds the read() path's pyramid of every rate-timed series in the real fixtures", async () => {
    let compared = 0;
    let raw = 0;
    for (const name of readdirSync(FIXTURES).filter(n => /\.(nwb|h5)$/.test(n))) {
      let file: Hdf5File;
      try {
        file = await openHdf5(
          { kind: 'local', path: fixture(name) },
          { workerPath: WORKER, deadlineMs: 30_000 },
        );
      } catch {
        continue; // the corpus holds files made to fail; their errors are tested elsewhere
      }
      try {
        const snapshot = await file.walk('/', { attributes: false });
        for (const data of Object.keys(snapshot.datasets).filter(p => p.endsWith('/data'))) {
          const series = data.slice(0, -'/data'.length);
          if (!snapshot.datasets[`${series}/starting_time`]) continue;
          const info = await seriesInfo(new NwbFile(file), series).catch(() => null);
          if (!info || !OverviewRefiner.supports(info) || info.sampleCount * info.channelCount > 20_000_000)
            continue;
          const fast = await refined(file, series);
          const slow = await refined(readOnly(file), series);
          assert.deepEqual(fast.pyramid.levels, slow.pyramid.levels, `${name} ${series}`);
          compared++;
          if (fast.reads === 0) raw++;
        }
      } finally {
        await file.close();
      }
    }
    assert.ok(compared >= 20 && raw >= 20, `${compared} series compared, ${raw} read raw`);
  });

  it('plans pieces in file order and refuses what it cannot decode with the reason', async () => {
    const plan = await h5.chunkPlan?.('/gzip/data');
    assert.ok(plan);
    assert.equal(plan.layout, 'chunked');
    assert.deepEqual(plan.chunkShape, [4096, 2]);
    assert.equal(plan.chunks.length, Math.ceil(50_000 / 4096) * 3);
    assert.ok(plan.chunks.every((c, i) => i === 0 || c.address > plan.chunks[i - 1].address));
    const unwritten = await h5.chunkPlan?.('/unwritten/data');
    assert.equal(unwritten?.unwritten.length, 13 - 3);
    await assert.rejects(h5.chunkPlan?.('/lzf/data') ?? Promise.resolve(), /lzf filter is decoded by HDF5/);
  });

  it('fails on a damaged chunk with an error naming it, not a wrong overview', async () => {
    const plan = await h5.chunkPlan?.('/shuffle_gzip/data');
    assert.ok(plan);
    const victim = plan.chunks[3];
    const copy = join(written.path, '..', 'damaged.h5');
    copyFileSync(written.path, copy);
    const fd = openSync(copy, 'r+');
    writeSync(fd, new Uint8Array(64).fill(0x5a), 0, 64, victim.address + Math.floor(victim.size / 2));
    closeSync(fd);
    const damaged = await openHdf5({ kind: 'local', path: copy }, { workerPath: WORKER, deadlineMs: 30_000 });
    try {
      await assert.rejects(refined(damaged, '/shuffle_gzip'), (e: Error) => {
        assert.ok(e instanceof Hdf5Error && e.code === 'corrupt', String(e));
        assert.match(
          e.message,
          new RegExp(`/shuffle_gzip/data: the chunk at \\[${victim.origin.join(', ')}\\]`),
        );
        assert.match(e.message, /does not inflate/);
        return true;
      });
    } finally {
      await damaged.close();
    }
  });

  it('stops sending requests when cancelled', async () => {
    const bytes = readFileSync(written.path);
    let served = 0;
    const server: Server = createServer((req, res) => {
      const [, from, to] = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '') ?? [];
      if (from === undefined) return void res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
      const end = Math.min(Number(to), bytes.length - 1);
      served++;
      // Slow enough that the cancel lands while the first requests are out.
      setTimeout(() => {
        res
          .writeHead(206, {
            'content-range': `bytes ${from}-${end}/${bytes.length}`,
            'content-length': end - Number(from) + 1,
          })
          .end(bytes.subarray(Number(from), end + 1));
      }, 150);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/series.h5`;
    const remote = await openHdf5({ kind: 'http', url }, { workerPath: WORKER, deadlineMs: 30_000 });
    try {
      const plan = await remote.chunkPlan?.('/interleaved/data');
      assert.ok(plan && remote.readChunks);
      const which = plan.chunks.map((_, i) => i);
      const controller = new AbortController();
      const before = remote.stats().requests;
      let visited = 0;
      const reading = remote.readChunks(
        plan,
        which,
        () => {
          visited++;
          controller.abort();
        },
        { signal: controller.signal },
      );
      await assert.rejects(reading, (e: Error) => e instanceof Hdf5Error && e.code === 'aborted');
      const atCancel = remote.stats().requests;
      await new Promise(r => setTimeout(r, 400));
      assert.equal(remote.stats().requests, atCancel, 'no request after the cancel');
      assert.ok(atCancel - before < which.length, `${atCancel - before} requests for ${which.length} pieces`);
      assert.ok(visited >= 1);
      assert.ok(served > 0);
    } finally {
      await remote.close();
      server.close();
    }
  });
});
