// The pure-JavaScript reading of datatypes, dataspaces and attribute values (src/hdf5/format/)
// against the engine as it reads them through h5wasm today: on every shared fixture, every
// generated NWB file and files h5py writes here with every kind of type, each object's header
// (found at the address h5py gives) must give the engine's attributes, in its order, and each
// dataset's datatype and dataspace messages its dtype, shape and maxshape. The full metadata is
// also checked against h5wasm's own get_attribute_metadata / get_dataset_metadata.
import * as assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Metadata } from 'h5wasm';
import h5wasm from 'h5wasm';
import { parseAttributeMessage } from '../../../src/hdf5/format/attributeMessage';
import { attributeValue, type ReferenceResolver } from '../../../src/hdf5/format/attributeValue';
import { parseDataspace } from '../../../src/hdf5/format/dataspace';
import { parseDatatype } from '../../../src/hdf5/format/datatype';
import {
  openStoredFile,
  superblockOffset,
  type ReadAt,
  type StoredFile,
} from '../../../src/hdf5/format/fileCursor';
import { heapObject } from '../../../src/hdf5/format/globalHeap';
import { FormatUnsupported, readObjectHeader } from '../../../src/hdf5/format/objectHeader';
import type { H5Module } from '../../../src/hdf5/h5calls';
import { decodeRegion } from '../../../src/hdf5/regions';
import type { H5Attribute } from '../../../src/hdf5/types';
import { toDtype } from '../../../src/hdf5/dtypes';
import { PACKAGED, packagedFiles } from '../../conformance/sources';
import { ensureGeneratedNwb } from '../../fixtures/nwbgen';
import { ensureDebianPackages } from '../../support/debianPackages';
import { objectAddresses, type ObjectAddresses } from './formatObjects';
import { writeTypedAttributes, type WrittenFile } from './h5pyFiles';
import { fixtureFiles, FIXTURES, open, walk } from './helpers';

const ATTRIBUTE = 0x0c;
const DATATYPE = 0x03;
const DATASPACE = 0x01;
const ATTRIBUTE_INFO = 0x15;
/** Object header flag: attribute creation order indexed. */
const CREATION_ORDER_INDEXED = 0x08;

/** What the reader leaves to libhdf5 on these files, and why (anything else fails the suite). */
const EXPECTED_UNSUPPORTED = [/^a version 1 compound member of rank/];

type Fs = { writeFile(path: string, data: Uint8Array): void; unlink(path: string): void };

interface Tally {
  attributes: number;
  datasets: number;
  dense: number;
  unsupported: Map<string, number>;
}

function address(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
}

/** References named as libhdf5 names them (h5py's names by address), regions decoded as the engine does. */
function resolver(file: StoredFile, objects: ObjectAddresses): ReferenceResolver {
  return {
    resolveRef(bytes, isObject) {
      if (bytes.every(b => b === 0)) return null;
      const target = isObject ? address(bytes) : address(heapObject(file, address(bytes), readU32(bytes, 8)));
      return objects.names[String(target)] ?? null;
    },
    region: bytes => decodeRegion(bytes, file),
  };
}

function readU32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
}

/** strcmp order of UTF-8 names, as the engine lists attributes. */
function byName(a: { name: string }, b: { name: string }): number {
  return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
}

function unsupported(tally: Tally, error: unknown): void {
  if (!(error instanceof FormatUnsupported)) throw error;
  tally.unsupported.set(error.message, (tally.unsupported.get(error.message) ?? 0) + 1);
}

/** The type fields of h5wasm's metadata (what parseDatatype gives). */
function typeOnly(meta: Metadata): Omit<Metadata, 'shape' | 'maxshape' | 'chunks' | 'total_size'> {
  const { shape: _s, maxshape: _m, chunks: _c, total_size: _t, ...type } = meta;
  return type;
}

describe('hdf5 format: datatypes, dataspaces and attribute values', function () {
  this.timeout(600_000);
  let m: H5Module;
  const written: WrittenFile[] = [];
  const tally: Tally = { attributes: 0, datasets: 0, dense: 0, unsupported: new Map() };

  before(async () => {
    m = (await h5wasm.ready) as H5Module;
    m.activate_throwing_error_handler();
  });
  after(() => written.forEach(file => file.remove()));

  async function check(path: string): Promise<void> {
    const objects = objectAddresses(path);
    const engine = await open({ kind: 'local', path });
    const snapshot = await walk(engine).finally(() => engine.close());
    const fd = openSync(path, 'r');
    (m.FS as unknown as Fs).writeFile('/format.h5', new Uint8Array(readFileSync(path)));
    const wasm = new h5wasm.File('/format.h5', 'r');
    try {
      const readAt: ReadAt = (position, target) => readSync(fd, target, 0, target.length, position);
      const file = openStoredFile(readAt, superblockOffset(readAt));
      const refs = resolver(file, objects);
      for (const [objectPath, expected] of Object.entries(snapshot.attributes)) {
        const at = objects.paths[objectPath];
        assert.ok(at !== undefined, `${path}: h5py has no address for ${objectPath}`);
        const header = readObjectHeader(file, at);
        const messages = header.messages.filter(message => message.type === ATTRIBUTE);
        const parsed: { name: string; creationOrder: number; value: H5Attribute | null }[] = [];
        for (const message of messages) {
          let name = '';
          const creationOrder = message.creationOrder ?? 0;
          try {
            const stored = parseAttributeMessage(file, message.body, message.flags);
            name = stored.name;
            const meta = m.get_attribute_metadata(wasm.file_id, objectPath, name);
            assert.deepEqual(stored.meta, meta, `${path} ${objectPath} ${name}: metadata`);
            parsed.push({ name, creationOrder, value: attributeValue(file, stored, refs).value });
          } catch (error) {
            unsupported(tally, error);
            parsed.push({ name, creationOrder, value: null });
          }
        }
        for (const { name, value } of parsed) {
          if (!value) continue;
          tally.attributes++;
          const engineValue = expected.find(attribute => attribute.name === name);
          assert.deepEqual(value, engineValue, `${path} ${objectPath}: attribute ${name}`);
        }
        if (parsed.some(({ name }) => name === '')) continue; // left to libhdf5 before its name
        if (messages.length === expected.length) {
          // h5wasm lists by creation order where the header indexes it, else by name.
          const byCreation = (header.flags & CREATION_ORDER_INDEXED) !== 0;
          const names = [...parsed].sort((a, b) =>
            byCreation ? a.creationOrder - b.creationOrder : byName(a, b),
          );
          assert.deepEqual(
            names.map(n => n.name),
            expected.map(e => e.name),
            `${path} ${objectPath}: order`,
          );
        } else {
          // The rest are in dense storage (a fractal heap), which the lead's reader follows.
          assert.ok(
            header.messages.some(message => message.type === ATTRIBUTE_INFO),
            `${path} ${objectPath}`,
          );
          tally.dense++;
        }
      }
      for (const [datasetPath, info] of Object.entries(snapshot.infos)) {
        const header = readObjectHeader(file, objects.paths[datasetPath]);
        const type = header.messages.find(message => message.type === DATATYPE);
        const space = header.messages.find(message => message.type === DATASPACE);
        assert.ok(type && space, `${path} ${datasetPath}: no datatype or dataspace message`);
        const { shape, maxshape } = parseDataspace(file, space.body);
        assert.deepEqual(shape ?? [], info.shape, `${path} ${datasetPath}: shape`);
        const engineMax = maxshape ? maxshape.map(n => (n >= Number.MAX_SAFE_INTEGER ? null : n)) : null;
        assert.deepEqual(engineMax, info.maxshape, `${path} ${datasetPath}: maxshape`);
        const wasmMeta = m.get_dataset_metadata(wasm.file_id, datasetPath);
        assert.deepEqual({ shape, maxshape }, { shape: wasmMeta.shape, maxshape: wasmMeta.maxshape });
        try {
          const meta = parseDatatype(file, type.body, (type.flags & 0x02) !== 0);
          assert.deepEqual(meta, typeOnly(wasmMeta), `${path} ${datasetPath}: datatype`);
          assert.deepEqual(toDtype(meta), info.dtype, `${path} ${datasetPath}: dtype`);
          tally.datasets++;
        } catch (error) {
          unsupported(tally, error);
        }
      }
    } finally {
      closeSync(fd);
      wasm.close();
      (m.FS as unknown as Fs).unlink('/format.h5');
    }
  }

  for (const name of fixtureFiles())
    it(`reads ${name} as the engine does`, () => check(`${FIXTURES}/${name}`));

  it('reads the generated NWB files as the engine does', async () => {
    const generated = await ensureGeneratedNwb();
    const files = generated.files;
    for (const path of [
      files.ecephys,
      files.ophys,
      files.icephys,
      files.behavior,
      generated.psth,
      generated.gapped,
    ])
      await check(path);
  });

  it('reads the packaged files of other writers (PyTables) as the engine does', async () => {
    ensureDebianPackages([...new Set(PACKAGED.map(source => source.package))]);
    const files = packagedFiles();
    assert.ok(files.length > 0, 'no packaged files');
    for (const file of files) await check(file.path);
  });

  for (const libver of ['earliest', 'latest'] as const) {
    it(`reads every kind of attribute h5py writes (libver ${libver})`, async () => {
      const file = writeTypedAttributes(libver);
      written.push(file);
      const before = tally.attributes;
      await check(file.path);
      assert.ok(tally.attributes - before >= 70, `${tally.attributes - before} attributes compared`);
    });
  }

  it('leaves only listed corners to libhdf5', () => {
    console.log(
      `      ${tally.attributes} attributes, ${tally.datasets} datasets compared; ${tally.dense} objects with dense attributes`,
    );
    for (const [reason, count] of tally.unsupported) {
      console.log(`      unsupported ×${count}: ${reason}`);
      assert.ok(
        EXPECTED_UNSUPPORTED.some(pattern => pattern.test(reason)),
        reason,
      );
    }
    assert.ok(tally.attributes > 1000);
  });
});
