/**
 * Warms a spare worker's code paths while it waits for a file. A worker's JavaScript (the metadata
 * reader in format/, h5wasm's bindings, value conversion, the block cache) starts out interpreted
 * in each new thread; the compiled wasm is shared, the JIT's work is not. A cold first walk ran 2-4×
 * slower than the same walk on optimized code, so a spare walks two small NWB-shaped scratch files
 * first (written here in memory, never to disk): one in HDF5's earliest format (symbol tables,
 * version 1 object headers, as h5py writes by default) and one in its latest (link messages,
 * version 2 headers, and groups and attribute lists big enough for dense storage: fractal heaps and
 * v2 B-trees, as libver='latest' writers and MIES do). Each walk is one call (~10-30 ms), so a
 * spare taken for a file is not kept busy by the rest. Answers are serialized as the worker's are:
 * serialization was a twentieth of a cold walk, and ran unwarmed.
 */
import h5wasm from 'h5wasm';
import { serialize } from 'node:v8';
import { BlockCache } from './blockCache';
import { LazyFileNode, type EmscriptenFs } from './fileNode';
import type { H5Module } from './h5calls';
import { FileOps } from './ops';

const SCRATCH_DIR = '/warm';
const WRITTEN = `${SCRATCH_DIR}/written.h5`;
const READ = `${SCRATCH_DIR}/read.h5`;
/** The scratch files, earliest and latest format, written by this worker's first warm-up. */
let scratch: Uint8Array[] | null = null;
/** Walks made so far: they alternate between the two files. */
let walks = 0;
/** Attributes on each scratch series: more than libhdf5 keeps compact (8), so the latest file's go dense. */
const SERIES_ATTRIBUTES = 10;
/** Processing modules: more links than a compact group holds (8), so the latest file's group goes dense. */
const MODULES = 10;

type Fs = EmscriptenFs & { mkdirTree(path: string): void; readFile(path: string): Uint8Array };

/** Walks one scratch file (writing both first if needed), with a fresh memo. */
export function warmUpWorker(m: H5Module): void {
  const fs = m.FS as unknown as Fs;
  if (!scratch) {
    fs.mkdirTree(SCRATCH_DIR);
    scratch = [writeScratchFile(fs, 'earliest'), writeScratchFile(fs, 'latest')];
  }
  const bytes = scratch[walks++ % scratch.length];
  // Served by fetches, as a file's first bytes are: the misses' path runs warm too.
  const cache = new BlockCache(bytes.length, (start, end) => bytes.slice(start, end), {
    cacheBytes: 4 * bytes.length + 1024 * 1024,
    policy: 'adaptive',
  });
  new LazyFileNode(fs, READ, cache);
  try {
    const file = new h5wasm.File(READ, 'r');
    try {
      const ops = new FileOps(m, () => file.file_id, cache, new Set());
      serialize(ops.list('/'));
      serialize(ops.walk('/', true, 10_000));
      ops.read('/acquisition/series/data', { start: [0, 0], count: [64, 4] }, 1_000_000);
      ops.read('/general/names', {}, 1_000);
    } finally {
      file.close();
    }
  } finally {
    fs.unlink(READ);
  }
}

function writeScratchFile(fs: Fs, format: 'earliest' | 'latest'): Uint8Array {
  // Not 'latest': h5wasm's HDF5 2.0 then writes version 5 layout messages, which no archive file
  // holds; the JavaScript reader leaves them to libhdf5, and the warm-up would warm libhdf5's path.
  const file = new h5wasm.File(WRITTEN, 'w', format === 'latest' ? { libver: ['v110', 'v114'] } : {});
  try {
    const typed = (path: string, type: string) => {
      const node = path === '/' ? file : file.get(path);
      if (!node || !('create_attribute' in node)) throw new Error(`missing ${path}`);
      node.create_attribute('namespace', 'core');
      node.create_attribute('neurodata_type', type);
      // Fixed-length, as h5py writes an attribute given bytes (MIES: most of its attributes).
      node.create_attribute(
        'object_id',
        `00000000-0000-4000-8000-${path.length.toString().padStart(12, '0')}`,
        null,
        'S36',
      );
      return node;
    };
    typed('/', 'NWBFile').create_attribute('nwb_version', '2.7.0');
    file.create_group('acquisition');
    file.create_group('general');
    file.create_group('processing');
    file.create_dataset({ name: 'session_description', data: 'scratch', shape: [], dtype: 'S' });
    file.create_dataset({ name: 'general/names', data: ['a', 'bc', 'def'], shape: [3], dtype: 'S' });
    for (let i = 0; i < MODULES; i++) {
      const module = `processing/module${i}`;
      file.create_group(module);
      typed(module, 'ProcessingModule').create_attribute('description', 'scratch module');
      // A text dataset (variable-length, as pynwb writes them) and a compound one (pixel_mask).
      file.create_dataset({ name: `${module}/notes`, data: `notes of module ${i}` });
      file.create_dataset({
        name: `${module}/pixel_mask`,
        data: new Map<string, Uint32Array | Float32Array>([
          ['x', new Uint32Array([1, 2, 3])],
          ['y', new Uint32Array([4, 5, 6])],
          ['weight', new Float32Array([0.5, 1, 1])],
        ]),
        shape: [3],
        dtype: [
          ['x', '<I'],
          ['y', '<I'],
          ['weight', '<f'],
        ],
      });
      for (let j = 0; j < 3; j++) {
        const series = `${module}/series${j}`;
        file.create_group(series);
        const group = typed(series, 'TimeSeries');
        // The attribute types NWB writers use: strings, string and number arrays, float scalars.
        group.create_attribute('description', `series ${j} of module ${i}`);
        group.create_attribute('colnames', ['id', 'start_time', 'stop_time']);
        group.create_attribute('dims', new Int32Array([j, i, 3]), [3], '<i');
        group.create_attribute('rate', new Float64Array([30000 + j]), [], '<d');
        group.create_attribute('channels', new Uint32Array([j]), [], '<I');
        for (let a = 0; a < SERIES_ATTRIBUTES; a++) group.create_attribute(`note${a}`, `scratch note ${a}`);
        const data = file.create_dataset({
          name: `${series}/data`,
          data: new Float32Array(256),
          shape: [256],
          dtype: '<f',
          chunks: [64],
          compression: 'gzip',
          compression_opts: 4,
        });
        data.create_attribute('conversion', new Float32Array([1]), [], '<f');
        data.create_attribute('resolution', new Float64Array([-1]), [], '<d');
        data.create_attribute('offset', new Float64Array([0]), [], '<d');
        data.create_attribute('unit', 'volts');
        file.create_dataset({
          name: `${series}/timestamps`,
          data: new Float64Array(256),
          shape: [256],
          dtype: '<d',
        });
      }
    }
    file.create_group('acquisition/series');
    typed('acquisition/series', 'ElectricalSeries');
    file.create_dataset({
      name: 'acquisition/series/data',
      data: new Int16Array(512 * 4),
      shape: [512, 4],
      dtype: '<h',
      chunks: [128, 4],
      compression: 'gzip',
    });
    const electrodes = file.get('acquisition/series/data');
    const target = file.get('processing/module0');
    if (electrodes && 'create_attribute' in electrodes && target && 'create_reference' in target) {
      electrodes.create_attribute('source', target.create_reference());
    }
    file.create_soft_link('/processing/module0/series0/timestamps', 'acquisition/series/timestamps');
    file.flush();
  } finally {
    file.close();
  }
  const bytes = fs.readFile(WRITTEN);
  fs.unlink(WRITTEN);
  return bytes;
}
