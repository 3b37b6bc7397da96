import { KNOWN_INSTANCES } from '../dandi/instances';
import {
  parseReferenceOffline,
  type DandiReference,
  type ParseOptions,
  type PendingReference,
} from '../dandi/references';

/**
 * Finds the DANDI references written inside free text (code, prose, Markdown, CSV, JSON, LaTeX,
 * BibTeX...). Candidates are cut out with loose patterns and kept only when the one parser
 * ({@link parseReferenceOffline}) accepts them, so the scanner never understands a form the rest of
 * the extension does not.
 */

/** How the reference is written: a pin rewrites it in the same form. */
export type ReferenceForm = 'short' | 'doi' | 'url' | 'dandi-url';

export interface FoundReference {
  /** Offsets into the scanned text: `text.slice(start, end)` is the reference. */
  start: number;
  end: number;
  text: string;
  form: ReferenceForm;
  /** An unknown host's URL comes back pending: its server is asked only when needed. */
  reference: DandiReference | PendingReference;
}

/**
 * A URL runs to whitespace or a character that cannot be in one unescaped and that free text uses
 * as a delimiter: quotes, brackets of Markdown/LaTeX, angle brackets, CSV commas and semicolons.
 */
const URL_PATTERN = /\b(?:https?|dandi):\/\/[^\s"'`<>{}[\]|\\^,;]+/gi;

/** `10.48324/dandi.000728[/0.240827.1809]`, optionally `doi:`-prefixed (BibTeX, prose). */
const DOI_PATTERN =
  /(?<![\w./-])(?:doi:\s?)?10\.\d{4,9}\/[a-z][a-z-]*\.\d{6}(?:\/(?:\d+\.\d+\.\d+|draft))?(?![\w-]|\/\w)/gi;

/** Trailing characters that end a sentence or close a delimiter rather than belong to a URL. */
const TRAILING = /[.,;:!?'")\]}>*]$/;

export function findDandiReferences(text: string, options: ParseOptions = {}): FoundReference[] {
  const found: FoundReference[] = [];
  const claimed: [number, number][] = [];
  const free = (start: number, end: number) => claimed.every(([s, e]) => end <= s || start >= e);
  const keep = (start: number, raw: string, form: ReferenceForm) => {
    const parsed = parseLongest(raw, options);
    if (!parsed || !free(start, start + parsed.text.length)) return;
    const end = start + parsed.text.length;
    found.push({ start, end, text: parsed.text, form, reference: parsed.reference });
    claimed.push([start, end]);
  };

  for (const m of text.matchAll(URL_PATTERN)) {
    // Markdown emphasis around a URL (`**https://…**`): the closing run is not part of it.
    const opener = /\*+$/.exec(text.slice(Math.max(0, m.index - 3), m.index))?.[0] ?? '';
    const unwrapped = opener && m[0].endsWith(opener) ? m[0].slice(0, -opener.length) : m[0];
    const raw = trimUrl(unwrapped);
    keep(m.index, raw, raw.toLowerCase().startsWith('dandi:') ? 'dandi-url' : 'url');
  }
  for (const m of text.matchAll(DOI_PATTERN)) keep(m.index, m[0], 'doi');
  for (const m of text.matchAll(shortPattern(options))) keep(m.index, m[0], 'short');
  return found.sort((a, b) => a.start - b.start);
}

/**
 * The longest prefix of the candidate that parses, shortening only by trailing punctuation: a
 * `*` may end a glob or be Markdown emphasis, a `)` may close a `(` in the URL or the text.
 */
function parseLongest(
  raw: string,
  options: ParseOptions,
): { text: string; reference: DandiReference | PendingReference } | undefined {
  for (let text = raw; text.length > 0; text = text.slice(0, -1)) {
    try {
      return { text, reference: parseReferenceOffline(text, options) };
    } catch {
      if (!TRAILING.test(text)) return undefined;
    }
  }
  return undefined;
}

/** Drops the trailing punctuation that cannot end a URL here: a `)` with no `(` in the URL. */
function trimUrl(url: string): string {
  let text = url;
  while (TRAILING.test(text)) {
    const last = text[text.length - 1];
    if (last === '*' || (last === ')' && count(text, '(') >= count(text, ')'))) break;
    text = text.slice(0, -1);
  }
  return text;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/**
 * `DANDI:000728[/version]` for the known prefixes (and the extra instances'), longest first so
 * `EMBER-DANDI:` is not read as `DANDI:`. The prefix must start a word: `foo-DANDI:000001` is not one.
 */
function shortPattern(options: ParseOptions): RegExp {
  const prefixes = [...KNOWN_INSTANCES, ...(options.instances ?? [])]
    .map(i => i.prefix)
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  return new RegExp(
    `(?<![\\w./:-])(?:${prefixes.join('|')}):\\d+(?:/(?:\\d+\\.\\d+\\.\\d+|draft)(?![\\w-]))?(?![\\w-]|/\\w)`,
    'gi',
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
