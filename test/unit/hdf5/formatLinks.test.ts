// The pure-JavaScript reading of group links (src/hdf5/format/: superblock, symbol tables, link
// messages, fractal heaps, v2 B-trees) against libhdf5 through Debian's h5py: for every fixture,
// packaged and generated file, and for files h5py writes here with the layouts they may lack,
// the root group's address and every reachable group's links, in get_names order, must be equal.
// Damaged copies must give Hdf5Error('corrupt'), never a hang or a stray RangeError.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStoredFile, type StoredFile } from '../../../src/hdf5/format/fileCursor';
import { groupLinks } from '../../../src/hdf5/format/groupLinks';
import { FormatUnsupported, readObjectHeader } from '../../../src/hdf5/format/objectHeader';
import { rootGroupAddress } from '../../../src/hdf5/format/superblock';
import { Hdf5Error } from '../../../src/hdf5/types';
import { fixtureFiles, PACKAGED, packagedFiles } from '../../conformance/sources';
import { ensureGeneratedNwb, repoRoot, type GeneratedNwb } from '../../fixtures/nwbgen/index';
import { ensureScatteredMetadata } from '../../fixtures/nwbgen/scattered';
import { ensureDebianPackages } from '../../support/debianPackages';
import { writeWithH5py, type WrittenFile } from './h5pyFiles';
import { LINK_FILES } from './linkFiles';
import { groupLayout, h5pyWalk, jsWalk, openLocal, type GroupWalk } from './linkWalk';

async function equalsLibhdf5(path: string): Promise<GroupWalk> {
  const local = openLocal(path);
  let walk: GroupWalk;
  try {
    walk = jsWalk(local.file);
  } finally {
    local.close();
  }
  assert.deepStrictEqual(walk, await h5pyWalk(path));
  return walk;
}

describe('format links: every real file reads as libhdf5 reads it', function () {
  this.timeout(120_000);
  // Installed while mocha loads the tests, so the packaged files are there to get a test each.
  let installError: unknown;
  try {
    ensureDebianPackages(['python3-h5py', ...PACKAGED.map(p => p.package)]);
  } catch (error) {
    installError = error;
  }
  before(() => {
    if (installError) throw installError;
  });

  for (const file of [...fixtureFiles(), ...packagedFiles()])
    it(`${file.name}: root address and every group's links`, () => equalsLibhdf5(file.path));

  describe('the generated NWB files', () => {
    let generated: GeneratedNwb;
    before(async () => {
      generated = await ensureGeneratedNwb();
    });
    const pick: Record<string, (g: GeneratedNwb) => string> = {
      ecephys: g => g.files.ecephys,
      ophys: g => g.files.ophys,
      icephys: g => g.files.icephys,
      behavior: g => g.files.behavior,
      'broken-links': g => g.files.brokenLinks,
      psth: g => g.psth,
      gapped: g => g.gapped,
      events: g => g.manyRows.path,
    };
    for (const [name, path] of Object.entries(pick)) it(name, () => equalsLibhdf5(path(generated)));
    it('scattered-metadata (the benchmark file)', async () => {
      const scattered = await ensureScatteredMetadata(
        join(repoRoot(), '.cache', 'bench', 'scattered-metadata.nwb'),
      );
      const walk = await equalsLibhdf5(scattered.path);
      assert.ok(Object.keys(walk.groups).length > scattered.objects, 'every typed group is walked');
    });
  });
});

describe('format links: layouts written by h5py here', function () {
  this.timeout(120_000);
  const written = new Map<string, WrittenFile>();
  const walks = new Map<string, GroupWalk>();
  const path = (name: string) => (written.get(name) as WrittenFile).path;
  before(() => {
    for (const [name, script] of Object.entries(LINK_FILES)) written.set(name, writeWithH5py(name, script));
  });
  after(() => {
    for (const file of written.values()) file.remove();
  });

  for (const name of Object.keys(LINK_FILES))
    it(`${name} reads as libhdf5 reads it`, async () => {
      walks.set(name, await equalsLibhdf5(path(name)));
    });

  /** The layout of the group at `path` (from the root, by hard links) in one of the written files. */
  function layoutOf(name: string, groupPath: string) {
    const local = openLocal(path(name));
    try {
      const walk = walks.get(name) as GroupWalk;
      let address = walk.root;
      for (const part of groupPath.split('/').filter(Boolean)) {
        const link = walk.groups[address].find(l => l.name === part);
        assert.ok(link && link.kind === 'hard', `${groupPath} in ${name}`);
        address = link.address;
      }
      return groupLayout(local.file, address);
    } finally {
      local.close();
    }
  }

  it('the files hold the layouts they are there for', () => {
    assert.ok(walks.size === Object.keys(LINK_FILES).length, 'the files were read first');
    for (const group of ['dense', 'dense_order', 'unicode_dense']) {
      const layout = layoutOf('latest.h5', group);
      assert.ok(
        layout.style === 'dense' && layout.rootIndirectRows > 0,
        `${group}: ${JSON.stringify(layout)}`,
      );
    }
    assert.deepEqual(layoutOf('latest.h5', 'dense_order'), {
      ...layoutOf('latest.h5', 'dense_order'),
      creationOrderIndexed: true,
    });
    assert.deepEqual(layoutOf('latest.h5', 'compact_order'), {
      style: 'compact',
      creationOrderIndexed: true,
    });
    assert.deepEqual(layoutOf('latest.h5', 'tracked_only'), {
      style: 'compact',
      creationOrderIndexed: false,
    });
    assert.equal(layoutOf('latest.h5', 'tracked_dense').style, 'dense');
    assert.equal(layoutOf('deleted.h5', 'churn_True').style, 'dense');
    const many = layoutOf('earliest.h5', 'many');
    assert.ok(many.style === 'symbol table' && many.btreeLevel >= 2, JSON.stringify(many));
    assert.equal(layoutOf('userblock.h5', '').style, 'compact');
    assert.equal(layoutOf('userblock.h5', 'old_style').style, 'symbol table');
  });

  it('leaves a file whose superblock extension holds a shared-message table to libhdf5', () => {
    const bytes = new Uint8Array(readFileSync(path('extension.h5')));
    const file = inMemory(bytes);
    assert.equal(rootGroupAddress(file), (walks.get('extension.h5') as GroupWalk).root);
    // The extension's first message (libhdf5's free-space settings, 0x17) retyped as a SOHM table (0x0f).
    const extension = Number(Buffer.from(bytes).readBigUInt64LE(20)); // superblock version 2+, 8-byte fields
    const flags = bytes[extension + 5];
    const first = extension + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0) + (1 << (flags & 0x03));
    assert.deepEqual([bytes[8] >= 2, file.offsetSize, bytes[first]], [true, 8, 0x17]);
    const shared = bytes.slice();
    shared[first] = 0x0f;
    assert.throws(() => rootGroupAddress(inMemory(shared)), FormatUnsupported);
  });

  it('lists names in UTF-8 byte order, where JavaScript string order differs', () => {
    for (const name of ['latest.h5', 'earliest.h5']) {
      const walk = walks.get(name) as GroupWalk;
      const unicode =
        walk.groups[(walk.groups[walk.root].find(l => l.name === 'unicode') as { address: number }).address];
      const names = unicode.map(l => l.name);
      assert.deepEqual(names, ['Z', 'a', 'z', 'é', 'ü', '日本', '\uFB00', '\u{1F600}']);
      assert.notDeepEqual(names, [...names].sort());
    }
  });

  it('lists creation-order-indexed groups by creation order, tracked-only ones by name', () => {
    const walk = walks.get('latest.h5') as GroupWalk;
    const links = (group: string) =>
      walk.groups[(walk.groups[walk.root].find(l => l.name === group) as { address: number }).address].map(
        l => l.name,
      );
    assert.deepEqual(links('compact_order'), ['z', 'a', 'm', 'é', 'b']);
    assert.deepEqual(links('tracked_only'), ['v', 'w', 'x', 'y', 'z']);
  });

  it('reads soft, dangling and external links of old- and new-style groups', () => {
    for (const [name, group] of [
      ['latest.h5', 'compact'],
      ['earliest.h5', 'mixed'],
    ]) {
      const walk = walks.get(name) as GroupWalk;
      const links =
        walk.groups[(walk.groups[walk.root].find(l => l.name === group) as { address: number }).address];
      const by = (n: string) => links.find(l => l.name === n);
      assert.deepEqual(by('soft'), { name: 'soft', kind: 'soft', target: '/data' });
      assert.deepEqual(by('dangling'), { name: 'dangling', kind: 'soft', target: '/nowhere/dangling' });
      assert.deepEqual(by('ext'), {
        name: 'ext',
        kind: 'external',
        file: 'other.h5',
        path: '/some/path/ext',
      });
    }
  });
});

/** A file held in memory, so a damaged copy costs no disk. */
function inMemory(bytes: Uint8Array): StoredFile {
  return openStoredFile((position, target) => {
    const part = bytes.subarray(
      Math.min(position, bytes.length),
      Math.min(position + target.length, bytes.length),
    );
    target.set(part);
    return part.length;
  }, 0);
}

/** Every group's links, from the groups' addresses in an intact walk: only this part's code runs. */
function readGroups(file: StoredFile, groups: readonly number[]): unknown {
  return [
    rootGroupAddress(file),
    ...groups.map(address => groupLinks(file, readObjectHeader(file, address))),
  ];
}

/** A file written here, its bytes, and its groups' addresses from an intact walk. */
interface Intact {
  file: WrittenFile;
  bytes: Uint8Array;
  groups: number[];
}

function assertCorrupt(run: () => unknown, what: string): void {
  assert.throws(run, (error: unknown) => error instanceof Hdf5Error && error.code === 'corrupt', what);
}

describe('format links: damaged files', function () {
  this.timeout(120_000);
  const written = new Map<string, Intact>();
  before(() => {
    for (const name of ['latest.h5', 'earliest.h5']) {
      const file = writeWithH5py(name, LINK_FILES[name]);
      const bytes = new Uint8Array(readFileSync(file.path));
      written.set(name, { file, bytes, groups: Object.keys(jsWalk(inMemory(bytes)).groups).map(Number) });
    }
  });
  after(() => {
    for (const { file } of written.values()) file.remove();
  });

  it('a truncated copy reads whole or gives Hdf5Error corrupt, whatever the cut', () => {
    for (const [name, { bytes, groups }] of written) {
      const intact = readGroups(inMemory(bytes), groups);
      let corrupt = 0;
      for (let cut = 64; cut < bytes.length; cut = Math.ceil(cut * 1.07)) {
        const file = inMemory(bytes.subarray(0, cut));
        try {
          assert.deepStrictEqual(readGroups(file, groups), intact, `${name} cut at ${cut} reads differently`);
        } catch (error) {
          if (!(error instanceof Hdf5Error && error.code === 'corrupt')) throw error;
          corrupt++;
        }
      }
      assert.ok(corrupt > 10, `${name}: only ${corrupt} cuts were noticed`);
    }
  });

  it('a flipped signature gives Hdf5Error corrupt', () => {
    const signatures: Record<string, string[]> = {
      'latest.h5': ['FRHP', 'FHDB', 'FHIB', 'BTHD', 'BTLF'],
      'earliest.h5': ['TREE', 'SNOD', 'HEAP'],
    };
    for (const [name, { bytes, groups }] of written) {
      const superblock = bytes.slice();
      superblock[1] ^= 0x20; // 'H' -> 'h'
      assertCorrupt(() => rootGroupAddress(inMemory(superblock)), `${name}: the superblock signature`);
      for (const signature of signatures[name]) {
        const damaged = bytes.slice();
        const at = occurrences(bytes, signature);
        assert.ok(at.length > 0, `${name} has ${signature}`);
        for (const position of at) damaged[position] ^= 0x20;
        assertCorrupt(() => readGroups(inMemory(damaged), groups), `${name}: ${signature} flipped`);
      }
    }
  });

  it('a flipped byte that only a checksum covers gives Hdf5Error corrupt, as libhdf5 refuses it', () => {
    const { bytes, groups } = written.get('latest.h5') as Intact;
    const places: Record<string, number> = {
      // Superblock version 3: the file consistency flags.
      superblock: 11,
      // A name index leaf's first record: a name hash, which listing never compares.
      'B-tree leaf': occurrences(bytes, 'BTLF')[0] + 6,
      // Inside a checksummed direct block, past its prefix: a link name or free space.
      'heap direct block': occurrences(bytes, 'FHDB')[0] + 40,
    };
    assert.equal(bytes[8], 3, 'a version 3 superblock');
    for (const [what, at] of Object.entries(places)) {
      const damaged = bytes.slice();
      damaged[at] ^= 0x01;
      assertCorrupt(() => readGroups(inMemory(damaged), groups), what);
    }
  });

  it('leaves a user-defined link type other than external to libhdf5', () => {
    const { bytes, groups } = written.get('latest.h5') as Intact;
    // The compact group's link message "soft" -> "/data": version 1, flags, type (1: soft), then
    // the optional creation order and charset fields, the 1-byte name length 4, "soft", value length 5.
    const [name] = occurrences(bytes, 'soft\x05\x00/data');
    const start = [3, 4, 11, 12]
      .map(back => name - back)
      .find(at => {
        const flags = bytes[at + 1];
        const fields = 3 + (flags & 0x04 ? 8 : 0) + (flags & 0x10 ? 1 : 0);
        return bytes[at] === 1 && (flags & 0x0b) === 0x08 && at + fields + 1 === name;
      });
    assert.ok(
      start !== undefined && bytes[start + 2] === 1 && bytes[name - 1] === 4,
      'the soft link message',
    );
    const retyped = bytes.slice();
    retyped[start + 2] = 65;
    assert.throws(() => readGroups(inMemory(retyped), groups), FormatUnsupported);
  });

  it('random bytes in the link structures give Hdf5Error or FormatUnsupported, never anything else', () => {
    let state = 0x2545f491;
    const random = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const outcomes = { read: 0, corrupt: 0, unsupported: 0 };
    for (const [, { bytes, groups }] of written) {
      const starts = ['TREE', 'SNOD', 'HEAP', 'FRHP', 'FHDB', 'FHIB', 'BTHD', 'BTLF'].flatMap(s =>
        occurrences(bytes, s),
      );
      for (let trial = 0; trial < 400; trial++) {
        const damaged = bytes.slice();
        for (let flips = 1 + random(3); flips > 0; flips--)
          damaged[starts[random(starts.length)] + random(64)] = random(256);
        try {
          readGroups(inMemory(damaged), groups);
          outcomes.read++;
        } catch (error) {
          if (error instanceof FormatUnsupported) outcomes.unsupported++;
          else if (error instanceof Hdf5Error && error.code === 'corrupt') outcomes.corrupt++;
          else throw error;
        }
      }
    }
    assert.ok(outcomes.corrupt > 100, JSON.stringify(outcomes));
  });
});

function occurrences(bytes: Uint8Array, signature: string): number[] {
  const needle = Buffer.from(signature, 'latin1');
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}
