/**
 * The DANDI references of a manifest: a CSV or TSV table (the PatchSeq release's `archive_uri`
 * column, any column holding references), a list of URLs, or any text. Tables are split into
 * cells by the CSV rules (quoted fields, doubled quotes, newlines inside quotes), so each reference
 * is known with its row and the row's first cell (its label, e.g. a `cell_specimen_id`); the
 * references themselves are found by the one scanner (src/references/scanner.ts). The same
 * reference written twice is listed once.
 */
import type { DandiReference, ParseOptions, PendingReference } from '../dandi/references';
import { findDandiReferences } from '../references/scanner';

export interface ManifestReference {
  /** The reference as written. */
  text: string;
  reference: DandiReference | PendingReference;
  /** 1-based line of the text where it is written. */
  line: number;
  /** For tables: the row's first cell, as `column=value`, when the reference is not in it. */
  label?: string;
}

export interface ManifestScan {
  format: 'csv' | 'tsv' | 'text';
  references: ManifestReference[];
  /** References written more than once, counted beyond their first time. */
  duplicates: number;
}

interface Cell {
  value: string;
  line: number;
}

/** Rows of delimited text by the CSV rules; each cell with the line it starts on. */
export function splitDelimited(text: string, delimiter: ',' | '\t'): Cell[][] {
  const rows: Cell[][] = [];
  let row: Cell[] = [];
  let value = '';
  let line = 1;
  let cellLine = 1;
  let quoted = false;
  let atCellStart = true;
  const endCell = () => {
    row.push({ value, line: cellLine });
    value = '';
    atCellStart = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        value += c;
      }
      continue;
    }
    if (atCellStart) cellLine = line;
    if (c === '"' && atCellStart) {
      quoted = true;
      atCellStart = false;
    } else if (c === delimiter) endCell();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endCell();
      if (row.some(cell => cell.value !== '')) rows.push(row);
      row = [];
      line++;
    } else {
      value += c;
      atCellStart = false;
    }
  }
  if (!atCellStart || row.length > 0) endCell();
  if (row.some(cell => cell.value !== '')) rows.push(row);
  return rows;
}

/**
 * TSV when the first line has tabs, CSV when its commas split most rows into as many cells as the
 * header; anything else is text.
 */
function formatOf(text: string): { format: ManifestScan['format']; rows?: Cell[][] } {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  for (const [format, delimiter] of [
    ['tsv', '\t'],
    ['csv', ','],
  ] as const) {
    if (!first.includes(delimiter)) continue;
    const rows = splitDelimited(text, delimiter);
    const width = rows[0]?.length ?? 0;
    const regular = rows.filter(r => r.length === width).length;
    if (width > 1 && rows.length > 1 && regular >= rows.length * 0.8) return { format, rows };
  }
  return { format: 'text' };
}

/** One key per thing referenced, whatever form it is written in. */
function referenceKey(reference: DandiReference | PendingReference): string {
  const where = reference.instance?.apiUrl ?? ('origin' in reference ? reference.origin : '');
  const { dandisetId, version, kind, path, assetId } = reference;
  return JSON.stringify([where, dandisetId, version, kind, path ?? null, assetId ?? null]);
}

export function scanManifest(text: string, options: ParseOptions = {}): ManifestScan {
  const { format, rows } = formatOf(text);
  const found: ManifestReference[] = [];
  if (rows) {
    const header = rows[0] ?? [];
    for (const row of rows.slice(1)) {
      const first = row[0]?.value ?? '';
      for (const [column, cell] of row.entries()) {
        for (const ref of findDandiReferences(cell.value, options)) {
          const item: ManifestReference = { text: ref.text, reference: ref.reference, line: cell.line };
          if (column > 0 && first) item.label = `${header[0]?.value || 'row'}=${first}`;
          found.push(item);
        }
      }
    }
  } else {
    const lineStarts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    // Binary search: a long list of URLs must not cost lines × references.
    const lineOf = (offset: number) => {
      let low = 0;
      let high = lineStarts.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if ((lineStarts[mid] ?? 0) <= offset) low = mid;
        else high = mid - 1;
      }
      return low + 1;
    };
    for (const ref of findDandiReferences(text, options))
      found.push({ text: ref.text, reference: ref.reference, line: lineOf(ref.start) });
  }
  const seen = new Set<string>();
  const references = found.filter(item => {
    const key = referenceKey(item.reference);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { format, references, duplicates: found.length - references.length };
}
