// Damaged files: real fixtures with flipped bytes and cut short (seeded, so failures replay).
// Every variant must end in a result or a clean Hdf5Error, and the engine must keep working.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hdf5Error, type Hdf5File } from '../../../src/hdf5/types';
import { NwbFile } from '../../../src/nwb/nwbFile';
import { dataHandlers } from '../../../src/nwb/service';
import { everyRequest } from '../nwb/everyRequest';
import { FIXTURES, open } from './helpers';

const SEED = Number(process.env.HDF5_FUZZ_SEED ?? 20261121);
const VARIANTS = Number(process.env.HDF5_FUZZ_VARIANTS ?? 200);
const SOURCES = [
  'pynwb__1.0.2_nwbfile.nwb',
  'nwbexplorer__test_Units.nwb',
  'matnwb__membrane_potential.nwb',
  'h5wasm__compressed.h5',
  'aqnwb__testLinkTimeSeriesExample.nwb',
  'mies__AB_SweepsFromMultipleDevices-V2.nwb',
  'jupyterlabhdf5__non_simple_entities.h5',
  'h5wasm__array.h5',
];

/** mulberry32: small, seedable, good enough to pick offsets. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(original: Uint8Array, random: () => number): { bytes: Uint8Array; what: string } {
  const int = (n: number) => Math.floor(random() * n);
  const kind = int(4);
  let bytes = original.slice();
  const edits: string[] = [];
  if (kind === 0 || kind === 2) {
    const flips = 1 + int(24);
    const where: string[] = [];
    for (let i = 0; i < flips; i++) {
      const at = int(Math.min(bytes.length, 64 * 1024));
      const bit = int(8);
      bytes[at] ^= 1 << bit;
      where.push(`${at}:${bit}`);
    }
    edits.push(`bit flips at ${where.join(',')}`);
  }
  if (kind === 1 || kind === 2) {
    const at = int(bytes.length);
    bytes = bytes.slice(0, at);
    edits.push(`truncated at ${at}`);
  }
  if (kind === 3) {
    const at = int(Math.max(1, Math.min(bytes.length, 64 * 1024) - 512));
    bytes.fill(random() < 0.5 ? 0 : 0xff, at, at + 512);
    edits.push(`512 bytes overwritten at ${at}`);
  }
  return { bytes, what: edits.join(', ') };
}

/** Lists, reads attributes and infos, and reads small numeric datasets (bounded work). */
async function exercise(file: Hdf5File, path = '/', budget = { calls: 250 }): Promise<void> {
  if (budget.calls-- <= 0) return;
  await file.attributes(path);
  for (const entry of await file.list(path)) {
    if (budget.calls-- <= 0) return;
    if (entry.kind === 'group') await exercise(file, entry.path, budget);
    else if (entry.kind === 'dataset') {
      const info = await file.datasetInfo(entry.path);
      if (info.size <= 10_000 && info.filters.every(f => f.supported)) await file.read(entry.path);
    }
  }
}

/** Objects whose every view request is sent per variant: the root and the first typed objects. */
const VIEWED_OBJECTS = 6;
/** A low read limit keeps each variant's work small; the limit itself is what is being checked. */
const FUZZ_LIMITS = { maxElements: 200_000 };
/** Growth of heapUsed + arrayBuffers over all variants. */
const HEAP_BOUND = 256 * 1024 * 1024;

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * The viewer's host methods on a damaged file: every view's request for the root and the first
 * typed objects. Each must end in a result or an Error with a message; a TypeError or RangeError
 * is a bug in our code (a stack overflow from a spread, a missing guard), not a clean error.
 */
async function viewEverything(file: Hdf5File, label: string): Promise<number> {
  const nwb = new NwbFile(file, FUZZ_LIMITS);
  const handlers = dataHandlers(nwb, { kind: 'local', path: '/fuzz.nwb' });
  const paths = ['/'];
  const walk = async (path: string, depth: number): Promise<void> => {
    for (const entry of await nwb.reader.list(path).catch(() => [])) {
      if (paths.length > VIEWED_OBJECTS) return;
      if (entry.neurodataType) paths.push(entry.path);
      if (entry.kind === 'group' && depth < 3) await walk(entry.path, depth + 1);
    }
  };
  await walk('/', 0);
  let requests = 0;
  for (const path of paths) {
    for (const outcome of await everyRequest(handlers, path)) {
      requests++;
      assert.ok(
        outcome.ok || !/^(TypeError|RangeError)|call stack|Invalid array length/.test(outcome.message ?? ''),
        `${label}: ${outcome.method} ${path} failed with ${outcome.message}`,
      );
    }
  }
  return requests;
}

describe('hdf5 engine on damaged files (fuzz)', function () {
  this.timeout(20 * 60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'hdf5-fuzz-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`${VARIANTS} mutated or truncated variants end in a result or a clean Hdf5Error (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const originals = SOURCES.map(name => ({
      name,
      bytes: new Uint8Array(readFileSync(join(FIXTURES, name))),
    }));
    const good = await open({ kind: 'local', path: join(FIXTURES, 'nwbexplorer__test_Units.nwb') });
    const goodRoot = await good.list('/');
    const outcomes = { ok: 0, requests: 0, errors: new Map<string, number>(), severe: [] as string[] };
    global.gc?.();
    const before = used();
    try {
      const runVariant = async (
        i: number,
        source: (typeof originals)[number],
        variant: { bytes: Uint8Array; what: string },
      ) => {
        const path = join(dir, `v${i}.h5`);
        writeFileSync(path, variant.bytes);
        let file: Hdf5File | null = null;
        try {
          file = await open({ kind: 'local', path }, { deadlineMs: 10_000 });
          await exercise(file);
          outcomes.ok++;
          outcomes.requests += await viewEverything(file, `variant ${i} (${source.name}: ${variant.what})`);
        } catch (error) {
          assert.ok(
            error instanceof Hdf5Error,
            `variant ${i} (${source.name}: ${variant.what}) threw ${String(error)}`,
          );
          outcomes.errors.set(error.code, (outcomes.errors.get(error.code) ?? 0) + 1);
          if (error.code === 'timeout' || error.code === 'worker-crashed')
            outcomes.severe.push(`variant ${i} (${source.name}: ${variant.what}): ${error.message}`);
        } finally {
          await file?.close();
          rmSync(path, { force: true });
        }
      };
      // Two at a time: each open is its own worker.
      for (let i = 0; i < VARIANTS; i += 2) {
        const batch = [i, i + 1]
          .filter(n => n < VARIANTS)
          .map(n => {
            const source = originals[Math.floor(random() * originals.length)];
            return runVariant(n, source, mutate(source.bytes, random));
          });
        await Promise.all(batch);
        // The engine still works: the good file answers, and a fresh open succeeds now and then.
        assert.deepEqual(await good.list('/'), goodRoot);
        if (i % 40 === 0) {
          const fresh = await open({ kind: 'local', path: join(FIXTURES, 'pynwb__1.0.2_nwbfile.nwb') });
          assert.ok((await fresh.list('/')).length > 0);
          await fresh.close();
        }
      }
    } finally {
      await good.close();
    }
    const grew = used() - before;
    assert.ok(grew < HEAP_BOUND, `the heap grew by ${Math.round(grew / 2 ** 20)} MiB`);
    const total = outcomes.ok + [...outcomes.errors.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, VARIANTS);
    console.log(
      `      fuzz outcomes: ${outcomes.ok} read fine (${outcomes.requests} viewer requests settled), errors ${JSON.stringify(Object.fromEntries(outcomes.errors))}`,
    );
    for (const line of outcomes.severe) console.log(`      worker stopped: ${line}`);
  });
});

describe('hdf5 engine on a file that sends HDF5 into an endless loop', function () {
  this.timeout(60_000);
  // Found by the fuzz test (seed 20261121, variant 172): these bit flips make an attributes call spin.
  const FLIPS =
    '277:0,3867:1,18470:3,590:5,8336:0,17077:1,18597:3,15949:4,13211:5,6634:5,11375:0,3913:2,6087:4,11631:1,13555:2,10013:2';

  it('fails the call at its deadline, replaces the worker, and the file answers again', async () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'nwbexplorer__test_Units.nwb')));
    for (const flip of FLIPS.split(',')) {
      const [at, bit] = flip.split(':').map(Number);
      bytes[at] ^= 1 << bit;
    }
    const dir = mkdtempSync(join(tmpdir(), 'hdf5-loop-'));
    const path = join(dir, 'loop.nwb');
    writeFileSync(path, bytes);
    const file = await open({ kind: 'local', path }, { deadlineMs: 1500 });
    try {
      await assert.rejects(exercise(file), (e: unknown) => e instanceof Hdf5Error && e.code === 'timeout');
      assert.ok((await file.list('/')).length > 0, 'a fresh worker answers');
      assert.equal(file.stats().workerRestarts, 1);
    } finally {
      await file.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
