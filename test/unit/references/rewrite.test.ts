import * as assert from 'node:assert/strict';
import { parseReferenceOffline, type DandiReference } from '../../../src/dandi/references';
import type { VersionInfo } from '../../../src/dandi/types';
import { buildCard, cardMarkdown, citationOf } from '../../../src/references/card';
import type { ReferenceTarget } from '../../../src/references/lookup';
import { activeApiUrl, pinnedText } from '../../../src/references/rewrite';
import { findDandiReferences } from '../../../src/references/scanner';

const API = 'http://127.0.0.1:1234/api';
const pin = (text: string, version = '0.240827.1809') => {
  const [found] = findDandiReferences(text);
  assert.ok(found, `${text} is a reference`);
  return pinnedText(found, version);
};

describe('pinning a draft reference', () => {
  it('rewrites an explicit draft in the form it is written in', () => {
    const cases: [string, string][] = [
      ['DANDI:000728/draft', 'DANDI:000728/0.240827.1809'],
      ['dandi:000728/draft', 'dandi:000728/0.240827.1809'],
      ['10.48324/dandi.000728/draft', '10.48324/dandi.000728/0.240827.1809'],
      ['dandi://dandi/000728@draft', 'dandi://dandi/000728@0.240827.1809'],
      ['dandi://dandi/000728@draft/sub-01/a.nwb', 'dandi://dandi/000728@0.240827.1809/sub-01/a.nwb'],
      [
        'https://dandiarchive.org/dandiset/000728/draft',
        'https://dandiarchive.org/dandiset/000728/0.240827.1809',
      ],
      [
        'https://dandiarchive.org/dandiset/000728/draft/files?location=sub-01',
        'https://dandiarchive.org/dandiset/000728/0.240827.1809/files?location=sub-01',
      ],
      [
        'https://dandiarchive.org/#/dandiset/000728/draft/files?location=draft%2F',
        'https://dandiarchive.org/#/dandiset/000728/0.240827.1809/files?location=draft%2F',
      ],
      [
        'https://api.dandiarchive.org/api/dandisets/000728/versions/draft/assets/?path=draft',
        'https://api.dandiarchive.org/api/dandisets/000728/versions/0.240827.1809/assets/?path=draft',
      ],
    ];
    for (const [text, pinned] of cases) {
      assert.equal(pin(text), pinned, text);
      const reparsed = parseReferenceOffline(pinned) as DandiReference;
      const original = parseReferenceOffline(text) as DandiReference;
      assert.deepEqual({ ...reparsed, version: 'draft' }, original, `${pinned} names the same thing`);
    }
  });

  it('leaves published, unversioned and asset-id references alone', () => {
    for (const text of [
      'DANDI:000728',
      'DANDI:000728/0.240827.1809',
      'https://dandiarchive.org/dandiset/000728',
      'https://api.dandiarchive.org/api/dandisets/000003/versions/draft/assets/0a748f90-d497-4a9c-822e-9c63811db412/download/',
    ])
      assert.equal(pin(text), undefined, text);
  });
});

describe('the active-instance URL of a resolved reference', () => {
  const target = (text: string, extra: Partial<ReferenceTarget> = {}): ReferenceTarget => {
    const reference = parseReferenceOffline(text) as DandiReference;
    return {
      reference,
      dandisetId: reference.dandisetId,
      version: reference.version ?? '0.1.2',
      latestPublished: '0.1.2',
      ...extra,
    };
  };
  it('reads back as the same target on the active instance', () => {
    const instances = [{ name: 'local', apiUrl: API, webUrl: null }];
    const cases: [ReferenceTarget, Partial<DandiReference>][] = [
      [target('DANDI:000728'), { dandisetId: '000728', version: null, kind: 'dandiset' }],
      [target('DANDI:000728/draft'), { dandisetId: '000728', version: 'draft', kind: 'dandiset' }],
      [
        target('dandi://dandi/000728@draft/a b/', { folder: { path: 'a b', size: 1, files: 1 } }),
        { version: 'draft', kind: 'folder', path: 'a b/' },
      ],
      [
        target('dandi://dandi/000728/sub-01/x.nwb', {
          asset: { assetId: '0a748f90-d497-4a9c-822e-9c63811db412', path: 'sub-01/x.nwb', size: 1 },
        }),
        { version: '0.1.2', kind: 'asset-id', assetId: '0a748f90-d497-4a9c-822e-9c63811db412' },
      ],
    ];
    for (const [t, expected] of cases) {
      const url = activeApiUrl(t, API);
      const back = parseReferenceOffline(url, { instances }) as DandiReference;
      assert.equal(back.instance.apiUrl, API, url);
      for (const [key, value] of Object.entries(expected))
        assert.deepEqual(back[key as keyof DandiReference], value, `${key} of ${url}`);
    }
  });
});

describe('the hover card', () => {
  const info = (metadata: VersionInfo['metadata']): VersionInfo => ({
    version: '0.240827.1809',
    name: 'fallback name',
    asset_count: 12,
    size: 3_400_000_000,
    status: 'Valid',
    created: '2024-08-27T18:09:00Z',
    modified: '2024-08-28T10:00:00Z',
    metadata,
  });
  const target: ReferenceTarget = {
    reference: parseReferenceOffline('DANDI:000728/0.240827.1809') as DandiReference,
    dandisetId: '000728',
    version: '0.240827.1809',
    latestPublished: '0.250101.0000',
    asset: { assetId: 'a', path: 'sub-01/sub-01_ecephys.nwb', size: 2048 },
  };

  it('shows name, version and date, DOI, licence, size and files, species, approaches and the file', () => {
    const card = buildCard(
      target,
      info({
        name: 'Visual coding [2P]',
        doi: '10.48324/dandi.000728/0.240827.1809',
        license: ['spdx:CC-BY-4.0'],
        datePublished: '2024-08-27T18:09:00+00:00',
        assetsSummary: {
          numberOfBytes: 3_400_000_000,
          numberOfFiles: 12,
          species: [{ name: 'Mus musculus - House mouse' }],
          approach: [{ name: 'electrophysiological approach' }],
        },
      }),
      undefined,
      null,
    );
    const md = cardMarkdown(card, [{ label: 'Reveal', command: 'dandi.open', args: ['DANDI:000728'] }]);
    for (const part of [
      'Visual coding \\[2P\\]',
      'Version 0\\.240827\\.1809 · published 2024\\-08\\-27',
      '[10\\.48324/dandi\\.000728/0\\.240827\\.1809](https://doi.org/10.48324/dandi.000728/0.240827.1809)',
      'Licence: CC\\-BY\\-4\\.0 · 3\\.4 GB · 12 files',
      'Species: Mus musculus \\- House mouse',
      'Approaches: electrophysiological approach',
      'Version 0\\.250101\\.0000 is the latest published',
      'File sub\\-01/sub\\-01\\_ecephys\\.nwb · 2\\.0 KB · application/x\\-nwb',
      `[Reveal](command:dandi.open?${encodeURIComponent('["DANDI:000728"]')})`,
    ])
      assert.ok(md.includes(part), `${part}\nin\n${md}`);
  });

  it('escapes the server text so a name cannot become a link or a command', () => {
    const card = buildCard(
      target,
      info({ name: '[click](command:dandi.downloadReference?%5B%22x%22%5D) <img src=x>' }),
      undefined,
      null,
    );
    const md = cardMarkdown(card, []);
    // Every bracket and angle bracket of the name is backslash-escaped.
    assert.doesNotMatch(md, /(^|[^\\])\]\(command:/);
    assert.doesNotMatch(md, /(^|[^\\])<img/);
    assert.match(md, /\\\[click\\\]\\\(command:/);
  });

  it("copies the version's citation, or builds DANDI's from contributors, year, version and DOI", () => {
    assert.equal(citationOf(info({ citation: ' Given citation. ' }), target, null), 'Given citation.');
    assert.equal(
      citationOf(
        info({
          name: 'Visual coding',
          doi: '10.48324/dandi.000728/0.240827.1809',
          datePublished: '2024-08-27T18:09:00+00:00',
          contributor: [
            { name: 'Doe, Jane', schemaKey: 'Person', includeInCitation: true },
            { name: 'Lab', schemaKey: 'Organization', includeInCitation: true },
            { name: 'Roe, Rick', schemaKey: 'Person', includeInCitation: false },
            { name: 'Poe, Pat', schemaKey: 'Person' },
          ],
        }),
        target,
        null,
      ),
      'Doe, Jane; Poe, Pat (2024) Visual coding (Version 0.240827.1809) [Data set]. DANDI Archive. https://doi.org/10.48324/dandi.000728/0.240827.1809',
    );
  });
});
