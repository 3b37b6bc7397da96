import { HttpError } from './http';
import {
  type ArchiveStore,
  dandisetModified,
  type Json,
  publishedOf,
  type StoredDandiset,
  type StoredVersion,
} from './model';
import { encodingFor } from './seedReal';

/**
 * `search` on /dandisets/: free text (every word must occur in the metadata of some version,
 * case- and accent-insensitive) plus the 2026 Gmail-style operators.
 */

const OPERATORS = [
  'species',
  'approach',
  'technique',
  'file_type',
  'owner',
  'anatomy',
  'anatomy_exact',
  'created_before',
  'created_after',
  'modified_before',
  'modified_after',
  'published_before',
  'published_after',
];
const MAX_LENGTH = 1024;

export interface ParsedSearch {
  freeText: string[];
  operators: { key: string; value: string }[];
}

const searchError = (message: string): HttpError => new HttpError(400, { search: [message] });

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

export function parseSearch(query: string): ParsedSearch {
  if (query.length > MAX_LENGTH)
    throw searchError(`Search query is too long (maximum ${MAX_LENGTH} characters).`);
  if ((query.match(/"/g) ?? []).length % 2 === 1)
    throw searchError('Unbalanced quote in search query. Remove the stray quote.');
  const out: ParsedSearch = { freeText: [], operators: [] };
  const tokens = query.match(/[^\s"]*"[^"]*"|\S+/g) ?? [];
  for (const token of tokens) {
    if (token.startsWith('"')) {
      const text = token.slice(1, -1);
      if (text) out.freeText.push(text);
      continue;
    }
    const m = /^([a-z][a-z_]*):(.+)$/.exec(token);
    if (!m || (m[2] as string).startsWith('//')) {
      out.freeText.push(token);
      continue;
    }
    const key = m[1] as string;
    let value = m[2] as string;
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!OPERATORS.includes(key)) {
      const close = OPERATORS.find(op => editDistance(op, key) <= 2);
      const hint = close ? ` Did you mean "${close}"?` : '';
      throw searchError(`Unknown search operator "${key}".${hint} Valid operators: ${OPERATORS.join(', ')}.`);
    }
    if (key.endsWith('_before') || key.endsWith('_after')) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
        throw searchError(`Invalid date "${value}" for ${key}. Use YYYY-MM-DD.`);
      }
    }
    out.operators.push({ key, value });
  }
  return out;
}

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

const textCache = new WeakMap<StoredVersion, string>();
function versionText(v: StoredVersion): string {
  let t = textCache.get(v);
  if (t === undefined) {
    t = fold(JSON.stringify(v.metadata));
    textCache.set(v, t);
  }
  return t;
}

function summaryNames(v: StoredVersion, field: string): string[] {
  const summary = v.metadata.assetsSummary;
  if (!summary || typeof summary !== 'object' || Array.isArray(summary)) return [];
  const list = summary[field];
  if (!Array.isArray(list)) return [];
  return list.flatMap((x: Json) =>
    x && typeof x === 'object' && !Array.isArray(x) && typeof x.name === 'string' ? [fold(x.name)] : [],
  );
}

function aboutNames(v: StoredVersion): string[] {
  const about = v.metadata.about;
  if (!Array.isArray(about)) return [];
  return about.flatMap((x: Json) =>
    x && typeof x === 'object' && !Array.isArray(x) && typeof x.name === 'string' ? [fold(x.name)] : [],
  );
}

function fileTypeMatches(v: StoredVersion, wanted: string): boolean {
  const w = wanted.toLowerCase();
  const prefix =
    w === 'nwb' ? 'application/x-nwb' : w === 'image' || w === 'text' || w === 'video' ? `${w}/` : w;
  return v.assets.some(a => {
    const enc =
      typeof a.metadata.encodingFormat === 'string' ? a.metadata.encodingFormat : encodingFor(a.path);
    return enc.toLowerCase().startsWith(prefix);
  });
}

const day = (iso: string): string => iso.slice(0, 10);

function operatorMatches(store: ArchiveStore, d: StoredDandiset, key: string, value: string): boolean {
  const v = fold(value);
  const versions = d.versions;
  switch (key) {
    case 'species':
      return versions.some(x => summaryNames(x, 'species').some(n => n.includes(v)));
    case 'approach':
      return versions.some(x => summaryNames(x, 'approach').some(n => n.includes(v)));
    case 'technique':
      return versions.some(x => summaryNames(x, 'measurementTechnique').some(n => n.includes(v)));
    case 'anatomy':
      return versions.some(x => aboutNames(x).some(n => n.includes(v)));
    case 'anatomy_exact':
      return versions.some(x => aboutNames(x).includes(v));
    case 'file_type':
      return versions.some(x => fileTypeMatches(x, value));
    case 'owner':
      return d.owners.some(o => {
        const u = store.userByName(o);
        return o.toLowerCase() === v || (u !== undefined && u.email.toLowerCase() === v);
      });
    case 'created_before':
      return day(d.created) < value;
    case 'created_after':
      return day(d.created) > value;
    case 'modified_before':
      return day(dandisetModified(d)) < value;
    case 'modified_after':
      return day(dandisetModified(d)) > value;
    case 'published_before':
      return publishedOf(d).some(x => day(x.created) < value);
    case 'published_after':
      return publishedOf(d).some(x => day(x.created) > value);
    default:
      return false;
  }
}

export function matchesSearch(store: ArchiveStore, d: StoredDandiset, parsed: ParsedSearch): boolean {
  for (const word of parsed.freeText) {
    const w = fold(word);
    if (!d.versions.some(v => versionText(v).includes(w))) return false;
  }
  return parsed.operators.every(op => operatorMatches(store, d, op.key, op.value));
}
