// Names of referenced objects from one pass over the file's links (referenceNames.ts) against
// libhdf5's own search (h5wasm's get_referenced_name), object by object, on the shared fixtures.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm';
import type { H5Module } from '../../../src/hdf5/h5calls';
import { ReferenceNames } from '../../../src/hdf5/referenceNames';
import { FIXTURES, fixtureFiles } from './helpers';

type Fs = {
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array): void;
  unlink(path: string): void;
};

describe('hdf5 names of referenced objects', function () {
  this.timeout(120_000);
  let m: H5Module;

  before(async () => {
    m = (await h5wasm.ready) as H5Module;
    m.activate_throwing_error_handler();
    (m.FS as unknown as Fs).mkdirTree('/references');
  });

  /** Every link of `name` with the 8 bytes of an object reference to its object. */
  function withReferences(name: string, check: (fileId: bigint, refs: [string, Uint8Array][]) => void): void {
    const fs = m.FS as unknown as Fs;
    const path = `/references/${name}`;
    fs.writeFile(path, new Uint8Array(readFileSync(join(FIXTURES, name))));
    const file = new h5wasm.File(path, 'r');
    try {
      const refs: [string, Uint8Array][] = [];
      for (const link of m.get_names(file.file_id, '/', true)) {
        try {
          refs.push([link, Uint8Array.from(m.create_object_reference(file.file_id, `/${link}`))]);
        } catch {
          // a dangling or external link: no object to refer to
        }
      }
      check(file.file_id, refs);
    } finally {
      file.close();
      fs.unlink(path);
    }
  }

  it('names every object as libhdf5 does, on every fixture', () => {
    let compared = 0;
    for (const name of fixtureFiles()) {
      withReferences(name, (fileId, refs) => {
        const names = new ReferenceNames(
          m,
          () => fileId,
          () => false,
          0,
        );
        for (const [link, ref] of refs) {
          assert.equal(
            names.name(ref, true),
            m.get_referenced_name(fileId, ref, true),
            `${name}: the object at /${link}`,
          );
          compared++;
        }
      });
    }
    assert.ok(compared > 1000, `objects compared: ${compared}`);
  });

  it('answers most references of a file from the pass, not from a search each', () => {
    withReferences('nwblinkml__aibs.nwb', (fileId, refs) => {
      let searches = 0;
      const counting = {
        ...m,
        get_referenced_name: (...args: Parameters<H5Module['get_referenced_name']>) => {
          searches++;
          return m.get_referenced_name(...args);
        },
      } as H5Module;
      const names = new ReferenceNames(
        counting,
        () => fileId,
        () => false,
        3,
      );
      for (const [, ref] of refs) names.name(ref, true);
      assert.ok(refs.length > 300, `references: ${refs.length}`);
      // The first three, then only objects reached by more than one link (soft links, the root).
      assert.ok(searches < refs.length / 4, `${searches} searches for ${refs.length} references`);
      assert.ok(searches >= 3);
    });
  });
});
