// libhdf5 judges the engine: for every HDF5 file in ../shared/fixtures/nwb/ and every packaged file
// from other writers (test/conformance/sources.ts), the engine's walk, dtypes, chunking, filters,
// attributes and values must equal what libhdf5 reads through Debian's h5py + hdf5plugin
// (test/conformance/h5dump.py), exactly. KNOWN_GAPS lists the differences not fixed yet; a gap
// that no longer occurs fails the suite too, so the list only shrinks.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, readSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { engineDump, type Canon, type CanonFile } from '../../conformance/canonical';
import {
  compareDumps,
  describe as describeDifferences,
  judge,
  type KnownGap,
} from '../../conformance/compare';
import { JUDGE_PACKAGES, judgeDump, PYTHON } from '../../conformance/judge';
import { fixtureFiles, FIXTURES, PACKAGED, packagedFiles, type JudgedFile } from '../../conformance/sources';
import { ensureDebianPackages } from '../../support/debianPackages';
import { open } from './helpers';

const ANY = /.*/;
/**
 * Differences not fixed yet, each with the row of the issue "Read every real file exactly as
 * libhdf5 does" it belongs to. Every row is fixed now (big-endian H5T_TIME data last).
 */
const KNOWN_GAPS: readonly KnownGap[] = [];

function dumpsFor(file: JudgedFile): Promise<[CanonFile, CanonFile]> {
  return Promise.all([
    judgeDump(file.path),
    (async () => {
      const engine = await open({ kind: 'local', path: file.path });
      try {
        return await engineDump(engine);
      } finally {
        await engine.close();
      }
    })(),
  ]);
}

/**
 * Both dumps of each file, on first request; asking for file i starts file i + 1 too, so two files
 * are read at a time (the machine's two cores) while the tests still go in order.
 */
function dumpQueue(files: readonly JudgedFile[]): (index: number) => Promise<[CanonFile, CanonFile]> {
  const started = new Map<number, Promise<[CanonFile, CanonFile]>>();
  const start = (index: number) => {
    let result = started.get(index);
    if (!result) {
      result = dumpsFor(files[index]);
      result.catch(() => undefined); // awaited by its own test; a test filtered out must not crash the run
      started.set(index, result);
    }
    return result;
  };
  return index => {
    if (index + 1 < files.length) void start(index + 1);
    const result = start(index);
    started.delete(index);
    return result;
  };
}

describe('conformance: the engine reads every file exactly as libhdf5 does', function () {
  this.timeout(120_000);

  // Installed while mocha loads the tests (a fresh machine lacks them), so the packaged files
  // are there to get a test each; a failed install fails the suite's first hook.
  let installError: unknown;
  try {
    ensureDebianPackages([...JUDGE_PACKAGES, ...PACKAGED.map(p => p.package)]);
  } catch (error) {
    installError = error;
  }
  const files = [...fixtureFiles(), ...packagedFiles()];

  const dumps = dumpQueue(files);

  before(() => {
    if (installError) throw installError;
  });

  files.forEach((file, index) => {
    it(`${file.name} matches libhdf5`, async () => {
      const [libhdf5, engine] = await dumps(index);
      const verdict = judge(file.name, compareDumps(libhdf5, engine), KNOWN_GAPS);
      const problems: string[] = [];
      if (verdict.unexplained.length > 0)
        problems.push(`differences from libhdf5:\n${describeDifferences(file.name, verdict.unexplained)}`);
      for (const gap of verdict.stale)
        problems.push(`known gap no longer occurs (remove it from KNOWN_GAPS): ${gap.row}: ${gap.reason}`);
      assert.ok(problems.length === 0, problems.join('\n'));
    });
  });

  it('runs over at least 20 packaged files from other writers', () => {
    const others = files.filter(f => !f.path.startsWith(FIXTURES));
    assert.ok(others.length >= 20, `only ${others.length}: ${others.map(f => f.name).join(', ')}`);
  });
});

describe('conformance: the comparison catches a planted difference', function () {
  this.timeout(120_000);
  const file = { name: 'nwbexplorer__test_Units.nwb', path: join(FIXTURES, 'nwbexplorer__test_Units.nwb') };

  it('one altered value, attribute or dtype in the engine dump is reported, and nothing else', async () => {
    const [libhdf5, engine] = await dumpsFor(file);
    assert.deepEqual(compareDumps(libhdf5, engine), []);
    const altered = structuredClone(engine);
    const objects = Object.entries(altered.objects);
    // The first string attribute, the first dataset with numbers, and its dtype.
    const [attributePath, attributeName, attribute] =
      objects
        .flatMap(([path, o]) =>
          Object.entries(o.attributes ?? {}).map(([name, a]) => [path, name, a] as const),
        )
        .find(([, , a]) => Array.isArray(a.values) && typeof a.values[0] === 'string') ?? [];
    const [datasetPath, dataset] =
      objects.find(([, o]) => o.values && 'data' in o.values && typeof o.values.data[0] === 'number') ?? [];
    assert.ok(attribute && Array.isArray(attribute.values) && dataset?.values && 'data' in dataset.values);
    attribute.values[0] = `${String(attribute.values[0])}x`;
    dataset.values.data[0] = Number(dataset.values.data[0]) + 1;
    dataset.dtype = { ...(dataset.dtype as Record<string, Canon>), size: 3 };
    const differences = compareDumps(libhdf5, altered);
    assert.deepEqual(
      differences.map(d => `${d.path} ${d.field}`).sort(),
      [
        `${attributePath} attributes.${attributeName}.values[0]`,
        `${datasetPath} dtype.size`,
        `${datasetPath} values.data[0]`,
      ].sort(),
    );
    // And a known gap that matches nothing any more is reported as stale.
    const gap: KnownGap = {
      file: /^nwbexplorer__test_Units\.nwb$/,
      path: ANY,
      field: /^never$/,
      row: 'none',
      reason: 'test',
    };
    assert.deepEqual(judge(file.name, differences, [gap]).stale, [gap]);
  });

  it('one changed byte of data in a copy of the file differs from libhdf5 on the original', async () => {
    // libhdf5 says where a contiguous dataset's bytes are; flip one of them in a copy.
    const source = join(FIXTURES, 'nwbexplorer__test_Units.nwb');
    const script = [
      'import h5py, sys',
      'f = h5py.File(sys.argv[1], "r")',
      'found = []',
      'f.visititems(lambda n, o: found.append((n, o.id.get_offset())) if isinstance(o, h5py.Dataset)' +
        ' and o.dtype.kind == "f" and o.chunks is None and o.size > 0 and o.id.get_offset() else None)',
      'print(f"/{found[0][0]} {found[0][1]}")',
    ].join('\n');
    const [path, offset] = execFileSync(PYTHON, ['-c', script, source], { encoding: 'utf8' })
      .trim()
      .split(' ');
    const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
    try {
      const copy = join(dir, 'changed.nwb');
      copyFileSync(source, copy);
      const fd = openSync(copy, 'r+');
      const byte = Buffer.alloc(1);
      readSync(fd, byte, 0, 1, Number(offset));
      byte[0] ^= 0x40;
      writeSync(fd, byte, 0, 1, Number(offset));
      closeSync(fd);
      const [libhdf5] = await dumpsFor({ name: 'original', path: resolve(source) });
      const [, engine] = await dumpsFor({ name: 'changed', path: copy });
      const differences = compareDumps(libhdf5, engine);
      assert.deepEqual(
        differences.map(d => `${d.path} ${d.field}`),
        [`${path} values.data[0]`],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
