/**
 * What h5wasm leaves big-endian. It reads with a copy of the file type set to little-endian
 * (H5Tset_order) when HDF5 calls the type big-endian. HDF5 calls a compound big-endian only when
 * every member with an order is, so in a compound of mixed orders nothing is converted; and
 * setting the order stops at the first enum member ("operation not allowed after enum members are
 * defined"), leaving an enum and the members after it as stored. libhdf5 (h5py) returns every
 * number in memory order, so those are swapped here.
 */
import type { Metadata } from 'h5wasm';

/** H5T class numbers (H5T_class_t). */
const INTEGER = 0;
const FLOAT = 1;
const TIME = 2;
const BITFIELD = 4;
const COMPOUND = 6;
const ENUM = 8;
const VLEN = 9;
const ARRAY = 10;

type Order = 'le' | 'be' | 'none' | 'mixed';

/** H5Tget_order: derived types have their base's order; a compound its members' (or mixed). */
function storedOrder(meta: Metadata): Order {
  switch (meta.type) {
    case INTEGER:
    case FLOAT:
    case TIME:
    case BITFIELD:
    case ENUM:
      return meta.littleEndian ? 'le' : 'be';
    case ARRAY:
      return meta.array_type ? storedOrder(meta.array_type) : 'none';
    case VLEN:
      return meta.vlen_type ? storedOrder(meta.vlen_type) : 'none';
    case COMPOUND: {
      let order: Order = 'none';
      for (const member of meta.compound_type?.members ?? []) {
        const next = storedOrder(member);
        if (next === 'none') continue;
        if (order === 'none') order = next;
        else if (next !== order) return 'mixed';
      }
      return order;
    }
    default:
      return 'none';
  }
}

/** A byte range of one element that stays big-endian in memory. */
interface Span {
  offset: number;
  size: number;
}

/**
 * Walks the type as H5Tset_order does, member by member, collecting the numbers it leaves
 * big-endian. `state.converting` turns false where setting the order fails (an enum member).
 */
function collect(meta: Metadata, offset: number, state: { converting: boolean }, out: Span[]): void {
  switch (meta.type) {
    case ENUM:
      state.converting = false;
      if (!meta.littleEndian && meta.size > 1) out.push({ offset, size: meta.size });
      return;
    case INTEGER:
    case FLOAT:
    case BITFIELD:
      if (!meta.littleEndian && !state.converting && meta.size > 1) out.push({ offset, size: meta.size });
      return;
    case COMPOUND:
      for (const member of meta.compound_type?.members ?? [])
        collect(member, offset + member.offset, state, out);
      return;
    case ARRAY: {
      const base = meta.array_type;
      if (!base) return;
      // Setting an array's order goes straight to its base integer, past an enum's check.
      const element = base.type === ENUM ? { ...base, type: INTEGER } : base;
      const spans: Span[] = [];
      collect(element, 0, state, spans);
      const count = (base.shape ?? []).reduce((a, b) => a * b, 1);
      for (let i = 0; i < count; i++)
        for (const span of spans) out.push({ offset: offset + i * base.size + span.offset, size: span.size });
      return;
    }
    default:
      return;
  }
}

function plan(meta: Metadata): { spans: Span[]; orderChangeFails: boolean } {
  const converting = storedOrder(meta) === 'be';
  const state = { converting };
  const spans: Span[] = [];
  collect(meta, 0, state, spans);
  return { spans, orderChangeFails: converting && !state.converting };
}

/**
 * Whether h5wasm's H5Tset_order on this type fails (a big-endian type with an enum in it): HDF5
 * then reports an error that is harmless (the read goes on with the order half set), so the read
 * must run with the error handler paused.
 */
export function orderChangeFails(meta: Metadata): boolean {
  return plan(meta).orderChangeFails;
}

/**
 * Swaps, in place, the numbers h5wasm read but left big-endian (count elements of `meta`).
 * H5T_TIME stays as stored: libhdf5 has no conversion for it and returns its bytes.
 */
export function swapLeftBigEndian(bytes: Uint8Array, meta: Metadata): void {
  swap(bytes, meta, plan(meta).spans);
}

/** Swaps every big-endian number of elements read as stored (storedData.ts); times stay bytes. */
export function swapStoredBigEndian(bytes: Uint8Array, meta: Metadata): void {
  const spans: Span[] = [];
  collect(meta, 0, { converting: false }, spans);
  swap(bytes, meta, spans);
}

function swap(bytes: Uint8Array, meta: Metadata, spans: Span[]): void {
  if (spans.length === 0 || meta.size <= 0) return;
  for (let at = 0; at + meta.size <= bytes.byteLength; at += meta.size)
    for (const span of spans) bytes.subarray(at + span.offset, at + span.offset + span.size).reverse();
}

/**
 * Whether h5wasm's read fails on this type: it sets a big-endian type to little-endian, and
 * libhdf5 has no conversion path for an H5T_TIME in it. Such data is read as stored instead.
 */
export function h5wasmCannotConvert(meta: Metadata): boolean {
  return storedOrder(meta) === 'be' && holdsTime(meta);
}

function holdsTime(meta: Metadata): boolean {
  if (meta.type === TIME) return true;
  if (meta.type === COMPOUND) return (meta.compound_type?.members ?? []).some(holdsTime);
  if (meta.type === ARRAY) return meta.array_type ? holdsTime(meta.array_type) : false;
  if (meta.type === VLEN) return meta.vlen_type ? holdsTime(meta.vlen_type) : false;
  return false;
}
