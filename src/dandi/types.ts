/**
 * DANDI REST API response shapes (dandi-api.md section 1), limited to the fields the extension
 * reads. Optional fields are ones older servers omit or the archive adds over time.
 */

/** An archive deployment: DANDI, the sandbox, LINC, EMBER or a custom one. */
export interface DandiInstance {
  /** dandi-cli's instance name (`dandi`, `dandi-sandbox`, `linc`, ...) or the API host for custom ones. */
  name: string;
  /** API base without trailing slash, e.g. `https://api.dandiarchive.org/api`. */
  apiUrl: string;
  /** Web UI origin without trailing slash, or null when the server does not report one. */
  webUrl: string | null;
  /** Upper-case prefix of short references (`DANDI`, `DANDI-SANDBOX`, `LINC`, `EMBER-DANDI`), when known. */
  prefix?: string;
  /** DOI prefix of published versions (production DANDI: `10.48324`). */
  doiPrefix?: string;
  /** Lower-case instance name inside DOIs (`10.48324/dandi.000027/…`); defaults to `name`. */
  doiName?: string;
}

export type EmbargoStatus = 'OPEN' | 'EMBARGOED' | 'UNEMBARGOING';
export type VersionStatus = 'Pending' | 'Validating' | 'Valid' | 'Invalid' | 'Publishing' | 'Published';

/** `{count, next, previous, results}` of both paginators. */
export interface Paginated<T> {
  /** Total on every page (DandiPagination) or only on page 1 (LazyPagination, asset list). */
  count: number | null;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** The nested version summary in Dandiset records (`draft_version`, `most_recent_published_version`). */
export interface VersionSummary {
  /** `draft` or `0.YYMMDD.HHMM`. */
  version: string;
  name: string;
  asset_count: number;
  size: number;
  status: VersionStatus | string;
  created: string;
  modified: string;
  active_uploads?: number;
  release_notes?: string;
}

/** `GET /dandisets/` item and `GET /dandisets/{id}/`. */
export interface DandisetRecord {
  identifier: string;
  created: string;
  modified: string;
  contact_person: string;
  embargo_status: EmbargoStatus | string;
  star_count?: number;
  is_starred?: boolean;
  most_recent_published_version: VersionSummary | null;
  draft_version: VersionSummary | null;
}

/** `GET /dandisets/{id}/versions/` item. */
export interface VersionRecord extends VersionSummary {
  dandiset?: Omit<DandisetRecord, 'most_recent_published_version' | 'draft_version'>;
}

/** `GET /dandisets/{id}/versions/{v}/info/`. */
export interface VersionInfo extends VersionRecord {
  metadata: DandisetMetadata;
  contact_person?: string;
  asset_validation_errors?: { field: string; message: string; path?: string }[];
  version_validation_errors?: { field: string; message: string }[];
}

export interface Contributor {
  schemaKey?: string;
  name?: string;
  email?: string;
  identifier?: string;
  roleName?: string[];
  includeInCitation?: boolean;
  affiliation?: { name?: string }[];
}

export interface NamedTerm {
  name?: string;
  identifier?: string;
  schemaKey?: string;
}

export interface AssetsSummary {
  numberOfBytes?: number;
  numberOfFiles?: number;
  numberOfSubjects?: number;
  species?: NamedTerm[];
  approach?: NamedTerm[];
  measurementTechnique?: NamedTerm[];
  dataStandard?: NamedTerm[];
  variableMeasured?: (string | NamedTerm)[];
}

/** Version metadata document (dandischema Dandiset / PublishedDandiset); `GET /versions/{v}/`. */
export interface DandisetMetadata {
  id?: string;
  identifier?: string;
  version?: string;
  name?: string;
  description?: string;
  doi?: string;
  url?: string;
  license?: string[];
  keywords?: string[];
  citation?: string;
  contributor?: Contributor[];
  assetsSummary?: AssetsSummary;
  access?: { status?: string; embargoedUntil?: string }[];
  relatedResource?: { url?: string; name?: string; relation?: string }[];
  dateCreated?: string;
  datePublished?: string;
  /** Everything else in the document, kept for "Show Metadata" and dandiset.yaml. */
  [key: string]: unknown;
}

/** The asset list item (`AssetSerializer`). Exactly one of blob/zarr is non-null. */
export interface AssetRecord {
  asset_id: string;
  blob: string | null;
  zarr: string | null;
  path: string;
  size: number;
  created: string;
  modified: string;
  /** Present with `metadata=true` on the list, and always on `/info/`. */
  metadata?: AssetMetadata;
}

/** Asset metadata document (`GET /assets/{id}/`). */
export interface AssetMetadata {
  id?: string;
  identifier?: string;
  path?: string;
  contentSize?: number;
  encodingFormat?: string;
  /** `[<API download URL>, <unsigned S3 URL>]`. */
  contentUrl?: string[];
  digest?: {
    'dandi:dandi-etag'?: string;
    'dandi:sha2-256'?: string;
    'dandi:dandi-zarr-checksum'?: string;
    [algorithm: string]: string | undefined;
  };
  /** Original file mtime (dandi-cli sets the local mtime from it). */
  blobDateModified?: string;
  dateModified?: string;
  [key: string]: unknown;
}

/** `GET /assets/{id}/info/` and `…/assets/{id}/info/`: list item plus full metadata. */
export interface AssetInfo extends AssetRecord {
  metadata: AssetMetadata;
}

/** `GET …/assets/paths/` item: one child of a folder. */
export interface PathRecord {
  /** Full path from the version root, no leading/trailing slash. */
  path: string;
  aggregate_files: number;
  aggregate_size: number;
  /** null for a folder; the asset id and unsigned S3 URL (Zarr: a prefix ending in `/`) for a file. */
  asset: { asset_id: string; url: string } | null;
}

/** `GET /zarr/{zarr_id}/files/` item (S3-style listing). */
export interface ZarrFileRecord {
  Key: string;
  LastModified: string;
  ETag: string;
  Size: number;
}

/** `GET /info/`. */
export interface ServerInfo {
  version?: string;
  'cli-minimal-version'?: string;
  'cli-requires-python'?: string;
  'cli-bad-versions'?: string[];
  instance_config?: { instance_name?: string; instance_url?: string; doi_prefix?: string };
  services?: {
    api?: { url: string };
    webui?: { url: string };
    jupyterhub?: { url: string };
  };
}

/** `GET /users/me/`. */
export interface UserRecord {
  username: string;
  name: string;
  admin?: boolean;
  status?: string;
}

/** Server orderings of the Dandiset list; a leading `-` sorts descending. */
export type DandisetOrderingField = 'id' | 'name' | 'modified' | 'size' | 'stars';
export type DandisetOrdering = DandisetOrderingField | `-${DandisetOrderingField}`;

export interface ListDandisetsOptions {
  /** Free text plus the server's operators (`species:`, `approach:`, ...). */
  search?: string;
  ordering?: DandisetOrdering;
  /** Include Dandisets never published (server default true). */
  draft?: boolean;
  /** Include Dandisets whose most recent version has no assets (server default true). */
  empty?: boolean;
  /** Include embargoed Dandisets visible to the caller (needs auth). */
  embargoed?: boolean;
  /** Only the caller's Dandisets (`user=me`, needs auth). */
  user?: 'me';
  /** Only the caller's starred Dandisets (needs auth). */
  starred?: boolean;
  /** 1-based. */
  page?: number;
  /** At most 1000. */
  pageSize?: number;
  signal?: AbortSignal;
}

/** One page of a list with what is needed to ask for the next. */
export interface Page<T> {
  items: T[];
  /** Total when the server reported it. */
  count: number | null;
  /** The page number to ask for next, or null at the end. */
  nextPage: number | null;
}

export interface IterateAssetsOptions {
  /** Case-insensitive prefix filter; pass a trailing `/` for a folder (see dandi-api.md 1.8). */
  path?: string;
  /** Case-insensitive full-path glob where only `*` is special. */
  glob?: string;
  /** Include each asset's full metadata (digests, blobDateModified) without extra requests. */
  metadata?: boolean;
  order?: 'created' | '-created' | 'modified' | '-modified' | 'path' | '-path';
  /** Default 1000. */
  pageSize?: number;
  signal?: AbortSignal;
}
