import { wasm, type WasmMemory } from '../../util/webAssembly';
import { CodeBuilder, I32, moduleBytes, OP, SIMD, uleb, V128, type FunctionSpec } from './wasmBinary';

/**
 * MD5 compression kernels in WebAssembly, several independent messages at once: lane i of a
 * 128-bit vector holds message i's state, so 4 messages cost barely more than one (the
 * multi-buffer technique of Intel's isa-l_crypto `md5_mb`). dandi-etag parts are independent MD5s,
 * which is what makes this usable here. Measured on 2 cores (AMD EPYC, Node 20), 1 GiB:
 * OpenSSL 1.40 s, x1 1.84 s, x4 0.55 s, x8 (two groups of 4 interleaved) 0.33 s.
 *
 * Every kernel hashes `blocks` 64-byte blocks from each of its pointers (no padding; lanes.ts
 * pads) and keeps the states at `state`, transposed: word r (a, b, c, d) of lane l of group g
 * at state + 64 g + 16 r + 4 l. x1 uses lane 0 of that layout.
 */

export const STATE_BYTES = 128;
export const INITIAL_STATE = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476] as const;
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
const REGISTERS = ['a', 'b', 'c', 'd'] as const;

function stepShape(i: number): { round: number; word: number; shift: number } {
  const round = i >> 4;
  const word = [i, (5 * i + 1) % 16, (3 * i + 5) % 16, (7 * i) % 16][round] as number;
  return { round, word, shift: SHIFTS[round * 4 + (i % 4)] as number };
}

/** One v128 constant with the same 32-bit value in every lane. */
function splat(value: number): number[] {
  const bytes = Buffer.alloc(16);
  for (let lane = 0; lane < 4; lane++) bytes.writeInt32LE(value, lane * 4);
  return [...bytes];
}

/** x4 (groups = 1) or x8 (groups = 2): params state, 4 * groups pointers, blocks. */
function vectorKernel(groups: number): FunctionSpec {
  const lanes = groups * 4;
  const blocksParam = 1 + lanes;
  const c = new CodeBuilder();
  let next = 2 + lanes;
  const group = Array.from({ length: groups }, () => {
    const regs = REGISTERS.map(() => next++);
    const saved = REGISTERS.map(() => next++);
    const temp = next++;
    const words = Array.from({ length: 16 }, () => next++);
    return { regs, saved, temp, words };
  });
  const v128Locals = next - (2 + lanes);
  const pointer = (g: number, lane: number): number => 1 + g * 4 + lane;

  group.forEach((g, gi) =>
    g.regs.forEach((local, r) => {
      c.get(0);
      c.simd(SIMD.load, ...CodeBuilder.memarg(gi * 64 + r * 16));
      c.set(local);
    }),
  );
  c.emit(OP.loop, 0x40);
  group.forEach((g, gi) => {
    // Word w of the four messages, gathered into one vector.
    for (let w = 0; w < 16; w++) {
      c.get(pointer(gi, 0));
      c.simd(SIMD.load32Zero, ...CodeBuilder.memarg(w * 4));
      for (let lane = 1; lane < 4; lane++) {
        c.set(g.words[w] as number);
        c.get(pointer(gi, lane));
        c.get(g.words[w] as number);
        c.simd(SIMD.load32Lane, ...CodeBuilder.memarg(w * 4), lane);
      }
      c.set(g.words[w] as number);
    }
    g.regs.forEach((local, r) => {
      c.get(local);
      c.set(g.saved[r] as number);
    });
  });
  // The groups' steps interleave, so the CPU has two independent dependency chains.
  const current = group.map(g => [...g.regs]);
  for (let i = 0; i < 64; i++) {
    const { round, word, shift } = stepShape(i);
    group.forEach((g, gi) => {
      const [a, b, cc, d] = current[gi] as [number, number, number, number];
      c.get(a);
      if (round === 0) {
        c.gets(cc, d, b); // (b & c) | (~b & d)
        c.simd(SIMD.bitselect);
      } else if (round === 1) {
        c.gets(b, cc, d); // (d & b) | (~d & c)
        c.simd(SIMD.bitselect);
      } else if (round === 2) {
        c.gets(b, cc);
        c.simd(SIMD.xor);
        c.get(d);
        c.simd(SIMD.xor);
      } else {
        c.gets(cc, b, d); // c ^ (b | ~d)
        c.simd(SIMD.not);
        c.simd(SIMD.or);
        c.simd(SIMD.xor);
      }
      c.simd(SIMD.i32x4Add);
      c.get(g.words[word] as number);
      c.simd(SIMD.const, ...splat(K[i] as number));
      c.simd(SIMD.i32x4Add);
      c.simd(SIMD.i32x4Add);
      c.set(g.temp);
      // No vector rotate in wasm: (t << s) | (t >>> (32 - s)).
      c.get(g.temp);
      c.i32(shift);
      c.simd(SIMD.i32x4Shl);
      c.get(g.temp);
      c.i32(32 - shift);
      c.simd(SIMD.i32x4ShrU);
      c.simd(SIMD.or);
      c.get(b);
      c.simd(SIMD.i32x4Add);
      c.set(a);
      current[gi] = [d, a, b, cc];
    });
  }
  group.forEach((g, gi) => {
    g.regs.forEach((local, r) => {
      c.gets(local, g.saved[r] as number);
      c.simd(SIMD.i32x4Add);
      c.set(local);
    });
    for (let lane = 0; lane < 4; lane++) {
      c.get(pointer(gi, lane));
      c.i32(64);
      c.emit(OP.i32Add);
      c.set(pointer(gi, lane));
    }
  });
  c.get(blocksParam);
  c.i32(1);
  c.emit(OP.i32Sub, OP.localTee, ...uleb(blocksParam), OP.brIf, 0, OP.end);
  group.forEach((g, gi) =>
    g.regs.forEach((local, r) => {
      c.gets(0, local);
      c.simd(SIMD.store, ...CodeBuilder.memarg(gi * 64 + r * 16));
    }),
  );
  return {
    exportName: `md5x${lanes}`,
    params: Array.from({ length: 2 + lanes }, () => I32),
    locals: [[v128Locals, V128]],
    body: c.bytes,
  };
}

/** x1: params state, pointer, blocks; plain i32 arithmetic with a native rotate. */
function scalarKernel(): FunctionSpec {
  const c = new CodeBuilder();
  const regs = [3, 4, 5, 6];
  const saved = [7, 8, 9, 10];
  regs.forEach((local, r) => {
    c.get(0);
    c.emit(OP.i32Load, 2, ...uleb(r * 16));
    c.set(local);
  });
  c.emit(OP.loop, 0x40);
  regs.forEach((local, r) => {
    c.get(local);
    c.set(saved[r] as number);
  });
  let current = [...regs];
  for (let i = 0; i < 64; i++) {
    const { round, word, shift } = stepShape(i);
    const [a, b, cc, d] = current as [number, number, number, number];
    c.get(a);
    if (round === 0) {
      c.gets(d, b, cc, d); // d ^ (b & (c ^ d))
      c.emit(OP.i32Xor, OP.i32And, OP.i32Xor);
    } else if (round === 1) {
      c.gets(cc, d, b, cc); // c ^ (d & (b ^ c))
      c.emit(OP.i32Xor, OP.i32And, OP.i32Xor);
    } else if (round === 2) {
      c.gets(b, cc);
      c.emit(OP.i32Xor);
      c.get(d);
      c.emit(OP.i32Xor);
    } else {
      c.gets(cc, b, d); // c ^ (b | ~d)
      c.i32(-1);
      c.emit(OP.i32Xor, OP.i32Or, OP.i32Xor);
    }
    c.emit(OP.i32Add);
    c.get(1);
    c.emit(OP.i32Load, 0, ...uleb(word * 4));
    c.emit(OP.i32Add);
    c.i32(K[i] as number);
    c.emit(OP.i32Add);
    c.i32(shift);
    c.emit(OP.i32Rotl);
    c.get(b);
    c.emit(OP.i32Add);
    c.set(a);
    current = [d, a, b, cc];
  }
  regs.forEach((local, r) => {
    c.gets(local, saved[r] as number);
    c.emit(OP.i32Add);
    c.set(local);
  });
  c.get(1);
  c.i32(64);
  c.emit(OP.i32Add);
  c.set(1);
  c.get(2);
  c.i32(1);
  c.emit(OP.i32Sub, OP.localTee, 2, OP.brIf, 0, OP.end);
  regs.forEach((local, r) => {
    c.gets(0, local);
    c.emit(OP.i32Store, 2, ...uleb(r * 16));
  });
  return { exportName: 'md5x1', params: [I32, I32, I32], locals: [[8, I32]], body: c.bytes };
}

/** The module's bytes: exports md5x1, md5x4 and md5x8 over an imported shared `env.memory`. */
export function md5KernelModule(maxPages: number): Uint8Array {
  return moduleBytes([scalarKernel(), vectorKernel(1), vectorKernel(2)], maxPages);
}

export interface Md5Kernels {
  md5x1(state: number, p0: number, blocks: number): void;
  md5x4(state: number, p0: number, p1: number, p2: number, p3: number, blocks: number): void;
  md5x8(state: number, ...pointersThenBlocks: number[]): void;
}

/** Instantiates the kernels over `memory` (which must be shared, with at most `maxPages`). */
export function instantiateKernels(memory: WasmMemory, maxPages: number): Md5Kernels {
  const module = new wasm.Module(md5KernelModule(maxPages));
  const instance = new wasm.Instance(module, { env: { memory } });
  return instance.exports as unknown as Md5Kernels;
}
