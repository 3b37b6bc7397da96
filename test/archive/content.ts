import { createHash, type Hash } from 'node:crypto';
import { etagFromPartDigests, partLayout } from '../../src/dandi/etag';

/**
 * Deterministic blob contents that never touch the disk. Real listings hold assets of hundreds of
 * GB, so their bytes are defined so that the dandi-etag is cheap:
 *  - small blobs (<= SMALL_BLOB_LIMIT) are pseudo-random bytes from a per-blob seed, hashed whole;
 *  - larger blobs repeat one of a few shared patterns, restarted at every dandi-etag part
 *    boundary, so every full part is identical and the etag needs two part MD5s. Those come from
 *    cached MD5 states at every PATTERN_PERIOD bytes of the pattern (Hash.copy()), so any prefix
 *    MD5 costs at most one period of hashing.
 */
export const SMALL_BLOB_LIMIT = 256 * 1024;
const PATTERN_PERIOD = 256 * 1024;
const FAMILIES = 4;
/** sha2-256 is only offered where hashing the whole blob is cheap (the real API may lack it too). */
export const SHA256_LIMIT = 8 * 1024 * 1024;

export interface BlobDigests {
  etag: string;
  sha256?: string;
}

/** A byte range reader: chunks of [start, end) in order. */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): AsyncIterable<Buffer>;
}

/** 32-bit seed from any string (blob id, path). */
export function seedOf(text: string): number {
  return createHash('md5').update(text).digest().readUInt32LE(0) || 1;
}

/** xorshift32 bytes: cheap, deterministic, and different for every seed. */
export function pseudoRandomBytes(seed: number, length: number): Buffer {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, length);
}

const patterns: Buffer[] = [];
/** checkpoints[f][k] = MD5 state after k * PATTERN_PERIOD bytes of family f's pattern stream. */
const checkpoints: Hash[][] = [];

function pattern(family: number): Buffer {
  let p = patterns[family];
  if (!p) {
    p = pseudoRandomBytes(0x5eed0000 + family, PATTERN_PERIOD);
    patterns[family] = p;
    checkpoints[family] = [createHash('md5')];
  }
  return p;
}

/** MD5 of the first `length` bytes of a family's pattern stream. */
function patternPrefixMd5(family: number, length: number): Buffer {
  const p = pattern(family);
  const states = checkpoints[family] as Hash[];
  const whole = Math.floor(length / PATTERN_PERIOD);
  while (states.length <= whole) {
    const next = (states[states.length - 1] as Hash).copy();
    next.update(p);
    states.push(next);
  }
  const h = (states[whole] as Hash).copy();
  h.update(p.subarray(0, length - whole * PATTERN_PERIOD));
  return h.digest();
}

/** The bytes of a generated blob, identified by a seed and a size. */
export class GeneratedContent implements ByteSource {
  private cached: BlobDigests | undefined;

  private seedValue: number | undefined;

  /** `seed` is a number, or a name hashed on first use (start-up creates ~70k of these). */
  constructor(
    private readonly seedSource: number | string,
    readonly size: number,
  ) {}

  private get seed(): number {
    this.seedValue ??= typeof this.seedSource === 'number' ? this.seedSource : seedOf(this.seedSource);
    return this.seedValue;
  }

  private get family(): number {
    return this.seed % FAMILIES;
  }

  /** Regenerated on every use (cheap): caching up to 256 KiB for each of 70k blobs would not be. */
  private smallBytes(): Buffer {
    return pseudoRandomBytes(this.seed, this.size);
  }

  async *read(start: number, end: number): AsyncIterable<Buffer> {
    yield* this.readSync(start, end);
  }

  /** Chunks are views of shared buffers: callers must copy before modifying them. */
  *readSync(start: number, end: number): Iterable<Buffer> {
    if (this.size <= SMALL_BLOB_LIMIT) {
      if (end > start) yield this.smallBytes().subarray(start, end);
      return;
    }
    const p = pattern(this.family);
    const { partSize } = partLayout(this.size);
    let offset = start;
    while (offset < end) {
      const inPart = offset % partSize;
      const inPattern = inPart % PATTERN_PERIOD;
      const take = Math.min(PATTERN_PERIOD - inPattern, partSize - inPart, end - offset);
      yield p.subarray(inPattern, inPattern + take);
      offset += take;
    }
  }

  digests(): BlobDigests {
    if (this.cached) return this.cached;
    if (this.size <= SMALL_BLOB_LIMIT) {
      const data = this.smallBytes();
      const part = createHash('md5').update(data).digest();
      this.cached = {
        etag: etagFromPartDigests(this.size === 0 ? [] : [part]),
        sha256: createHash('sha256').update(data).digest('hex'),
      };
      return this.cached;
    }
    const layout = partLayout(this.size);
    const parts: Buffer[] = [];
    if (layout.count > 1)
      parts.push(...new Array<Buffer>(layout.count - 1).fill(patternPrefixMd5(this.family, layout.partSize)));
    parts.push(patternPrefixMd5(this.family, layout.finalPartSize));
    const digests: BlobDigests = { etag: etagFromPartDigests(parts) };
    if (this.size <= SHA256_LIMIT) {
      const sha = createHash('sha256');
      for (const chunk of this.readSync(0, this.size)) sha.update(chunk);
      digests.sha256 = sha.digest('hex');
    }
    this.cached = digests;
    return digests;
  }
}

/** An in-memory byte source (Zarr entries). */
export class BufferContent implements ByteSource {
  constructor(readonly data: Buffer) {}
  get size(): number {
    return this.data.length;
  }
  async *read(start: number, end: number): AsyncIterable<Buffer> {
    if (end > start) yield this.data.subarray(start, end);
  }
}

/** Deterministic UUIDv4-shaped id from a name (stable asset/blob ids across runs). */
export function uuidFrom(name: string): string {
  const b = createHash('sha1').update(name).digest();
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
