// Read-side helpers for the nwbgen tests: open generated files with h5wasm and compare what is
// stored against the manifest's formulas.
import * as assert from 'node:assert/strict';
import h5wasm, { type Dataset, type File as H5File, type Group, Reference } from 'h5wasm/node';
import { forEachIndex } from '../../fixtures/nwbgen/formulas';
import type { DataFormula } from '../../fixtures/nwbgen';

export async function openH5(path: string): Promise<H5File> {
  await h5wasm.ready;
  return new h5wasm.File(path, 'r');
}

export function dataset(file: H5File, path: string): Dataset {
  const node = file.get(path);
  assert.ok(node instanceof h5wasm.Dataset, `${path} is a dataset`);
  return node;
}

export function group(file: H5File, path: string): Group {
  const node = path === '/' ? file : file.get(path);
  assert.ok(node instanceof h5wasm.Group, `${path} is a group`);
  return node;
}

/** An attribute's value, with 1-element arrays and bigint unwrapped. */
export function attr(node: Group | Dataset, name: string): unknown {
  assert.ok(name in node.attrs, `${node.path} has attribute ${name}`);
  const value = node.get_attribute(name, false);
  if (ArrayBuffer.isView(value) && value.length === 1)
    return Number((value as ArrayLike<number | bigint>)[0]);
  if (Array.isArray(value) && value.length === 1 && value[0] instanceof Reference) return value[0];
  return value;
}

/** The path of the object an object-reference attribute points at. */
export function refAttrTarget(file: H5File, node: Group | Dataset, name: string): string | undefined {
  const ref = attr(node, name);
  assert.ok(ref instanceof Reference, `${node.path}@${name} is an object reference`);
  return targetOf(file, ref);
}

export function targetOf(file: H5File, ref: Reference): string | undefined {
  const target = file.dereference(ref);
  return target && 'path' in target && typeof target.path === 'string' ? target.path : undefined;
}

/** A dataset's whole value as plain numbers (bigint converted), flattened. */
export function numbers(ds: Dataset): number[] {
  return toNumbers(ds.value, ds.path);
}

/** A value read by h5wasm (whole dataset or slice) as plain numbers. */
export function toNumbers(value: unknown, what: string): number[] {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, Number);
  }
  if (typeof value === 'number' || typeof value === 'bigint') return [Number(value)];
  throw new Error(`${what} is not numeric`);
}

export function strings(ds: Dataset): string[] {
  const value = ds.value;
  if (typeof value === 'string') return [value];
  assert.ok(Array.isArray(value), `${ds.path} holds strings`);
  return value.map(String);
}

/** Asserts every stored element equals the formula at its index (exact: same float rounding). */
export function assertMatchesFormula(ds: Dataset, shape: readonly number[], formula: DataFormula): void {
  assert.deepEqual(ds.shape, [...shape], `${ds.path} shape`);
  const stored = numbers(ds);
  let mismatch: string | undefined;
  forEachIndex(shape, (flat, index) => {
    if (mismatch === undefined && stored[flat] !== formula.valueAt(index)) {
      mismatch = `${ds.path}[${index.join(',')}] = ${stored[flat]}, formula (${formula.text}) gives ${formula.valueAt(index)}`;
    }
  });
  assert.equal(mismatch, undefined, mismatch);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
