/** Every failure of the Zarr reader, with a code callers can act on and a message naming the key. */
export type ZarrErrorCode =
  /** A key that climbs out of the store, or an invalid Zarr id. */
  | 'bad-key'
  /** No node at a path (no `.zarray`/`.zgroup`/`zarr.json`). */
  | 'not-found'
  /** Metadata that is not Zarr (an HTML error page for `.zmetadata`, broken JSON). */
  | 'metadata'
  /** A codec JavaScript cannot run (Pickle) or does not know. */
  | 'codec'
  /** A chunk that does not decode. */
  | 'corrupt'
  /** A selection outside the array, or larger than the cap. */
  | 'selection'
  | 'too-large'
  | 'forbidden'
  | 'http'
  | 'network'
  | 'io'
  | 'aborted';

export class ZarrError extends Error {
  constructor(
    readonly code: ZarrErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ZarrError';
  }
}
