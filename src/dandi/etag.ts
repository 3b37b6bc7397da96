import { createHash, type Hash } from 'node:crypto';

/**
 * dandi-etag: the S3 multipart ETag with DANDI's fixed part layout (dandischema
 * `digests/dandietag.py`, dandi-api.md section 3.1). Part boundaries depend only on the size,
 * so parts can be fetched and hashed independently and in parallel.
 */
export const DEFAULT_PART_SIZE = 64 * 1024 * 1024;
const MAX_PARTS = 10_000;
const MAX_OBJECT_SIZE = 5 * 1024 ** 4;

export interface PartLayout {
  /** Number of parts (0 for an empty file). */
  count: number;
  /** Size of every part but the last. */
  partSize: number;
  /** Size of the last part. */
  finalPartSize: number;
}

export function partLayout(size: number): PartLayout {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid file size: ${size}`);
  if (size > MAX_OBJECT_SIZE) throw new RangeError('File is larger than the S3 maximum object size.');
  if (size === 0) return { count: 0, partSize: 0, finalPartSize: 0 };
  let partSize = DEFAULT_PART_SIZE;
  if (Math.ceil(size / partSize) >= MAX_PARTS) partSize = Math.ceil(size / MAX_PARTS);
  const count = Math.ceil(size / partSize);
  return { count, partSize, finalPartSize: size - partSize * (count - 1) };
}

/** Byte range [start, end) of part `index` (0-based). */
export function partRange(size: number, index: number): { start: number; end: number } {
  const layout = partLayout(size);
  if (index < 0 || index >= layout.count) throw new RangeError(`part ${index} out of range`);
  const start = index * layout.partSize;
  return { start, end: index === layout.count - 1 ? size : start + layout.partSize };
}

/** Combines raw 16-byte part MD5s into the etag string. */
export function etagFromPartDigests(partDigests: readonly Uint8Array[]): string {
  const outer = createHash('md5');
  for (const d of partDigests) outer.update(d);
  return `${outer.digest('hex')}-${partDigests.length}`;
}

export const ETAG_PATTERN = /^[0-9a-f]{32}-\d{1,5}$/;

/** Streaming dandi-etag over bytes given in order. */
export class DandiEtagHasher {
  private readonly layout: PartLayout;
  private readonly digests: Uint8Array[] = [];
  private part: Hash = createHash('md5');
  private inPart = 0;
  private total = 0;

  constructor(readonly size: number) {
    this.layout = partLayout(size);
  }

  update(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const partIndex = this.digests.length;
      if (partIndex >= this.layout.count) throw new RangeError('more bytes than the declared size');
      const partLen = partIndex === this.layout.count - 1 ? this.layout.finalPartSize : this.layout.partSize;
      const take = Math.min(partLen - this.inPart, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      this.inPart += take;
      offset += take;
      if (this.inPart === partLen) {
        this.digests.push(this.part.digest());
        this.part = createHash('md5');
        this.inPart = 0;
      }
    }
    this.total += chunk.length;
  }

  digest(): string {
    if (this.total !== this.size) throw new RangeError(`hashed ${this.total} of ${this.size} bytes`);
    return etagFromPartDigests(this.digests);
  }
}

export function dandiEtag(data: Uint8Array): string {
  const h = new DandiEtagHasher(data.length);
  h.update(data);
  return h.digest();
}
