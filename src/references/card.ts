import type { AssetInfo, Contributor, NamedTerm, VersionInfo } from '../dandi/types';
import { formatBytes } from '../shared/format';
import type { ReferenceTarget } from './lookup';

/**
 * The hover card of a reference: what a person needs to recognise a Dandiset (name, version and
 * date, DOI, licence, size, species, approaches) and, for a file or folder, what it is. Built from
 * the version metadata the client fetches anyway; rendered as Markdown whose every server-provided
 * word is escaped, so a Dandiset's name can never become a link or a command.
 */
export interface ReferenceCard {
  dandisetId: string | null;
  name: string;
  version: string;
  /** Published date of a version, last change of a draft (YYYY-MM-DD). */
  date?: string;
  doi?: string;
  licences: string[];
  size?: number;
  files?: number;
  species: string[];
  approaches: string[];
  /** Set when a newer version than the one shown is published (or the draft is shown). */
  newerPublished?: string;
  asset?: { path: string; size: number; type: string };
  folder?: { path: string; size: number; files: number };
  citation: string;
}

export interface CardAction {
  label: string;
  command: string;
  args: unknown[];
}

export function buildCard(
  target: ReferenceTarget,
  info: VersionInfo | undefined,
  asset: AssetInfo | undefined,
  webUrl: string | null,
): ReferenceCard {
  const meta = info?.metadata;
  const summary = meta?.assetsSummary;
  const published = target.version !== 'draft';
  const date = published ? (meta?.datePublished ?? info?.created) : info?.modified;
  const card: ReferenceCard = {
    dandisetId: target.dandisetId,
    name: meta?.name ?? info?.name ?? (target.dandisetId ? `Dandiset ${target.dandisetId}` : 'Asset'),
    version: target.version,
    date: date ? date.slice(0, 10) : undefined,
    doi: meta?.doi || undefined,
    licences: (meta?.license ?? []).map(l => l.replace(/^spdx:/, '')),
    size: summary?.numberOfBytes ?? info?.size,
    files: summary?.numberOfFiles ?? info?.asset_count,
    species: names(summary?.species),
    approaches: names(summary?.approach),
    citation: info ? citationOf(info, target, webUrl) : '',
  };
  if (target.latestPublished && target.latestPublished !== target.version)
    card.newerPublished = target.latestPublished;
  if (target.asset) {
    const type = asset?.metadata.encodingFormat ?? typeFromPath(target.asset.path);
    card.asset = { path: target.asset.path, size: asset?.size ?? target.asset.size, type };
  }
  if (target.folder) card.folder = { ...target.folder };
  return card;
}

/** The version's own `citation`, else DANDI's format from the contributors, name, version and DOI. */
export function citationOf(info: VersionInfo, target: ReferenceTarget, webUrl: string | null): string {
  const meta = info.metadata;
  if (meta.citation?.trim()) return meta.citation.trim();
  const authors = (meta.contributor ?? [])
    .filter((c: Contributor) => c.includeInCitation !== false && c.schemaKey !== 'Organization' && c.name)
    .map(c => c.name)
    .join('; ');
  const year = (meta.datePublished ?? info.modified ?? info.created ?? '').slice(0, 4);
  const where = meta.doi
    ? `https://doi.org/${meta.doi}`
    : webUrl && target.dandisetId
      ? `${webUrl}/dandiset/${target.dandisetId}/${target.version}`
      : '';
  const name = meta.name ?? info.name;
  return [
    `${authors ? `${authors} ` : ''}${year ? `(${year}) ` : ''}${name} (Version ${target.version}) [Data set].`,
    'DANDI Archive.',
    where,
  ]
    .filter(Boolean)
    .join(' ');
}

/** Markdown for a hover; the caller trusts only the commands of `actions`. */
export function cardMarkdown(card: ReferenceCard, actions: CardAction[]): string {
  const lines: string[] = [];
  const title = card.dandisetId ? `Dandiset ${card.dandisetId} · ${card.name}` : card.name;
  lines.push(`**${escapeMarkdown(title)}**`);
  const version = card.version === 'draft' ? 'Draft' : `Version ${card.version}`;
  const when = card.date ? ` · ${card.version === 'draft' ? 'modified' : 'published'} ${card.date}` : '';
  const doi = card.doi
    ? ` · DOI [${escapeMarkdown(card.doi)}](${linkTarget(`https://doi.org/${card.doi}`)})`
    : '';
  lines.push(`${escapeMarkdown(version + when)}${doi}`);
  if (card.newerPublished)
    lines.push(`*${escapeMarkdown(`Version ${card.newerPublished} is the latest published.`)}*`);
  const facts = [
    card.licences.length ? `Licence: ${card.licences.join(', ')}` : '',
    card.size !== undefined ? formatBytes(card.size) : '',
    card.files !== undefined
      ? `${card.files.toLocaleString('en-US')} ${card.files === 1 ? 'file' : 'files'}`
      : '',
  ].filter(Boolean);
  if (facts.length) lines.push(escapeMarkdown(facts.join(' · ')));
  if (card.species.length) lines.push(escapeMarkdown(`Species: ${card.species.join(', ')}`));
  if (card.approaches.length) lines.push(escapeMarkdown(`Approaches: ${card.approaches.join(', ')}`));
  const blocks = [lines.join('  \n')];
  if (card.asset)
    blocks.push(
      escapeMarkdown(`File ${card.asset.path} · ${formatBytes(card.asset.size)} · ${card.asset.type}`),
    );
  if (card.folder)
    blocks.push(
      escapeMarkdown(
        `Folder ${card.folder.path}/ · ${formatBytes(card.folder.size)} in ${card.folder.files.toLocaleString('en-US')} files`,
      ),
    );
  if (actions.length)
    blocks.push(
      actions
        .map(
          a =>
            `[${escapeMarkdown(a.label)}](command:${a.command}?${encodeURIComponent(JSON.stringify(a.args))})`,
        )
        .join(' · '),
    );
  return blocks.join('\n\n---\n\n');
}

/** Backslash-escapes every character Markdown gives a meaning to; newlines become spaces. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&"'$]/g, '\\$&');
}

/** A URL safe inside `(...)` of a Markdown link. */
function linkTarget(url: string): string {
  return encodeURI(url).replace(/[()]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function names(terms: NamedTerm[] | undefined): string[] {
  return (terms ?? []).map(t => t.name ?? t.identifier ?? '').filter(Boolean);
}

const TYPES: Record<string, string> = {
  nwb: 'application/x-nwb',
  zarr: 'application/x-zarr',
  json: 'application/json',
  tsv: 'text/tab-separated-values',
  csv: 'text/csv',
  txt: 'text/plain',
  md: 'text/markdown',
  mp4: 'video/mp4',
  avi: 'video/x-msvideo',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  png: 'image/png',
};

function typeFromPath(path: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  return TYPES[ext] ?? 'application/octet-stream';
}
