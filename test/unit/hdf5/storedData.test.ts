/**
 * Datasets h5wasm cannot convert (big-endian H5T_TIME, alone and in compounds), read from their
 * stored bytes (src/hdf5/storedData.ts), in every storage layout libhdf5 writes, judged by libhdf5
 * itself (test/conformance/h5dump.py through h5py) on files h5py writes at test time.
 */
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { engineDump, type Canon, type CanonFile } from '../../conformance/canonical';
import { compareDumps } from '../../conformance/compare';
import { JUDGE_PACKAGES, PYTHON } from '../../conformance/judge';
import { ensureDebianPackages } from '../../support/debianPackages';
import type { Hdf5File, OpenOptions, SourceSpec } from '../../../src/hdf5/types';
import { dataHandlers } from '../../../src/nwb/service';
import { PACKAGED } from '../../conformance/sources';
import { openNwb } from '../nwb/helpers';
import { writeWithH5py, type WrittenFile } from './h5pyFiles';
import { open } from './helpers';

/** Writes datasets of stored bytes with h5py's low-level API (numpy has no type for H5T_TIME). */
const WRITER = `
import sys, numpy as np, h5py
from h5py import h5t, h5s, h5d, h5p

LATEST = sys.argv[2] == 'latest'
f = h5py.File(sys.argv[1], 'w', libver='latest' if LATEST else 'earliest')

def pattern(n, size, seed):
    # printable bytes: strings without NULs, finite floats
    return ((np.arange(n * size, dtype=np.int64) * 7 + seed) % 79 + 48).astype(np.uint8).view(f'V{size}')

def put(name, tid, shape, chunks=None, maxshape=None, filters=(), compact=False, early=False, rows=None, seed=1):
    limits = tuple(h5s.UNLIMITED if m is None else m for m in (maxshape or shape))
    space = h5s.create_simple(shape, limits) if shape != () else h5s.create(h5s.SCALAR)
    dcpl = h5p.create(h5p.DATASET_CREATE)
    if chunks: dcpl.set_chunk(chunks)
    for name_ in filters:
        {'shuffle': dcpl.set_shuffle, 'deflate': lambda: dcpl.set_deflate(4), 'fletcher32': dcpl.set_fletcher32}[name_]()
    if compact: dcpl.set_layout(h5d.COMPACT)
    if early: dcpl.set_alloc_time(h5d.ALLOC_TIME_EARLY)
    ds = h5d.create(f.id, name.encode(), tid, space, dcpl=dcpl)
    if shape == ():
        ds.write(h5s.create(h5s.SCALAR), h5s.create(h5s.SCALAR), pattern(1, tid.get_size(), seed).reshape(()), mtype=tid)
        return
    count = (rows if rows is not None else shape[0],) + tuple(shape[1:])
    if int(np.prod(count)) == 0:
        return
    fspace = ds.get_space()
    fspace.select_hyperslab((0,) * len(shape), count)
    data = pattern(int(np.prod(count)), tid.get_size(), seed).reshape(count)
    ds.write(h5s.create_simple(count), fspace, data, mtype=tid)

def compound(order):
    t = h5t.create(h5t.COMPOUND, 38)
    label = h5t.C_S1.copy()
    label.set_size(6)
    be = order == 'be'
    t.insert(b't32', 0, h5t.UNIX_D32BE if be else h5t.UNIX_D32LE)
    t.insert(b'count', 4, h5t.STD_I32BE if be else h5t.STD_I32LE)
    t.insert(b'value', 8, h5t.IEEE_F64BE if be else h5t.IEEE_F64LE)
    t.insert(b'label', 16, label)
    t.insert(b'times', 22, h5t.array_create(h5t.UNIX_D64BE if be else h5t.UNIX_D64LE, (2,)))
    return t

def attr(obj, name, tid, shape, seed):
    space = h5s.create_simple(shape) if shape != () else h5s.create(h5s.SCALAR)
    a = h5py.h5a.create(obj.id, name.encode(), tid, space)
    n = int(np.prod(shape)) if shape != () else 1
    a.write(pattern(n, tid.get_size(), seed).reshape(shape), mtype=tid)

group = f.create_group('attrs')
group.attrs['before'] = 1
attr(group, 'be32', h5t.UNIX_D32BE, (), 3)
attr(group, 'be64_list', h5t.UNIX_D64BE, (3,), 5)
attr(group, 'le32', h5t.UNIX_D32LE, (2,), 7)
attr(group, 'compound_be', compound('be'), (2,), 9)
group.attrs['after'] = 2

if LATEST:
    dense = f.create_group('dense_attrs')
    for i in range(12):
        dense.attrs[f'n{i}'] = i
    attr(dense, 'be32', h5t.UNIX_D32BE, (), 11)
    put('single', h5t.UNIX_D32BE, (10,), chunks=(10,))
    put('single_deflated', h5t.UNIX_D64BE, (12,), chunks=(12,), filters=('deflate',))
    put('implicit', h5t.UNIX_D32BE, (30,), chunks=(8,), early=True)
    put('fixed', h5t.UNIX_D64BE, (40, 6), chunks=(7, 4))
    put('fixed_paged', h5t.UNIX_D32BE, (3000,), chunks=(2,), rows=2000)
    put('fixed_filtered', compound('be'), (50,), chunks=(9,), filters=('shuffle', 'deflate'))
    put('extensible', h5t.UNIX_D32BE, (10,), chunks=(4,), maxshape=(None,))
    put('btree2', h5t.UNIX_D32BE, (6, 6), chunks=(2, 2), maxshape=(None, None))
else:
    put('be32_contiguous', h5t.UNIX_D32BE, (50,))
    put('le32_contiguous', h5t.UNIX_D32LE, (50,))
    put('be64_compact', h5t.UNIX_D64BE, (6,), compact=True)
    put('be32_scalar', h5t.UNIX_D32BE, ())
    put('be32_unwritten', h5t.UNIX_D32BE, (9,), rows=0)
    put('be32_chunked_2d', h5t.UNIX_D32BE, (97, 41), chunks=(4, 5), rows=80)
    put('be64_filtered', h5t.UNIX_D64BE, (300,), chunks=(32,), filters=('shuffle', 'deflate', 'fletcher32'))
    put('le64_filtered', h5t.UNIX_D64LE, (300,), chunks=(32,), filters=('shuffle', 'deflate', 'fletcher32'))
    put('compound_be', compound('be'), (20,), chunks=(7,), filters=('deflate',), maxshape=(None,))
    put('compound_le', compound('le'), (20,))
    mixed = h5t.create(h5t.COMPOUND, 12)
    mixed.insert(b'count', 0, h5t.STD_I32LE)
    mixed.insert(b't64', 4, h5t.UNIX_D64BE)
    put('compound_mixed_order', mixed, (5,))
    put('be32_empty', h5t.UNIX_D32BE, (0,), chunks=(4,), maxshape=(None,))
f.close()
`;

/** Big-endian times and float64s kept in external files beside the HDF5 file (absolute paths). */
const EXTERNAL_WRITER = `
import sys, os, numpy as np, h5py
from h5py import h5t, h5s, h5d, h5p
beside = lambda name: os.path.join(os.path.dirname(sys.argv[1]), name).encode()
with h5py.File(sys.argv[1], 'w') as f:
    dcpl = h5p.create(h5p.DATASET_CREATE)
    dcpl.set_external(beside('times.bin'), 0, 4 * 8)
    ds = h5d.create(f.id, b'be32_external', h5t.UNIX_D32BE, h5s.create_simple((8,)), dcpl=dcpl)
    ds.write(h5s.create_simple((8,)), h5s.ALL, (np.arange(32, dtype=np.uint8) + 65).view('V4'), mtype=h5t.UNIX_D32BE)
    f.create_dataset('floats_external', data=np.arange(1.0, 6.0), external=[(beside('floats.bin'), 0, 40)])
    f.create_dataset('inside', data=np.arange(3.0))
`;

function write(format: 'earliest' | 'latest'): WrittenFile {
  return writeWithH5py(
    `times-${format}.h5`,
    WRITER.replace("sys.argv[2] == 'latest'", format === 'latest' ? 'True' : 'False'),
  );
}

async function withEngine<T>(
  spec: SourceSpec,
  use: (file: Hdf5File) => Promise<T>,
  options: OpenOptions = {},
): Promise<T> {
  const file = await open(spec, options);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

/** libhdf5's dump of a file written for this test (not kept in the judge's cache: the file is temporary). */
async function judgeDump(path: string): Promise<CanonFile> {
  const dumper = resolve(process.cwd(), 'test', 'conformance', 'h5dump.py');
  const { stdout } = await promisify(execFile)(PYTHON, [dumper, path], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout) as CanonFile;
}

function dataOf(dump: CanonFile, path: string): Canon[] {
  const values = dump.objects[path]?.values;
  assert.ok(values && 'data' in values, `${path}: ${JSON.stringify(values)}`);
  return values.data;
}

/** The elements of a row-major `shape` a hyperslab selects, in order. */
function pick(data: Canon[], shape: number[], start: number[], count: number[], stride: number[]): Canon[] {
  const out: Canon[] = [];
  const visit = (d: number, offset: number): void => {
    if (d === shape.length) return void out.push(data[offset]);
    for (let k = 0; k < count[d]; k++) visit(d + 1, offset * shape[d] + start[d] + k * stride[d]);
  };
  visit(0, 0);
  return out;
}

describe('stored bytes of data h5wasm cannot convert (big-endian H5T_TIME)', function () {
  this.timeout(120_000);
  let earliest: WrittenFile;
  let latest: WrittenFile;
  before(() => {
    ensureDebianPackages([...JUDGE_PACKAGES]);
    earliest = write('earliest');
    latest = write('latest');
  });
  after(() => [earliest, latest].forEach(f => f?.remove()));

  it('every layout of an earliest-format file (v1 B-tree, compact, contiguous, filters, compounds, attributes) matches libhdf5', async () => {
    const written = earliest;
    const [libhdf5, engine] = await Promise.all([
      judgeDump(written.path),
      withEngine({ kind: 'local', path: written.path }, engineDump),
    ]);
    assert.deepEqual(compareDumps(libhdf5, engine), []);
    // Times are bytes as stored (not swapped), the other big-endian members numbers.
    const [first] = dataOf(engine, '/compound_be') as { [key: string]: Canon }[];
    assert.equal(typeof first.t32, 'string');
    assert.equal(typeof first.count, 'number');
    assert.equal(dataOf(engine, '/be32_unwritten').join(), Array(9).fill('00000000').join());
    assert.equal(dataOf(engine, '/be32_chunked_2d').length, 97 * 41);
  });

  it('a latest-format file (v2 object headers; single, implicit and fixed array chunk indexes; attributes) matches libhdf5, and what is not read fails clearly', async () => {
    const written = latest;
    const [libhdf5, engine] = await Promise.all([
      judgeDump(written.path),
      withEngine({ kind: 'local', path: written.path }, engineDump),
    ]);
    const differences = compareDumps(libhdf5, engine);
    assert.deepEqual(differences.map(d => `${d.path} ${d.field}`).sort(), [
      '/btree2 values',
      '/extensible values',
    ]);
    assert.match(
      JSON.stringify(engine.objects['/extensible'].values),
      /extensible array chunk index is not supported/,
    );
    assert.match(
      JSON.stringify(engine.objects['/btree2'].values),
      /version 2 B-tree chunk index is not supported/,
    );
    assert.equal(dataOf(engine, '/fixed_paged').length, 3000);
    // The big-endian time attribute in dense storage: the JavaScript metadata reader reads it as
    // libhdf5 does (the dumps above agree); through h5wasm alone it fails, saying why, and its
    // twelve siblings still read.
    const spec: SourceSpec = { kind: 'local', path: written.path };
    const read = await withEngine(spec, f => f.attributes('/dense_attrs'));
    assert.equal(read.length, 13);
    assert.equal(read.find(a => a.name === 'be32')?.error, undefined);
    const viaLibhdf5 = await withEngine(spec, f => f.attributes('/dense_attrs'), {
      metadataReader: 'libhdf5',
    });
    assert.equal(viaLibhdf5.length, 13);
    assert.match(
      viaLibhdf5.find(a => a.name === 'be32')?.error ?? '',
      /dense attribute storage is not supported/,
    );
  });

  it('offset and strided selections across chunks give the elements of the whole read at those places', async () => {
    const cases: [WrittenFile, string, number[], number[], number[]][] = [
      [earliest, '/be32_chunked_2d', [3, 2], [30, 7], [3, 6]],
      [earliest, '/be32_chunked_2d', [78, 40], [19, 1], [1, 1]],
      [earliest, '/be32_contiguous', [5], [9], [5]],
      [earliest, '/be64_compact', [1], [2], [3]],
      [earliest, '/compound_be', [6], [7], [2]],
      [latest, '/fixed', [1, 1], [13, 2], [3, 3]],
      [latest, '/fixed_paged', [1500], [200], [7]],
      [latest, '/implicit', [7], [4], [6]],
    ];
    for (const [written, path, start, count, stride] of cases) {
      await withEngine({ kind: 'local', path: written.path }, async file => {
        const whole = await file.read(path, {}, { maxElements: Number.MAX_SAFE_INTEGER });
        const part = await file.read(path, { start, count, stride });
        assert.deepEqual(part.shape, count);
        const expected = pick(whole.data as Canon[], whole.shape, start, count, stride);
        assert.deepEqual(part.data, expected, `${path} [${start}] × [${count}] / [${stride}]`);
      });
    }
  });

  it('reads the same over HTTP ranges as from the disk', async () => {
    const bytes = readFileSync(earliest.path);
    const server: Server = createServer((req, res) => {
      const [, from, to] = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '') ?? [];
      if (from === undefined) return void res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
      const end = Math.min(Number(to), bytes.length - 1);
      res
        .writeHead(206, {
          'content-range': `bytes ${from}-${end}/${bytes.length}`,
          'content-length': end - Number(from) + 1,
        })
        .end(bytes.subarray(Number(from), end + 1));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/times.h5`;
      const selections = {
        '/be32_chunked_2d': { start: [10, 3], count: [40, 20] },
        '/compound_be': { start: [2], count: [15] },
        '/be64_filtered': { start: [30], count: [200] },
      };
      for (const [path, selection] of Object.entries(selections)) {
        const local = await withEngine({ kind: 'local', path: earliest.path }, f => f.read(path, selection));
        const remote = await withEngine({ kind: 'http', url }, f => f.read(path, selection));
        assert.deepEqual(remote.data, local.data, path);
      }
    } finally {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  });

  it("the viewer's requests on PyTables' big-endian times give their bytes, labelled as times", async () => {
    const tables = PACKAGED.find(p => p.writer === 'PyTables');
    assert.ok(tables);
    ensureDebianPackages([tables.package]);
    const path = join(tables.dir, 'times-nested-be.h5');
    const nwb = await openNwb(path);
    try {
      const handlers = dataHandlers(nwb, { kind: 'local', path });
      const context = { signal: new AbortController().signal, id: 1 };
      const info = await handlers['h5/datasetInfo']({ path: '/earr32' }, context);
      assert.equal(info.dtype.display, 'time32 (big-endian)');
      const children = await handlers['h5/children']({ path: '/', offset: 0, limit: 10 }, context);
      assert.deepEqual(
        children.entries.filter(e => e.name.startsWith('earr')).map(e => e.dtype),
        ['time32>', 'time64>'],
      );
      const times = await handlers['dataset/slice']({ path: '/earr32' }, context);
      assert.equal(times.kind, 'values');
      assert.ok(
        times.kind === 'values' && times.values.every(v => typeof v === 'string' && /^[0-9a-f]{8}$/.test(v)),
      );
      const table = await handlers['dataset/slice'](
        { path: '/tbl', start: [2], count: [3], stride: [3] },
        context,
      );
      assert.ok(table.kind === 'values');
      assert.deepEqual(table.shape, [3]);
      for (const row of table.values as { [key: string]: { t64: string } | string }[]) {
        assert.match(row.t32 as string, /^[0-9a-f]{8}$/);
        assert.match((row.nested as { t64: string }).t64, /^[0-9a-f]{16}$/);
      }
    } finally {
      await nwb.close();
    }
  });

  it('a dataset kept in external files fails saying so, instead of reading as its fill value', async () => {
    const written = writeWithH5py('external.h5', EXTERNAL_WRITER);
    try {
      // libhdf5 reads them: the data is there, outside the file the engine reads.
      const script = 'import h5py, sys; print(h5py.File(sys.argv[1], "r")["floats_external"][:].tolist())';
      assert.equal(
        execFileSync(PYTHON, ['-c', script, written.path], { encoding: 'utf8' }).trim(),
        '[1.0, 2.0, 3.0, 4.0, 5.0]',
      );
      await withEngine({ kind: 'local', path: written.path }, async file => {
        // Its stored bytes (big-endian times) and through libhdf5 (float64s) alike.
        for (const path of ['/be32_external', '/floats_external'])
          await assert.rejects(file.read(path), (error: Error & { code?: string }) => {
            assert.equal(error.code, 'unsupported-layout', path);
            assert.match(error.message, /external storage/, path);
            return true;
          });
        assert.deepEqual(Array.from((await file.read('/inside')).data as ArrayLike<number>), [0, 1, 2]);
      });
    } finally {
      written.remove();
    }
  });

  it('a damaged chunk fails that read clearly (its checksum, as libhdf5 checks it), and the file reads on', async () => {
    const copy = join(dirname(earliest.path), 'damaged.h5');
    copyFileSync(earliest.path, copy);
    const script =
      'import h5py, sys; print(h5py.File(sys.argv[1], "r")["be64_filtered"].id.get_chunk_info(0).byte_offset)';
    const offset = Number(execFileSync(PYTHON, ['-c', script, copy], { encoding: 'utf8' }).trim());
    const fd = openSync(copy, 'r+');
    writeSync(fd, Buffer.from([0xde, 0xad]), 0, 2, offset + 20);
    closeSync(fd);
    const libhdf5 = await judgeDump(copy);
    assert.match(JSON.stringify(libhdf5.objects['/be64_filtered'].values), /error/);
    await withEngine({ kind: 'local', path: copy }, async file => {
      await assert.rejects(file.read('/be64_filtered', {}), /Fletcher-32 checksum/);
      const after = await file.read('/be32_contiguous', { start: [0], count: [3] });
      assert.deepEqual(after.data, (dataOf(libhdf5, '/be32_contiguous') as string[]).slice(0, 3));
    });
  });
});
