import type { DandiClient } from '../dandi/client';
import { DandiApiError } from '../dandi/errors';
import { KNOWN_INSTANCES, instanceLabel, trimSlashes } from '../dandi/instances';
import type { DandiReference, PendingReference } from '../dandi/references';
import type { AssetInfo, DandisetRecord, PathRecord, VersionInfo, VersionRecord } from '../dandi/types';
import { TtlCache } from './ttlCache';

/**
 * Whether the references written in a file exist, and what they point at, on the active instance.
 * Lookups are shared: every reference to a Dandiset asks for its record and version list once,
 * every file reference asks for its folder's listing once (one request covers all the files of a
 * folder), concurrent asks share one request, and answers are kept (published versions never
 * change: for the session; a draft, the record and the version list briefly). No VS Code here.
 */

/** How long draft-dependent answers (a Dandiset's record, its versions, a draft's files) are kept. */
const DRAFT_TTL_MS = 30_000;

/** What a reference resolved to on the active instance. */
export interface ReferenceTarget {
  /** The reference, on the active instance (a public DANDI reference read on a custom mirror). */
  reference: DandiReference;
  /** Null only for a version-independent asset URL. */
  dandisetId: string | null;
  /** The concrete version: the one written, else the most recent published, else draft. */
  version: string;
  /** The most recent published version, or null when none is. */
  latestPublished: string | null;
  asset?: { assetId: string; path: string; size: number };
  folder?: { path: string; size: number; files: number };
}

export type Existence =
  | { status: 'found'; target: ReferenceTarget }
  /** The archive answered: it does not exist. */
  | { status: 'missing'; message: string }
  /** Could not be checked (network, server error, access, another instance): never a warning. */
  | { status: 'unknown'; message: string };

export interface LookupOptions {
  draftTtlMs?: number;
  now?: () => number;
}

export class ReferenceLookup {
  private readonly draftTtlMs: number;
  private readonly dandisets: TtlCache<DandisetRecord>;
  private readonly versionLists: TtlCache<VersionRecord[]>;
  private readonly folders: TtlCache<PathRecord[]>;
  private readonly infos: TtlCache<VersionInfo>;
  private readonly assets: TtlCache<AssetInfo>;

  constructor(
    private readonly client: () => DandiClient,
    options: LookupOptions = {},
  ) {
    this.draftTtlMs = options.draftTtlMs ?? DRAFT_TTL_MS;
    this.dandisets = new TtlCache(500, options.now);
    this.versionLists = new TtlCache(500, options.now);
    this.folders = new TtlCache(200, options.now);
    this.infos = new TtlCache(200, options.now);
    this.assets = new TtlCache(200, options.now);
  }

  /** The reference as the active instance's, or undefined when it lives on another archive. */
  onActiveInstance(reference: DandiReference | PendingReference): DandiReference | undefined {
    if (!reference.instance) return undefined;
    const active = this.client().instance;
    if (trimSlashes(reference.instance.apiUrl) === trimSlashes(active.apiUrl))
      return { ...reference, instance: active };
    // A custom instance (a mirror, a local archive) takes public DANDI ids as its own, as Open does.
    const activeIsCustom = !KNOWN_INSTANCES.some(i => trimSlashes(i.apiUrl) === trimSlashes(active.apiUrl));
    return activeIsCustom && reference.instance.name === 'dandi'
      ? { ...reference, instance: active }
      : undefined;
  }

  /** Does the reference exist? Asks only what that takes (no metadata documents). */
  async exists(written: DandiReference | PendingReference): Promise<Existence> {
    const reference = this.onActiveInstance(written);
    const label = instanceLabel(this.client().instance);
    if (!reference) {
      const where = written.instance ? instanceLabel(written.instance) : 'an unknown server';
      return { status: 'unknown', message: `This reference is on ${where}, not on ${label}.` };
    }
    try {
      return await this.resolve(reference, label);
    } catch (e) {
      if (e instanceof DandiApiError && e.kind === 'not-found')
        return { status: 'missing', message: e.message };
      return { status: 'unknown', message: e instanceof Error ? e.message : String(e) };
    }
  }

  /** The version's metadata (name, DOI, licence, summary, citation); published ones never change. */
  versionInfo(dandisetId: string, version: string): Promise<VersionInfo> {
    const client = this.client();
    return this.infos.get(`${client.apiUrl} ${dandisetId} ${version}`, this.ttl(version), () =>
      client.getVersionInfo(dandisetId, version),
    );
  }

  /** An asset's record and metadata (immutable, but a draft may drop it: kept briefly there). */
  assetInfo(assetId: string, where?: { dandisetId: string; version: string }): Promise<AssetInfo> {
    const client = this.client();
    const key = `${client.apiUrl} ${assetId} ${where?.dandisetId ?? ''} ${where?.version ?? ''}`;
    const ttl = where ? this.ttl(where.version) : Infinity;
    return this.assets.get(key, ttl, () => client.getAssetInfo(assetId, where));
  }

  /** Forgets every answer (after a change of instance or sign-in, or a Refresh). */
  clear(): void {
    for (const cache of [this.dandisets, this.versionLists, this.folders, this.infos, this.assets])
      cache.clear();
  }

  private async resolve(reference: DandiReference, label: string): Promise<Existence> {
    const id = reference.dandisetId;
    if (id === null) {
      const info = await this.assetInfo(reference.assetId ?? '');
      const asset = { assetId: info.asset_id, path: info.path, size: info.size };
      const version = reference.version ?? 'draft';
      return {
        status: 'found',
        target: { reference, dandisetId: null, version, latestPublished: null, asset },
      };
    }
    const dandiset = await this.dandiset(id, label);
    const latestPublished = dandiset.most_recent_published_version?.version ?? null;
    const version = reference.version ?? latestPublished ?? 'draft';
    if (reference.version && reference.version !== 'draft') {
      const versions = await this.versionList(id);
      if (!versions.some(v => v.version === reference.version)) {
        const latest = latestPublished ? `the latest is ${latestPublished}` : 'it has no published version';
        return {
          status: 'missing',
          message: `Dandiset ${id} has no version ${reference.version} on ${label} (${latest}).`,
        };
      }
    }
    const target: ReferenceTarget = { reference, dandisetId: id, version, latestPublished };
    const subject =
      version === 'draft' ? `the draft of Dandiset ${id}` : `version ${version} of Dandiset ${id}`;
    const path = (reference.path ?? '').replace(/^\/+|\/+$/g, '');
    if ((reference.kind === 'asset-path' || reference.kind === 'folder') && path) {
      const entry = (await this.children(id, version, parentOf(path))).find(c => c.path === path);
      if (reference.kind === 'asset-path') {
        if (!entry) return { status: 'missing', message: `No file "${path}" in ${subject} on ${label}.` };
        if (!entry.asset)
          return {
            status: 'missing',
            message: `"${path}" in ${subject} is a folder, not a file: end the reference with "/".`,
          };
        target.asset = { assetId: entry.asset.asset_id, path, size: entry.aggregate_size };
      } else if (entry?.asset) {
        // A web `files?location=` naming a file (as the PatchSeq manifest's archive_uri does).
        target.asset = { assetId: entry.asset.asset_id, path, size: entry.aggregate_size };
      } else {
        if (!entry) return { status: 'missing', message: `No folder "${path}" in ${subject} on ${label}.` };
        target.folder = { path, size: entry.aggregate_size, files: entry.aggregate_files };
      }
    } else if (reference.kind === 'asset-id' && reference.assetId) {
      const info = await this.assetInfo(reference.assetId, { dandisetId: id, version });
      target.asset = { assetId: info.asset_id, path: info.path, size: info.size };
    }
    return { status: 'found', target };
  }

  private dandiset(id: string, label: string): Promise<DandisetRecord> {
    const client = this.client();
    return this.dandisets
      .get(`${client.apiUrl} ${id}`, this.draftTtlMs, () => client.getDandiset(id))
      .catch((e: unknown) => {
        if (e instanceof DandiApiError && e.kind === 'not-found')
          throw new DandiApiError('not-found', `Dandiset ${id} does not exist on ${label}.`, 404);
        throw e;
      });
  }

  private versionList(id: string): Promise<VersionRecord[]> {
    const client = this.client();
    return this.versionLists.get(`${client.apiUrl} ${id}`, this.draftTtlMs, () => client.listVersions(id));
  }

  /** A folder's direct children: one listing answers every reference to a file in that folder. */
  private children(id: string, version: string, folder: string): Promise<PathRecord[]> {
    const client = this.client();
    return this.folders.get(`${client.apiUrl} ${id} ${version} ${folder}`, this.ttl(version), async () => {
      const out: PathRecord[] = [];
      try {
        for await (const entry of client.iteratePaths(id, version, folder)) out.push(entry);
      } catch (e) {
        // The parent folder itself does not exist: then neither does anything in it.
        if (!(e instanceof DandiApiError && e.kind === 'not-found' && folder)) throw e;
      }
      return out;
    });
  }

  private ttl(version: string): number {
    return version === 'draft' ? this.draftTtlMs : Infinity;
  }
}

function parentOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}
