/**
 * Codecs zarrita 0.7.5 lacks, registered once in its codec registry. zarrita itself brings
 * blosc, lz4, zstd (numcodecs' wasm), gzip and zlib (fflate), shuffle, delta, bitround (decode is
 * the identity), json2, vlen-utf8, transpose, crc32c, sharding, and translates v2
 * `fixedscaleoffset` into its v3 `scale_offset` + `cast_value` pair. Added here:
 * - `bz2` (numcodecs.js has none): seek-bzip, pure JavaScript.
 * - `vlen-bytes`: hdmf-zarr writes ISO-8601 datetimes with it; items decode as UTF-8 text.
 * - `pickle`: only Python can run it. Its arrays are marked unreadable (reader.ts) and a read
 *   fails naming the codec, never as zeros.
 */
import { registry } from 'zarrita';
import Bunzip from 'seek-bzip';
import { ZarrError } from './errors';

/** The message for arrays whose objects are pickled. */
export const PICKLE_UNREADABLE = 'Pickle: cannot be read outside Python';

/** Codecs whose data JavaScript cannot decode, with the reason shown in place of the values. */
const UNREADABLE: Record<string, string> = {
  pickle: PICKLE_UNREADABLE,
  msgpack2: 'MsgPack object arrays are not supported',
  lzma: 'LZMA is not supported (no JavaScript decoder is bundled)',
};

type CodecKind = 'array_to_array' | 'array_to_bytes' | 'bytes_to_bytes';
interface ChunkMeta {
  shape: number[];
}
/** The shape zarrita's registry expects of a codec class (its type is internal to zarrita). */
interface CodecClass {
  kind?: CodecKind;
  fromConfig(config: unknown, meta: ChunkMeta): object;
}
type Registry = Map<string, () => Promise<CodecClass>>;

function cStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i] as number;
  }
  return strides;
}

const Bz2Codec: CodecClass = {
  kind: 'bytes_to_bytes',
  fromConfig: () => ({
    kind: 'bytes_to_bytes',
    encode: () => Promise.reject(new ZarrError('codec', 'bz2: encoding is not supported')),
    decode: (bytes: Uint8Array): Promise<Uint8Array> => {
      const out = Bunzip.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as Buffer;
      return Promise.resolve(new Uint8Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length)));
    },
  }),
};

/** numcodecs VLenBytes: item count, then per item a uint32 length and its bytes. */
const VLenBytesCodec: CodecClass = {
  kind: 'array_to_bytes',
  fromConfig: (_config, meta) => ({
    kind: 'array_to_bytes',
    encode: () => {
      throw new ZarrError('codec', 'vlen-bytes: encoding is not supported');
    },
    decode: (bytes: Uint8Array) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const decoder = new TextDecoder();
      const data = new Array<string>(view.getUint32(0, true));
      let pos = 4;
      for (let i = 0; i < data.length; i++) {
        const length = view.getUint32(pos, true);
        pos += 4;
        data[i] = decoder.decode(bytes.subarray(pos, pos + length));
        pos += length;
      }
      return { data, shape: meta.shape, stride: cStrides(meta.shape) };
    },
  }),
};

function unreadableCodec(id: string): CodecClass {
  const fail = () => {
    throw new ZarrError('codec', `${UNREADABLE[id] ?? id} (codec ${id})`);
  };
  return {
    kind: 'array_to_bytes',
    fromConfig: () => ({ kind: 'array_to_bytes', encode: fail, decode: fail }),
  };
}

let registered = false;

/** Adds the codecs above to zarrita's registry (idempotent). */
export function registerCodecs(): void {
  if (registered) return;
  registered = true;
  const codecs = registry as unknown as Registry;
  for (const prefix of ['', 'numcodecs.']) {
    codecs.set(`${prefix}bz2`, () => Promise.resolve(Bz2Codec));
    codecs.set(`${prefix}vlen-bytes`, () => Promise.resolve(VLenBytesCodec));
    for (const id of Object.keys(UNREADABLE))
      codecs.set(`${prefix}${id}`, () => Promise.resolve(unreadableCodec(id)));
  }
}

/** Why an array with these codec ids cannot be read, or undefined when every codec decodes. */
export function unreadableReason(codecIds: readonly string[]): string | undefined {
  registerCodecs();
  for (const id of codecIds) {
    const bare = id.replace(/^numcodecs\./, '');
    if (UNREADABLE[bare]) return UNREADABLE[bare];
  }
  for (const id of codecIds) {
    if (id === 'fixedscaleoffset' || id === 'sharding_indexed') continue;
    const name = id.includes('.') || registry.has(id) ? id : `numcodecs.${id}`;
    if (!registry.has(name) && !registry.has(id)) return `the ${id} codec is not supported`;
  }
  return undefined;
}
