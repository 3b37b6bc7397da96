import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReferenceOffline } from '../../../src/dandi/references';
import type { DandiInstance } from '../../../src/dandi/types';
import { findDandiReferences, type FoundReference } from '../../../src/references/scanner';

interface UrlCase {
  url: string;
  glob_mode: boolean;
  expected: { error?: string };
}

const FIXTURES = join(process.cwd(), '..', 'shared', 'fixtures', 'dandi-api');
const cases: UrlCase[] = JSON.parse(readFileSync(join(FIXTURES, 'dandi-url-cases.json'), 'utf8'));

/** The ways people write a reference into a file; `@` is where the reference goes. */
const CONTEXTS: Record<string, string> = {
  prose: 'The data are at @. We used them.',
  'prose, comma': 'See @, then the code.',
  parentheses: 'the session (@) was chosen',
  'double quotes': 'url = "@"\n',
  'single quotes': "load('@')",
  'Markdown link': '[the Dandiset](@) has it',
  'Markdown autolink': 'Go to <@>.',
  'Markdown bold': 'This is **@** here',
  'CSV cell': 'id,archive_uri,size\n1,@,2048\n',
  'TSV cell': 'id\tarchive_uri\n1\t@\n',
  'JSON string': '{"dataset": "@", "n": 3}',
  'LaTeX url': 'see \\url{@} and \\href{@}{the data}.',
  'BibTeX field': '@misc{x,\n  howpublished = {@},\n}',
  'Python comment': '# source: @\nx = 1',
  'line end': 'first line\n@',
};

/** Where `@` stands in the context, in order. */
function slots(context: string, url: string): { text: string; starts: number[] } {
  const starts: number[] = [];
  let text = '';
  for (const [i, part] of context.split('@').entries()) {
    if (i > 0) {
      starts.push(text.length);
      text += url;
    }
    text += part;
  }
  return { text, starts };
}

/** BibTeX's `@misc` is part of the context, not a slot. */
function slotsOf(context: string, url: string): { text: string; starts: number[] } {
  if (!context.startsWith('@misc')) return slots(context, url);
  const rest = slots(context.slice(1), url);
  return { text: `@${rest.text}`, starts: rest.starts.map(s => s + 1) };
}

describe('findDandiReferences', () => {
  describe('every dandi-url-cases.json reference, inside free text', () => {
    for (const c of cases) {
      const expected = (() => {
        try {
          return parseReferenceOffline(c.url, { globMode: c.glob_mode });
        } catch {
          return undefined;
        }
      })();
      for (const [name, context] of Object.entries(CONTEXTS)) {
        it(`${expected ? 'finds' : 'ignores'} ${c.url} (${name})`, () => {
          const { text, starts } = slotsOf(context, c.url);
          const found = findDandiReferences(text, { globMode: c.glob_mode });
          if (!expected) {
            assert.deepEqual(found, [], `${c.url} is not a reference (${c.expected.error})`);
            return;
          }
          assert.deepEqual(
            found.map(f => [f.start, f.end]),
            starts.map(s => [s, s + c.url.length]),
            `range of ${c.url} in ${JSON.stringify(text)}`,
          );
          for (const f of found) {
            assert.equal(text.slice(f.start, f.end), f.text);
            assert.deepEqual(f.reference, expected);
          }
        });
      }
    }
  });

  it('tells the forms apart (a pin rewrites a reference in its own form)', () => {
    const text = [
      'DANDI:000728/draft',
      'doi:10.48324/dandi.000728/0.240827.1809',
      'https://doi.org/10.48324/dandi.000728/0.240827.1809',
      'dandi://dandi/000728@draft/sub-01/',
      'https://dandiarchive.org/dandiset/000728/draft',
    ].join(' ; ');
    assert.deepEqual(
      findDandiReferences(text).map(f => [f.text, f.form]),
      [
        ['DANDI:000728/draft', 'short'],
        ['doi:10.48324/dandi.000728/0.240827.1809', 'doi'],
        ['https://doi.org/10.48324/dandi.000728/0.240827.1809', 'url'],
        ['dandi://dandi/000728@draft/sub-01/', 'dandi-url'],
        ['https://dandiarchive.org/dandiset/000728/draft', 'url'],
      ],
    );
  });

  it('finds bare DOIs in BibTeX and prose, with or without a version', () => {
    const bib =
      '@misc{d,\n  doi = {10.48324/dandi.000728/0.240827.1809},\n  note = {10.48324/dandi.000027}\n}';
    const found = findDandiReferences(bib);
    assert.deepEqual(
      found.map(f => [f.text, f.reference.dandisetId, f.reference.version]),
      [
        ['10.48324/dandi.000728/0.240827.1809', '000728', '0.240827.1809'],
        ['10.48324/dandi.000027', '000027', null],
      ],
    );
  });

  it('reads short forms of every known instance, longest prefix first', () => {
    const found = findDandiReferences(
      'EMBER-DANDI:000029, dandi:000027/0.210831.2033 and LINC:000001/draft.',
    );
    assert.deepEqual(
      found.map(f => [f.text, f.reference.instance?.name, f.reference.version]),
      [
        ['EMBER-DANDI:000029', 'ember-dandi', null],
        ['dandi:000027/0.210831.2033', 'dandi', '0.210831.2033'],
        ['LINC:000001/draft', 'linc', 'draft'],
      ],
    );
  });

  it("recognises the extra instances' URLs (the active custom instance)", () => {
    const local: DandiInstance = {
      name: '127.0.0.1:4321',
      apiUrl: 'http://127.0.0.1:4321/api',
      webUrl: 'http://127.0.0.1:4322',
    };
    const found = findDandiReferences('open http://127.0.0.1:4322/dandiset/000123/draft now', {
      instances: [local],
    });
    assert.equal(found.length, 1);
    assert.equal(found[0].reference.instance?.apiUrl, local.apiUrl);
    assert.equal(found[0].reference.version, 'draft');
  });

  it('keeps a glob star and a balanced parenthesis, drops Markdown emphasis', () => {
    const glob = 'https://api.dandiarchive.org/api/dandisets/000003/versions/draft/assets/?glob=sub-*';
    const texts = (t: string): string[] => findDandiReferences(t).map(f => f.text);
    assert.deepEqual(texts(`[g](${glob})`), [glob]);
    assert.deepEqual(texts(`*https://dandiarchive.org/dandiset/000003*`), [
      'https://dandiarchive.org/dandiset/000003',
    ]);
    const paren = 'dandi://dandi/000003/sub-(1)/a.nwb';
    assert.deepEqual(texts(`(${paren})`), [paren]);
    assert.deepEqual(texts(`${paren}.`), [paren]);
  });

  it('finds nothing in ordinary code and prose', () => {
    const texts = [
      'DANDI is an archive; the DANDI archive holds 000728 and 000027.',
      'DANDI 000728, DANDI: 000728, DANDI-000728, dandi_000728',
      'x = {"DANDI": 123456, "id": "000728/0.240827.1809"}',
      'foo-DANDI:000001 myDANDI:000001 path/DANDI:000001 DANDI:000027x',
      'DANDI:27 DANDI:0000271 DANDI:000027/latest',
      'https://github.com/dandi/dandi-cli/blob/master/dandi/consts.py',
      'http://localhost:8000/api/info/ and https://dandiarchive.org/about',
      '10.1038/s41586-020-2649-2 and doi:10.5281/zenodo.000728 and 10.5072/dandi-like.000728',
      'time 12:000728 port localhost:000728',
      'mailto:someone@dandiarchive.org dandi://not-an-instance/000001',
    ];
    for (const text of texts) assert.deepEqual(findDandiReferences(text), [], text);
  });

  it('returns references in text order with ranges that slice back to them', () => {
    const text = 'See https://dandiarchive.org/dandiset/000728 (DANDI:000027) and 10.48324/dandi.000029.';
    const found: FoundReference[] = findDandiReferences(text);
    assert.deepEqual(
      found.map(f => text.slice(f.start, f.end)),
      ['https://dandiarchive.org/dandiset/000728', 'DANDI:000027', '10.48324/dandi.000029'],
    );
  });
});
