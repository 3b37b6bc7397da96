/**
 * The download engine's contract. A plan lists files (blobs or Zarr folders) with everything
 * needed to fetch and verify them; the engine never talks to the listing API itself except for a
 * Zarr's entry listing.
 */

/** One asset to download. */
export interface PlannedFile {
  assetId: string;
  /** Asset path in the Dandiset, e.g. `sub-01/sub-01_ses-1.nwb` (only for messages and checks). */
  path: string;
  /** Target relative to the destination, `/`-separated (from the layout rules in layout.ts). */
  localPath: string;
  /** Size in bytes (for a Zarr, the total of its entries; may be 0 before ingestion). */
  size: number;
  /** Expected dandi-etag (blobs); absent for Zarr assets. */
  etag?: string;
  /** ISO timestamp for the local mtime (dandi-cli: `blobDateModified`, else the asset's `modified`). */
  blobDateModified?: string;
  /** The API's download URL, `{api}/assets/{id}/download/`, answering 302 to a presigned URL. */
  downloadUrl: string;
  /**
   * The blob's unsigned S3 URL (`contentUrl`) when the asset is open: fetched directly, it saves
   * the API round trip per file; a 403 there falls back to `downloadUrl`.
   */
  blobUrl?: string;
  /** Set for Zarr assets: entries are listed with `{api}/zarr/{zarrId}/files/`. */
  zarr?: { zarrId: string; apiUrl: string; checksum?: string };
}

/**
 * What to do when the target already exists (`ask` is resolved by the caller before starting):
 * `skip` keeps files identical to the asset (same size and dandi-etag) and downloads the rest,
 * `overwrite` downloads everything again, `keep` leaves every existing file alone (dandi-cli's
 * `--existing skip`).
 */
export type ExistingFilePolicy = 'skip' | 'overwrite' | 'keep';

export interface Timeouts {
  /** Time allowed for a response's headers, in milliseconds. */
  headersMs: number;
  /** Longest silence allowed between two chunks of a body, in milliseconds. */
  idleMs: number;
}

export interface DownloadOptions {
  /** Absolute destination folder; every target must stay inside it. */
  destination: string;
  /** Files downloaded at once (default 6). */
  parallelFiles?: number;
  /** Byte ranges of one large file downloaded at once (default 8). */
  parallelParts?: number;
  /** Default `skip`: skip files identical to the asset (same size and dandi-etag). */
  existing?: ExistingFilePolicy;
  /** Sent as `Authorization: token <key>` to the API origin only, never to the blob host. */
  apiKey?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Log lines for the output channel (never contains keys or URL signatures). */
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
  timeouts?: Partial<Timeouts>;
  /** Attempts per request before a file fails (default 10); attempts that made progress are free. */
  maxAttempts?: number;
  /** Upper bound of one back-off wait, in milliseconds (default 30 s); Retry-After is capped at 5 min. */
  maxBackoffMs?: number;
  /**
   * A response slower than this over the window is dropped and its attempt counts against
   * `maxAttempts` (default 1 KiB/s over 60 s): a server that trickles forever ends in an error.
   */
  minimumRate?: { bytesPerSec?: number; windowMs?: number };
  /** How long to wait while another download holds a target (default 10 min), then fail "in use". */
  lockWaitMs?: number;
  /**
   * Asked before deleting files a Zarr lacks from a folder this extension did not create for it
   * (they may be the user's); without it they stay and the log says so.
   */
  confirmStrayRemoval?: ConfirmStrayRemoval;
  /** Paths (relative to the destination) the caller writes itself, e.g. `<id>/dandiset.yaml`. */
  reservedPaths?: readonly string[];
  /** Large files bypass the page cache where the file system allows it (default true; writer.ts). */
  directIo?: boolean;
  /**
   * MD5 of large parts on the hash worker: SIMD lanes (default) or node:crypto. The benchmark
   * compares the two; see README, Benchmarks.
   */
  md5Kernel?: 'simd' | 'openssl';
  /** Test hook: replaces the positional writer (e.g. to inject ENOSPC). */
  openWriter?: (path: string, options?: { direct?: boolean }) => Promise<PositionalWriter>;
}

/** Whether to delete `strays` (keys under `folder`) that the downloaded Zarr does not have. */
export type ConfirmStrayRemoval = (folder: string, strays: readonly string[]) => Promise<boolean>;

/** Positional writes into the temporary data file. */
export interface PositionalWriter {
  write(data: Uint8Array, position: number): Promise<void>;
  /** Waits until every byte written so far is on the disk (fdatasync); optional for test writers. */
  sync?(): Promise<void>;
  close(): Promise<void>;
}

export interface DownloadProgress {
  filesDone: number;
  filesTotal: number;
  /** Bytes of the plan that are on disk and verified or received (skipped files count as done). */
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds left at the current rate, undefined while unknown. */
  etaSeconds?: number;
  /** The file that last made progress. */
  currentPath?: string;
}

export interface FailedFile {
  path: string;
  reason: string;
}

export interface DownloadSummary {
  /** Asset paths downloaded and verified. */
  downloaded: string[];
  /** Asset paths skipped because an identical file was already there. */
  skipped: string[];
  failed: FailedFile[];
  /** True when the signal aborted the run; unfinished files keep their resumable temp data. */
  cancelled: boolean;
  /** Body bytes received from the network during this run. */
  bytesFetched: number;
}

/** An error meant for the user, with no stack trace needed. */
export class DownloadError extends Error {
  constructor(
    message: string,
    /** `permanent` errors are not retried (bad path, checksum mismatch, disk full, 404...). */
    readonly permanent = true,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** The error a cancelled download ends with (recognised by its name, like DOM aborts). */
export function abortError(): Error {
  const err = new Error('The download was cancelled.');
  err.name = 'AbortError';
  return err;
}
