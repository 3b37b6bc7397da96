/**
 * The contract of the stand-in DANDI archive (API + S3-like blob host on loopback) used by the
 * tests, the benchmarks and `npm start -- --demo`. Implemented in test/archive/server.ts.
 */

/** Which origin a fault applies to. */
export type FaultScope = 'api' | 'blob' | 'both';

/** Faults the tests and benchmarks switch on; counters count down as requests consume them. */
export interface FaultConfig {
  /** Added before every response, in milliseconds. */
  latencyMs?: number;
  /** Cap on body bytes per second for each blob connection. */
  bandwidthBytesPerSec?: number;
  /** The next `count` requests in `scope` answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit?: { count: number; retryAfterSeconds: number; scope?: FaultScope };
  /** The next `count` requests in `scope` answer 503 with the platform's HTML error page. */
  html503?: { count: number; scope?: FaultScope };
  /** The next `count` blob GETs send `afterBytes` bytes of the body and then reset the socket. */
  resetMidBody?: { count: number; afterBytes: number };
  /** The next `count` ranged blob GETs ignore `Range` and answer 200 with the whole body. */
  ignoreRange?: { count: number };
  /** The next `count` blob GETs have one byte flipped at body offset `offset` (default: middle). */
  corruptByte?: { count: number; offset?: number };
  /** After page 1 of a draft asset or paths listing is served, the draft gains a new asset at the front. */
  draftChangesBetweenPages?: boolean;
  /** The blob host hangs (sends nothing) for the next `count` requests until the client gives up. */
  hang?: { count: number; scope?: FaultScope };
  /**
   * The next `count` requests in `scope` get a body that never ends and has no Content-Length:
   * 206 with the asked Content-Range (total `*`) for a ranged GET, else 200 JSON-looking bytes.
   */
  endless?: { count: number; scope?: FaultScope };
}

export interface RequestLogEntry {
  origin: 'api' | 'blob';
  method: string;
  /** Path and query as received. */
  url: string;
  /** Lower-cased request headers. */
  headers: Record<string, string | undefined>;
  status: number;
  /** Body bytes sent. */
  bytes: number;
  /** Remote address of the connection (a proxy's outgoing address when the request came through one). */
  client: string;
}

export interface ArchiveOptions {
  /** API port (0 or absent: any free port). */
  port?: number;
  /** Blob host port (0 or absent: any free port). */
  blobPort?: number;
  /** Every .nwb/.h5/.hdf5 file under these folders becomes an asset of the corpus Dandiset. */
  corpusDirs?: string[];
  /** Initial latency fault, in milliseconds. */
  latencyMs?: number;
  /** ../shared/fixtures (found beside the checkout when absent). */
  fixturesDir?: string;
  /** Folder of the project's generated NWB files to serve in the demo Dandiset (default: .cache/nwb when it exists). */
  generatedNwbDir?: string;
  /** Folder of the generated videos (test/fixtures/videogen; default: .cache/video when it exists). */
  generatedVideoDir?: string;
  /** Extra local files to serve as assets of the large-file Dandiset (e.g. the generated 1 GiB file). */
  largeFiles?: string[];
  /** Seconds a presigned blob URL stays valid (default 21600, as production). */
  presignExpirySeconds?: number;
  /** Log every request to stdout (the CLI's --verbose). */
  verbose?: boolean;
  /** Serve both origins over TLS with a certificate made at start (CA in `StandInArchive.caFile`). */
  https?: boolean;
  /**
   * Only these remote addresses may connect (e.g. a proxy that connects out from 127.0.0.2);
   * any other client gets a 403 saying so. Absent: anyone on loopback. Control requests are exempt.
   */
  allowedClients?: string[];
  /** Also serve an embargoed Zarr asset (a copy of a small OME-Zarr) in the embargoed Dandiset. */
  embargoedZarr?: boolean;
}

/** Well-known Dandiset ids of the generated seed data. */
export interface SeedIds {
  /** 10,000+ generated assets in nested subject/session folders, one folder with >1,000 children. */
  scale: string;
  /** The project's generated NWB fixtures (draft and one published version). */
  nwbDemo: string;
  /** Files passed with --corpus (and ../shared/fixtures/nwb by default in tests). */
  corpus: string;
  /** Embargoed; readable only with the owner's API key. */
  embargoed: string;
  /** Large generated files (the 1 GiB ElectricalSeries, when generated). */
  large: string;
  /** A Dandiset with Zarr assets. */
  zarr: string;
  /** An IBL-shaped session: camera videos (the 30-min left camera) and their NWB files (test/fixtures/videogen). */
  ibl: string;
  /** The real videos of ../shared/fixtures/video beside their pose files, plus the generated variants. */
  videoCorpus: string;
  /** Every real Zarr store of ../shared/fixtures (zarr/ and nwb/*.zarr) as a Zarr asset. */
  zarrCorpus: string;
  /** A 20,480² OME-Zarr whose chunks are computed on request. */
  omeLarge: string;
}

export interface StandInArchive {
  /** API base without trailing slash, e.g. `http://127.0.0.1:41234/api`. */
  apiUrl: string;
  /** The web UI origin the archive reports in /info/ services.webui (serves /dandiset/... redirects). */
  webUrl: string;
  /** Origin of the S3-like blob host, e.g. `http://127.0.0.1:41235`. */
  blobOrigin: string;
  ids: SeedIds;
  /**
   * `${webUrl}/__control`: POST faults (JSON FaultConfig), POST reset, POST clear-log, POST clock {advanceSeconds},
   * GET log, POST allowed-clients {addresses: string[] | null}.
   */
  controlUrl: string;
  /** Dandiset whose asset paths are hostile (`../escape.nwb`, `/abs.nwb`, a control character, ...). */
  hostileId: string;
  /** Valid API keys: `owner` owns the embargoed Dandiset; `other` is a valid user who does not. */
  apiKeys: { owner: string; other: string };
  faults: {
    set(config: FaultConfig): void;
    reset(): void;
  };
  /** Every request received, in order (tests assert e.g. that no Authorization reached the blob host). */
  readonly log: RequestLogEntry[];
  clearLog(): void;
  /** PEM file of the CA that signed the archive's certificate (with `https`), for clients to trust. */
  caFile?: string;
  /** Replaces `allowedClients` (undefined: anyone); `faults.reset` does not change it, the control's reset restores the start value. */
  setAllowedClients(addresses: string[] | undefined): void;
  /** Moves the archive's clock forward (presigned URLs expire without waiting). */
  advanceClock(seconds: number): void;
  /** Resolves when background loading (the 57k-asset listing of 000026) is done. */
  whenLoaded(): Promise<void>;
  close(): Promise<void>;
}
