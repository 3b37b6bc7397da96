import { trimSlashes } from '../dandi/instances';
import type { ReferenceTarget } from './lookup';
import type { FoundReference } from './scanner';

/**
 * Rewrites of a reference's text: pinning a draft to a published version in the form it is
 * written in, and the active instance's API URL of what a reference resolved to (what the hover's
 * actions hand to Open and Download, so they act on the archive that was looked up).
 */

/**
 * `found` with its explicit `draft` replaced by `version`, keeping its form: `DANDI:000728/draft`,
 * `dandi://dandi/000728@draft/sub-01/`, `…/dandiset/000728/draft/files?…`, `…/versions/draft/…`,
 * `10.48324/dandi.000728/draft`. Undefined when the reference is not an explicit draft, or names an
 * asset by id (an id belongs to one version's asset, and may not be in the published one).
 */
export function pinnedText(found: FoundReference, version: string): string | undefined {
  const ref = found.reference;
  if (ref.version !== 'draft' || ref.kind === 'asset-id') return undefined;
  const text = found.text;
  const pattern: Record<FoundReference['form'], RegExp> = {
    short: /\/draft$/i,
    doi: /\/draft$/i,
    'dandi-url': /(^dandi:\/\/[^/]+\/\d+)@draft(?=\/|$)/i,
    url: /(\/(?:dandiset\/\d+|versions))\/draft(?=[/?#]|$)/i,
  };
  const separator = found.form === 'dandi-url' ? '@' : '/';
  const pinned = text.replace(pattern[found.form], (_m, head: string | number) =>
    typeof head === 'string' ? `${head}${separator}${version}` : `/${version}`,
  );
  return pinned === text ? undefined : pinned;
}

/** The API URL of a resolved reference on the active instance (`apiUrl`), which the parser reads back. */
export function activeApiUrl(target: ReferenceTarget, apiUrl: string): string {
  const api = trimSlashes(apiUrl);
  const ref = target.reference;
  if (target.dandisetId === null) return `${api}/assets/${target.asset?.assetId ?? ref.assetId ?? ''}/`;
  const base = `${api}/dandisets/${target.dandisetId}`;
  // An unversioned reference to a Dandiset stays unversioned: it means "the latest".
  if (ref.kind === 'dandiset' && ref.version === null) return `${base}/`;
  const version = `${base}/versions/${target.version}`;
  if (target.asset) return `${version}/assets/${target.asset.assetId}/`;
  if (target.folder) return `${version}/assets/paths/?path_prefix=${encodeURIComponent(target.folder.path)}`;
  if (ref.kind === 'glob') return `${version}/assets/?glob=${encodeURIComponent(ref.path ?? '')}`;
  if (ref.kind === 'path-prefix') return `${version}/assets/?path=${encodeURIComponent(ref.path ?? '')}`;
  return `${version}/`;
}
