import { KNOWN_INSTANCES, trimSlashes } from '../dandi/instances';
import type { DandiInstance } from '../dandi/types';
import type { TreeElement } from './model';

/**
 * URLs and commands for tree elements (vscode-free): the web UI page, the API URL of an asset,
 * the `dandi download` command line. Follows the web UI's own choices (dandi-api.md 7.2).
 */
type Located = Extract<TreeElement, { kind: 'dandiset' | 'version' | 'folder' | 'asset' }>;

export function versionOf(element: Located): string | undefined {
  if (element.kind === 'dandiset') return undefined;
  return element.version;
}

/** The page on the web UI (file browser at the folder, or at the asset's folder). */
export function webPageUrl(element: Located, webUrl: string): string {
  const base = `${trimSlashes(webUrl)}/dandiset/${element.dandisetId}`;
  switch (element.kind) {
    case 'dandiset':
      return base;
    case 'version':
      return `${base}/${element.version}`;
    case 'folder':
      return `${base}/${element.version}/files?location=${encodeURIComponent(element.path)}`;
    case 'asset': {
      const parent = element.path.includes('/') ? element.path.slice(0, element.path.lastIndexOf('/')) : '';
      return `${base}/${element.version}/files?location=${encodeURIComponent(parent)}`;
    }
  }
}

/** The API URL of an asset within its version (parses back to the same asset, with its Dandiset). */
export function assetApiUrl(apiUrl: string, dandisetId: string, version: string, assetId: string): string {
  return `${trimSlashes(apiUrl)}/dandisets/${dandisetId}/versions/${version}/assets/${assetId}/download/`;
}

/** "Copy DANDI URL": the web page for Dandisets, versions and folders, the API URL for assets. */
export function dandiUrl(element: Located, instance: DandiInstance): string {
  if (element.kind === 'asset')
    return assetApiUrl(instance.apiUrl, element.dandisetId, element.version, element.assetId);
  if (instance.webUrl) return webPageUrl(element, instance.webUrl);
  const api = `${trimSlashes(instance.apiUrl)}/dandisets/${element.dandisetId}/`;
  return element.kind === 'dandiset' ? api : `${api}versions/${element.version}/`;
}

/** A `dandi download` command line for the element, the way the web UI writes it. */
export function downloadCommand(element: Located, instance: DandiInstance): string {
  const known = KNOWN_INSTANCES.find(i => i.apiUrl === trimSlashes(instance.apiUrl));
  const version = versionOf(element);
  if (element.kind === 'asset')
    return `dandi download ${shellQuote(assetApiUrl(instance.apiUrl, element.dandisetId, element.version, element.assetId))}`;
  if (element.kind === 'folder') {
    if (known)
      return `dandi download ${shellQuote(`dandi://${known.name}/${element.dandisetId}@${element.version}/${element.path}/`)}`;
    return `dandi download ${shellQuote(webPageUrl(element, instance.webUrl ?? instance.apiUrl))}`;
  }
  // Ids and versions come from the archive: quoted like everything else, in case one is hostile.
  if (known?.prefix)
    return `dandi download ${shellQuote(`${known.prefix}:${element.dandisetId}${version ? `/${version}` : ''}`)}`;
  const origin = trimSlashes(instance.webUrl ?? instance.apiUrl);
  return `dandi download ${shellQuote(`${origin}/dandiset/${element.dandisetId}${version ? `/${version}` : ''}`)}`;
}

/** Single quotes unless the text is plainly safe for a POSIX shell. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
