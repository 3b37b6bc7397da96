/**
 * Every attribute of a file, read two ways from the same bytes in memory: the engine's
 * readAttribute through h5wasm (by path and name: names, metadata, data, conversion), and the
 * pure-JavaScript reader (src/hdf5/format/: the object header, each attribute message, its value).
 * Object addresses come from h5py. Median of fifteen passes after three warm-up passes, in
 * microseconds per attribute; the JavaScript side starts each pass with a fresh StoredFile (its
 * caches of committed datatypes and global heap collections empty, as in a cold walk).
 *
 *   node esbuild.mjs --only=bench --filter=formatAttributes && node dist/bench/formatAttributes.bench.js
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm';
import { readAttribute, type AttributeSource } from '../src/hdf5/attributeRead';
import { parseAttributeMessage } from '../src/hdf5/format/attributeMessage';
import { attributeValue, type ReferenceResolver } from '../src/hdf5/format/attributeValue';
import { openStoredFile } from '../src/hdf5/format/fileCursor';
import { readObjectHeader } from '../src/hdf5/format/objectHeader';
import type { H5Module } from '../src/hdf5/h5calls';
import type { ValueContext } from '../src/hdf5/values';
import { objectAddresses } from '../test/unit/hdf5/formatObjects';
import { FIXTURES } from '../test/unit/hdf5/helpers';

const FILES = ['nwblinkml__aibs.nwb', 'mies__AB_SweepsFromMultipleDevices-V2.nwb', 'neuroconv__nwb_test.nwb'];
const PASSES = 15;
const ATTRIBUTE = 0x0c;
const note = (message: string): void => void process.stderr.write(`[formatAttributes.bench] ${message}\n`);
const emit = (result: Record<string, unknown>): void =>
  void process.stdout.write(`${JSON.stringify(result)}\n`);

/** References are not resolved on either side: both pay only for reading. */
const NO_REFERENCES: ReferenceResolver & ValueContext = {
  heap: () => new Uint8Array(0),
  resolveRef: () => null,
  region: () => ({ kind: 'all' }),
};

function median(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function main(): Promise<void> {
  const m = (await h5wasm.ready) as H5Module;
  m.activate_throwing_error_handler();
  const fs = m.FS as unknown as { writeFile(path: string, data: Uint8Array): void };
  for (const name of FILES) {
    const path = join(FIXTURES, name);
    const bytes = new Uint8Array(readFileSync(path));
    const objects = Object.entries(objectAddresses(path).paths);
    fs.writeFile('/bench.h5', bytes);
    const file = new h5wasm.File('/bench.h5', 'r');
    const source: AttributeSource = {
      m,
      fileId: () => file.file_id,
      ctx: { ...NO_REFERENCES, heap: () => m.HEAPU8 },
      fetchFailed: () => false,
      storedAccess: () => {
        throw new Error('not needed: no big-endian time attributes here');
      },
    };
    const viaWasm = (): number => {
      let n = 0;
      for (const [objectPath] of objects)
        for (const attribute of m.get_attribute_names(file.file_id, objectPath)) {
          readAttribute(source, objectPath, attribute);
          n++;
        }
      return n;
    };
    const viaFormat = (): number => {
      const stored = openStoredFile((at, target) => {
        const part = bytes.subarray(at, at + target.length);
        target.set(part);
        return part.length;
      }, 0);
      let n = 0;
      for (const [, address] of objects)
        for (const message of readObjectHeader(stored, address).messages) {
          if (message.type !== ATTRIBUTE) continue;
          attributeValue(stored, parseAttributeMessage(stored, message.body, message.flags), NO_REFERENCES);
          n++;
        }
      return n;
    };
    const times: Record<'wasm' | 'format', number[]> = { wasm: [], format: [] };
    let count = 0;
    for (let warm = 0; warm < 3; warm++) {
      viaWasm();
      viaFormat();
    }
    for (let pass = 0; pass < PASSES; pass++) {
      for (const [kind, run] of [
        ['wasm', viaWasm],
        ['format', viaFormat],
      ] as const) {
        const started = performance.now();
        count = run();
        times[kind].push(performance.now() - started);
      }
    }
    file.close();
    const wasmUs = (median(times.wasm) * 1000) / count;
    const formatUs = (median(times.format) * 1000) / count;
    note(
      `${name}: ${count} attributes, ${wasmUs.toFixed(1)} µs (h5wasm) / ${formatUs.toFixed(1)} µs (format)`,
    );
    emit({
      bench: 'formatAttributes',
      file: name,
      attributes: count,
      h5wasmUsPerAttribute: Math.round(wasmUs * 10) / 10,
      formatUsPerAttribute: Math.round(formatUs * 10) / 10,
      speedup: Math.round((wasmUs / formatUs) * 10) / 10,
    });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
