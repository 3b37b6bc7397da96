/**
 * Just enough of the WebAssembly binary format to emit the MD5 kernels of kernels.ts: one
 * function type per export, a shared imported memory, straight-line code with one loop.
 * (A dependency-free emitter: the kernels are generated, unrolled, at run time in ~1 ms.)
 */

export function uleb(value: number): number[] {
  const out: number[] = [];
  let n = value >>> 0;
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let n = value | 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => vector([...Buffer.from(text, 'utf8')].map(b => [b]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Opcodes used by the kernels (SIMD ones are prefixed with 0xfd by `simd`). */
export const OP = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Rotl: 0x77,
} as const;

export const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  not: 0x4d,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  load32Lane: 0x56,
  load32Zero: 0x5c,
  i32x4Shl: 0xab,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
} as const;

/** Builds one function body: `emit` pushes bytes; helpers for the common instructions. */
export class CodeBuilder {
  readonly bytes: number[] = [];
  emit(...bytes: number[]): void {
    for (const b of bytes) this.bytes.push(b);
  }
  get(local: number): void {
    this.emit(OP.localGet, ...uleb(local));
  }
  gets(...locals: number[]): void {
    for (const local of locals) this.get(local);
  }
  set(local: number): void {
    this.emit(OP.localSet, ...uleb(local));
  }
  i32(value: number): void {
    this.emit(OP.i32Const, ...sleb(value));
  }
  simd(op: number, ...immediates: number[]): void {
    this.emit(0xfd, ...uleb(op), ...immediates);
  }
  /** memarg: alignment hint 0 (any address), then the offset. */
  static memarg(offset: number): number[] {
    return [0, ...uleb(offset)];
  }
}

export interface FunctionSpec {
  exportName: string;
  params: number[];
  /** Extra locals, in declaration order: [count, type]. */
  locals: Array<[number, number]>;
  body: number[];
}

/** A module importing a shared memory `env.memory` (max `maxPages`) and exporting the functions. */
export function moduleBytes(functions: FunctionSpec[], maxPages: number): Uint8Array {
  const types = functions.map(f => [0x60, ...vector(f.params.map(p => [p])), 0]);
  const sharedLimits = [0x03, ...uleb(1), ...uleb(maxPages)];
  const imports = vector([[...name('env'), ...name('memory'), 0x02, ...sharedLimits]]);
  const exports = vector(functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]));
  const codes = functions.map(f => {
    const body = [...vector(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body, OP.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, imports),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, exports),
    ...section(10, vector(codes)),
  ]);
}
