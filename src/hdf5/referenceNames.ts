/**
 * Names of the objects that object references point to. libhdf5 names a referenced object by
 * searching the whole file for a hard link to its address (h5wasm's get_referenced_name:
 * H5Rdereference, then H5Iget_name, which visits every link), once per reference: about 1 ms per
 * reference in a file of 350 objects, a seventh of such a file's walk. After a few searches, one
 * pass lists every link instead (H5Lvisit from the root group, the visit libhdf5's search makes)
 * with its object's address; an address reached by exactly one link has exactly one name, the
 * one the search finds; a region reference's dataset too, from the address its heap object holds.
 * Anything else (an object with several links or none, the root group) is still searched for by
 * libhdf5. The pass reads the links in JavaScript when it can (formatAnswers.ts), else asks
 * libhdf5 for them.
 */
import { addressKey } from './format/formatAnswers';
import type { H5Module } from './h5calls';

/** Searches before the pass: a file with a reference or two is not listed whole for them. */
const SEARCHES_BEFORE_INDEX = 3;

export class ReferenceNames {
  /** Path by address (8 little-endian bytes, joined); null where several links reach it. */
  private byAddress: Map<string, string | null> | null = null;
  private searches = 0;
  /** The JavaScript pass failed once: it fails the same way again (a failed fetch throws instead). */
  private readFailed = false;

  constructor(
    private readonly m: H5Module,
    /** libhdf5's id of the file, opened at its first use (the JavaScript pass may need none). */
    private readonly fileIdOf: () => bigint,
    /** Whether a byte fetch failed during the current call (the pass is then not kept). */
    private readonly fetchFailed: () => boolean,
    private readonly searchesBeforeIndex = SEARCHES_BEFORE_INDEX,
    /** The same index read without libhdf5 (format/formatAnswers.ts), or null when it cannot. */
    private readonly readIndex: () => Map<string, string | null> | null = () => null,
  ) {}

  /**
   * The referenced object's path, or null when it has none; throws when libhdf5 fails. A region
   * reference's `region` (its dataset's address, decoded by regions.ts) is looked up as an object
   * reference's address is; libhdf5 searches for it only if its selection could be read.
   */
  name(
    bytes: Uint8Array,
    isObject: boolean,
    region?: { dataset: number; readable: () => boolean },
  ): string | null {
    const key =
      isObject && bytes.length === this.m.SIZEOF_OBJ_REF
        ? bytes.join(',')
        : region
          ? addressKey(region.dataset)
          : undefined;
    if (key !== undefined) {
      const known = this.index()?.get(key);
      if (known) return known;
    }
    if (region && !region.readable())
      throw new Error('an unreadable region reference is not given to libhdf5');
    this.searches++;
    return this.m.get_referenced_name(this.fileIdOf(), bytes, isObject) ?? null;
  }

  private index(): Map<string, string | null> | null {
    if (this.byAddress) return this.byAddress;
    // Read in JavaScript, the pass costs less than one libhdf5 search: made at the first reference.
    if (!this.readFailed) {
      const read = this.readIndex();
      if (read) return (this.byAddress = read);
      this.readFailed = true;
    }
    if (this.searches < this.searchesBeforeIndex) return null;
    const index = new Map<string, string | null>();
    const fileId = this.fileIdOf();
    try {
      for (const link of this.m.get_names(fileId, '/', true)) {
        const path = `/${link}`;
        let address: string;
        try {
          address = Array.from(this.m.create_object_reference(fileId, path)).join(',');
        } catch (error) {
          // A dangling or external link reaches no object here; a failed fetch ends the pass.
          if (this.fetchFailed()) throw error;
          continue;
        }
        index.set(address, index.has(address) ? null : path);
      }
    } catch {
      // Searched one by one, as before; the pass is tried again at the next reference.
      return null;
    }
    return (this.byAddress = index);
  }
}
