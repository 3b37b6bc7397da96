/** What went wrong, in terms the UI can act on (retry, sign in, fix the input). */
export type DandiErrorKind =
  | 'not-found'
  | 'unauthorized'
  | 'forbidden'
  | 'bad-request'
  | 'unavailable'
  | 'network'
  | 'invalid-response'
  | 'cancelled';

/**
 * Every failure of the DANDI client. `message` is a sentence a person understands
 * ("Dandiset 000123 was not found on DANDI"); `detail` keeps the server's own words.
 * Never carries the API key or a presigned URL's signature.
 */
export class DandiApiError extends Error {
  override readonly name = 'DandiApiError';
  constructor(
    readonly kind: DandiErrorKind,
    message: string,
    readonly status?: number,
    /** The server's detail text (from `{"detail": ...}`, a bare string or field errors). */
    readonly detail?: string,
    /** Request path and query relative to the API (no credentials). */
    readonly path?: string,
  ) {
    super(message);
  }

  /** Worth retrying later (the tree's Retry action, the downloader's back-off). */
  get transient(): boolean {
    return this.kind === 'unavailable' || this.kind === 'network';
  }
}

/** A reference the parser cannot understand, or an instance it does not know. */
export class DandiReferenceError extends Error {
  override readonly name = 'DandiReferenceError';
  constructor(
    readonly code: 'unknown-url' | 'unknown-instance' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}
