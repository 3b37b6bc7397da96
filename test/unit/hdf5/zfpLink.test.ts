// The ldexp side module the zfp plugin is linked to computes C's ldexp exactly, overflow,
// underflow and subnormals included, and the plugin's dylink.0 section gains it as a needed library.
import * as assert from 'node:assert/strict';
import { ldexpSideModule, withNeededLibrary } from '../../../src/hdf5/zfpLink';
import { wasm } from '../../../src/util/webAssembly';

describe('hdf5 zfp link', () => {
  it('ldexp scales by powers of two like C', () => {
    const { exports } = new wasm.Instance(new wasm.Module(ldexpSideModule()), {});
    const ldexp = exports.ldexp as (x: number, n: number) => number;
    const cases: [number, number, number][] = [
      [1.5, 3, 12],
      [-0.75, 10, -768],
      [1, 1023, 2 ** 1023],
      [1, 1024, Infinity],
      [1, -1074, 5e-324],
      [1, -1075, 0],
      [2 ** 1000, -2000, 2 ** -1000],
      [2 ** -1000, 2000, 2 ** 1000],
      [3, -1024, 3 * 2 ** -1024],
      [0, 5000, 0],
    ];
    for (const [x, n, expected] of cases) assert.equal(ldexp(x, n), expected, `ldexp(${x}, ${n})`);
  });

  it('adds a needed library to a side module and refuses other wasm', () => {
    const side = ldexpSideModule();
    const linked = withNeededLibrary(side, '/deps/libx.so');
    assert.ok(wasm.validate(linked));
    assert.ok(Buffer.from(linked).includes(Buffer.from('/deps/libx.so')));
    const twice = withNeededLibrary(linked, '/deps/liby.so');
    assert.ok(wasm.validate(twice));
    assert.ok(Buffer.from(twice).includes(Buffer.from('/deps/libx.so')));
    assert.throws(
      () => withNeededLibrary(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0]), 'x'),
      /side module/,
    );
  });
});
