import * as assert from 'node:assert/strict';
import { scanManifest, splitDelimited } from '../../../src/manifest/manifest';

const ASSET = '0a3c2d1e-6f4b-4e5a-9b8c-7d6e5f4a3b2c';
const web = (path: string) =>
  `https://dandiarchive.org/dandiset/000020/draft/files?location=${encodeURIComponent(path)}`;
const api = (id: string) =>
  `https://api.dandiarchive.org/api/dandisets/000020/versions/draft/assets/${id}/download/`;

describe('manifest references', () => {
  it('splits CSV by its quoting rules: delimiters, doubled quotes and newlines inside quotes', () => {
    const rows = splitDelimited('a,b,c\n"x, y","say ""hi""","two\nlines"\r\nlast,,\n', ',');
    assert.deepEqual(
      rows.map(r => r.map(c => c.value)),
      [
        ['a', 'b', 'c'],
        ['x, y', 'say "hi"', 'two\nlines'],
        ['last', '', ''],
      ],
    );
    assert.deepEqual(
      rows.map(r => r.map(c => c.line)),
      [
        [1, 1, 1],
        [2, 2, 2],
        [4, 4, 4],
      ],
    );
  });

  it('reads a PatchSeq-shaped CSV: the archive_uri column, each with its row label and line', () => {
    const csv = [
      'cell_specimen_id,cell_specimen_name,file_type,archive,archive_uri',
      `601506507,"Sst-IRES-Cre;Ai14-337419.03.01.01",nwb,DANDI,${web('sub-599387254/sub-599387254_ses-601506492_icephys.nwb')}`,
      `601790961,"Pvalb-IRES-Cre;Ai14, 338129.04.02.01",nwb,DANDI,"${api(ASSET)}"`,
      '601808698,Vip-IRES-Cre;Ai14-338390.03.02.01,nwb,DANDI,',
    ].join('\n');
    const scan = scanManifest(csv);
    assert.equal(scan.format, 'csv');
    assert.deepEqual(
      scan.references.map(r => [r.line, r.label, r.reference.dandisetId, r.reference.kind]),
      [
        [2, 'cell_specimen_id=601506507', '000020', 'folder'],
        [3, 'cell_specimen_id=601790961', '000020', 'asset-id'],
      ],
    );
    assert.equal(scan.references[1]?.reference.assetId, ASSET);
    assert.equal(
      scan.references[0]?.reference.path,
      'sub-599387254/sub-599387254_ses-601506492_icephys.nwb/',
    );
  });

  it('reads TSV, and lists a reference written twice once', () => {
    const tsv = [
      'specimen\tarchive_uri',
      `a\t${api(ASSET)}`,
      `b\tDANDI:000020/draft`,
      `c\t${api(ASSET)}`,
    ].join('\n');
    const scan = scanManifest(tsv);
    assert.equal(scan.format, 'tsv');
    assert.deepEqual(
      scan.references.map(r => [r.text, r.line]),
      [
        [api(ASSET), 2],
        ['DANDI:000020/draft', 3],
      ],
    );
    assert.equal(scan.duplicates, 1);
  });

  it('reads a plain list of URLs and any prose, with line numbers', () => {
    const text = `Files for the figure:\n\n${api(ASSET)}\nsee also DANDI:000020/0.210913.1639, and ${api(ASSET)}.\nno reference here\n`;
    const scan = scanManifest(text);
    assert.equal(scan.format, 'text');
    assert.deepEqual(
      scan.references.map(r => [r.text, r.line, r.reference.version]),
      [
        [api(ASSET), 3, 'draft'],
        ['DANDI:000020/0.210913.1639', 4, '0.210913.1639'],
      ],
    );
    assert.equal(scan.duplicates, 1);
  });

  it('finds nothing in text without references, and does not take a sentence with commas for CSV', () => {
    assert.deepEqual(scanManifest('').references, []);
    const scan = scanManifest('Hello, world\nThis is, in fact, prose.\nNo DANDI here');
    assert.equal(scan.format, 'text');
    assert.deepEqual(scan.references, []);
  });
});
