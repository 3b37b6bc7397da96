/**
 * The zfp plugin (h5wasm-plugins' libH5Zzfp.so) imports C's `ldexp`, which h5wasm's main module
 * does not export, and Emscripten resolves a side module's imports only from wasm modules. So the
 * worker gives it one: a tiny side module exporting `ldexp` (musl's scalbn, assembled here), named
 * in the plugin's `dylink.0` section as a library it needs, which Emscripten loads first.
 */

const SECTION_CUSTOM = 0;
const SUBSECTION_NEEDED = 2;

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const text = (s: string) => [...leb(s.length), ...Array.from(new TextEncoder().encode(s))];
const section = (id: number, payload: number[]) => [id, ...leb(payload.length), ...payload];

function f64(value: number): number[] {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return Array.from(bytes);
}

/** x * 2^step while n is past `limit` (twice at most, then n is clamped), as musl's scalbn. */
function scaleWhile(past: 'above' | 'below', limit: number, factor: number, step: number): number[] {
  const [GET, SET, CONST, IF, END] = [0x20, 0x21, 0x41, 0x04, 0x0b];
  const compare = [GET, 1, CONST, ...sleb(limit), past === 'above' ? 0x4a : 0x48];
  const scale = [GET, 0, 0x44, ...f64(factor), 0xa2, SET, 0, GET, 1, CONST, ...sleb(step), 0x6b, SET, 1];
  const clamp = [...compare, IF, 0x40, CONST, ...sleb(limit), SET, 1, END];
  return [...compare, IF, 0x40, ...scale, ...compare, IF, 0x40, ...scale, ...clamp, END, END];
}

/** A side module exporting `double ldexp(double x, int n)`. */
export function ldexpSideModule(): Uint8Array {
  const body = [
    0, // no locals
    ...scaleWhile('above', 1023, 2 ** 1023, 1023),
    ...scaleWhile('below', -1022, 2 ** -969, -969),
    // x * (double with exponent n): reinterpret((n + 1023) << 52)
    ...[0x20, 0, 0x20, 1, 0xac, 0x42, ...sleb(1023), 0x7c, 0x42, 52, 0x86, 0xbf, 0xa2, 0x0b],
  ];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // dylink.0: memory size and alignment, table size and alignment, all 0.
    ...section(SECTION_CUSTOM, [...text('dylink.0'), 1, 4, 0, 0, 0, 0]),
    ...section(1, [1, 0x60, 2, 0x7c, 0x7f, 1, 0x7c]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...text('ldexp'), 0, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ];
  return Uint8Array.from(bytes);
}

function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, at];
  }
}

/**
 * The side module with `library` added to the libraries its `dylink.0` section says it needs.
 * Throws when the module has no `dylink.0` section first (not an Emscripten side module).
 */
export function withNeededLibrary(module: Uint8Array, library: string): Uint8Array {
  if (module[8] !== SECTION_CUSTOM) throw new Error('not an Emscripten side module');
  const [size, start] = readLeb(module, 9);
  const end = start + size;
  const [nameLength, nameAt] = readLeb(module, start);
  const name = new TextDecoder().decode(module.subarray(nameAt, nameAt + nameLength));
  if (name !== 'dylink.0') throw new Error('not an Emscripten side module');
  const kept: number[] = [];
  let needed: number[] = [];
  let neededCount = 0;
  let at = nameAt + nameLength;
  while (at < end) {
    const type = module[at];
    const [length, payloadAt] = readLeb(module, at + 1);
    const payload = Array.from(module.subarray(payloadAt, payloadAt + length));
    if (type === SUBSECTION_NEEDED) {
      const [count, listAt] = readLeb(module, payloadAt);
      neededCount = count;
      needed = Array.from(module.subarray(listAt, payloadAt + length));
    } else kept.push(type, ...leb(length), ...payload);
    at = payloadAt + length;
  }
  const list = [...leb(neededCount + 1), ...needed, ...text(library)];
  const dylink = [...text('dylink.0'), ...kept, SUBSECTION_NEEDED, ...leb(list.length), ...list];
  const head = section(SECTION_CUSTOM, dylink);
  const out = new Uint8Array(8 + head.length + module.length - end);
  out.set(module.subarray(0, 8));
  out.set(head, 8);
  out.set(module.subarray(end), 8 + head.length);
  return out;
}
