/**
 * An attribute's value from its stored bytes, as readAttribute (attributeRead.ts) gives it from
 * h5wasm: the stored elements are laid out as libhdf5 hands them to h5wasm (wasm32 memory: vlen
 * fields become pointers into a heap built here from the global heap objects, big-endian
 * numbers swapped as h5wasm and byteOrder.ts leave them), then converted by values.ts.
 */
import type { Metadata } from 'h5wasm';
import { swapStoredBigEndian } from '../byteOrder';
import { Hdf5Error, type H5Attribute, type H5Region, type H5Value } from '../types';
import { toDtype } from '../dtypes';
import { nest, toValues, type ValueContext } from '../values';
import type { StoredAttribute } from './attributeMessage';
import { ARRAY, COMPOUND, guard, STRING, storedOffsets, storedSize, VLEN } from './datatype';
import type { StoredFile } from './fileCursor';
import { heapObject } from './globalHeap';
import { FormatUnsupported } from './objectHeader';

export interface ReferenceResolver {
  /** As ValueContext.resolveRef / region in values.ts (stored reference bytes). */
  resolveRef(bytes: Uint8Array, isObject: boolean): string | null;
  region(bytes: Uint8Array): H5Region;
}

/** As attributeRead.ts: attributes with more elements are described, not read. */
const MAX_ATTRIBUTE_ELEMENTS = 1_000_000;
/** The vlen values of one attribute, laid out in memory, beyond which libhdf5 reads it instead. */
const MAX_HEAP_BYTES = 16 * 1024 * 1024;

export function attributeValue(
  file: StoredFile,
  attribute: StoredAttribute,
  refs: ReferenceResolver,
): { value: H5Attribute; nbytes: number } {
  const { name, meta } = attribute;
  const dtype = toDtype(meta);
  if (!meta.shape) return { value: { name, dtype, shape: [], value: null }, nbytes: 0 };
  if (meta.total_size > MAX_ATTRIBUTE_ELEMENTS) {
    const value = `${meta.total_size} elements of shape [${meta.shape.join(', ')}] (${dtype.class}, ${dtype.size} bytes each): too large to show`;
    return { value: { name, dtype, shape: meta.shape, value }, nbytes: 0 };
  }
  const shape = meta.shape;
  if (emptyArrays(shape) > MAX_ATTRIBUTE_ELEMENTS)
    throw new FormatUnsupported(`an empty attribute of shape [${shape.join(', ')}]`);
  const nbytes = meta.size * meta.total_size;
  const scalar = shape.length === 0;
  const values = guard(() => {
    const heap = new MemoryHeap();
    const bytes = inMemory(file, attribute.raw, meta, meta.total_size, heap);
    swapStoredBigEndian(bytes, meta);
    const memory = heap.bytes();
    const ctx: ValueContext = {
      heap: () => memory,
      resolveRef: (ref, isObject) => refs.resolveRef(ref, isObject),
      region: ref => refs.region(ref),
    };
    return toValues(bytes, meta, ctx);
  }, 'attribute value');
  const value = scalar ? (values[0] ?? null) : (nest(values, shape) as H5Value);
  return { value: { name, dtype, shape: scalar ? null : shape, value }, nbytes };
}

/** The arrays nest() makes for a shape with no elements (a damaged [2^60, 0] would make 2^60). */
function emptyArrays(shape: number[]): number {
  let arrays = 1;
  for (const n of shape.slice(0, -1)) {
    if (n === 0) return arrays;
    arrays *= n;
  }
  return arrays;
}

/** The wasm heap stand-in: vlen data appended, pointers are offsets (0 stays NULL). */
class MemoryHeap {
  private readonly parts: Uint8Array[] = [];
  private size = 8;
  add(data: Uint8Array, terminated: boolean): number {
    const at = this.size;
    this.size += data.length + (terminated ? 1 : 0);
    if (this.size > MAX_HEAP_BYTES)
      throw new FormatUnsupported(`vlen values of over ${MAX_HEAP_BYTES} bytes`);
    this.parts.push(data);
    if (terminated) this.parts.push(new Uint8Array(1));
    return at;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 8;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

function holdsVlen(meta: Metadata): boolean {
  if ((meta.type === STRING && meta.vlen) || meta.type === VLEN) return true;
  if (meta.type === COMPOUND) return (meta.compound_type?.members ?? []).some(holdsVlen);
  return meta.type === ARRAY && meta.array_type !== undefined && holdsVlen(meta.array_type);
}

/** `count` stored elements of `meta` as libhdf5 writes them to h5wasm's memory. */
function inMemory(
  file: StoredFile,
  stored: Uint8Array,
  meta: Metadata,
  count: number,
  heap: MemoryHeap,
): Uint8Array {
  if (!holdsVlen(meta)) return stored.slice(0, count * meta.size);
  const out = new Uint8Array(count * meta.size);
  const from = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
  const to = new DataView(out.buffer);
  const fileSize = storedSize(meta, file.offsetSize);
  for (let i = 0; i < count; i++) element(file, from, i * fileSize, meta, to, i * meta.size, heap);
  return out;
}

function element(
  file: StoredFile,
  from: DataView,
  at: number,
  meta: Metadata,
  to: DataView,
  into: number,
  heap: MemoryHeap,
): void {
  if ((meta.type === STRING && meta.vlen) || meta.type === VLEN) {
    const length = from.getUint32(at, true);
    const object = vlenObject(file, from, at + 4);
    if (!object) return; // NULL: zeros, an empty value as libhdf5 reads it
    if (meta.type === STRING) {
      if (length > object.length)
        throw new Hdf5Error('corrupt', 'a vlen string is longer than its heap object');
      to.setUint32(into, heap.add(object.subarray(0, length), true), true);
      return;
    }
    const base = meta.vlen_type as Metadata;
    if (length * storedSize(base, file.offsetSize) > object.length)
      throw new Hdf5Error('corrupt', 'a vlen sequence is longer than its heap object');
    const inner = inMemory(file, object, base, length, heap);
    swapStoredBigEndian(inner, base);
    to.setUint32(into, length, true);
    to.setUint32(into + 4, heap.add(inner, false), true);
    return;
  }
  if (meta.type === COMPOUND) {
    const offsets = storedOffsets(meta, file.offsetSize);
    (meta.compound_type?.members ?? []).forEach((member, i) =>
      element(file, from, at + offsets[i], member, to, into + member.offset, heap),
    );
    return;
  }
  if (meta.type === ARRAY && meta.array_type) {
    const base = meta.array_type;
    const step = storedSize(base, file.offsetSize);
    for (let k = 0; k < (base.total_size ?? 0); k++)
      element(file, from, at + k * step, base, to, into + k * base.size, heap);
    return;
  }
  for (let k = 0; k < meta.size; k++) to.setUint8(into + k, from.getUint8(at + k));
}

/** The heap object a vlen field's heap id names, or null for a NULL value (address 0). */
function vlenObject(file: StoredFile, from: DataView, at: number): Uint8Array | null {
  let address = 0;
  let allOnes = true;
  for (let i = file.offsetSize - 1; i >= 0; i--) {
    const b = from.getUint8(at + i);
    if (b !== 0xff) allOnes = false;
    address = address * 256 + b;
  }
  if (address === 0 || allOnes) return null;
  return heapObject(file, address, from.getUint32(at + file.offsetSize, true));
}
