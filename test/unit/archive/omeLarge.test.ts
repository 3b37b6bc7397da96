import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OME_LARGE, pixelValue } from '../../archive/omeLargeImage';
import { OME_LARGE_ID, OME_LARGE_PATH } from '../../archive/seedOme';
import { ensureDebianPackages } from '../../support/debianPackages';
import { get, getJson, type PageBody, useArchive } from './helpers';

// Reads a window of a level with zarr-python 2 over the stand-in's blob host, by key only (a
// read-only mapping whose __getitem__ is one GET; 404 is a missing key, as for S3).
const READ_WINDOW = `
import json, sys, urllib.request, urllib.error, zarr
from collections.abc import MutableMapping
class ByKey(MutableMapping):
    def __init__(self, base): self.base, self.gets = base, 0
    def __getitem__(self, key):
        self.gets += 1
        try:
            with urllib.request.urlopen(self.base + key) as r: return r.read()
        except urllib.error.HTTPError as e:
            if e.code in (403, 404): raise KeyError(key)
            raise
    def __setitem__(self, k, v): raise PermissionError(k)
    def __delitem__(self, k): raise PermissionError(k)
    def __iter__(self): raise TypeError('listing is not allowed')
    def __len__(self): raise TypeError('listing is not allowed')
base, level, c, y0, y1, x0, x1 = sys.argv[1], *map(int, sys.argv[2:])
store = ByKey(base)
a = zarr.open_array(store, path=str(level), mode='r')
w = a[c, y0:y1, x0:x1]
print(json.dumps({"shape": list(a.shape), "chunks": list(a.chunks), "dtype": str(a.dtype),
                  "values": w.astype(int).ravel().tolist(), "gets": store.gets}))
`;

interface Window {
  shape: number[];
  chunks: number[];
  dtype: string;
  values: number[];
  gets: number;
}

function expected(level: number, c: number, y0: number, y1: number, x0: number, x1: number): number[] {
  const out: number[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.push(pixelValue(level, c, y, x));
  return out;
}

describe('stand-in archive: the large generated OME-Zarr (990011)', () => {
  const archive = useArchive();
  let base = '';

  before(async function () {
    this.timeout(600_000);
    ensureDebianPackages(['python3-zarr']);
    const a = archive();
    const page = await getJson<PageBody<{ path: string; zarr: string }>>(
      `${a.apiUrl}/dandisets/${OME_LARGE_ID}/versions/draft/assets/?zarr=true`,
    );
    const asset = page.results.find(r => r.path === OME_LARGE_PATH);
    assert.ok(asset, 'the large OME-Zarr asset is listed');
    base = `${a.blobOrigin}/zarr/${asset.zarr}/`;
  });

  // Asynchronous: the archive answers python from this same process.
  async function readWindow(
    level: number,
    c: number,
    y0: number,
    y1: number,
    x0: number,
    x1: number,
  ): Promise<Window> {
    const args = [base, level, c, y0, y1, x0, x1].map(String);
    const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', READ_WINDOW, ...args], {
      encoding: 'utf8',
    });
    return JSON.parse(stdout) as Window;
  }

  it('serves NGFF 0.4 multiscales with 7 levels in .zattrs and .zmetadata', async () => {
    // The blob host answers like S3 (binary/octet-stream): parse the text.
    const attrs = JSON.parse((await get(`${base}.zattrs`)).text) as {
      multiscales: { version: string; datasets: { path: string }[] }[];
    };
    assert.equal(attrs.multiscales[0]?.version, '0.4');
    assert.deepEqual(
      attrs.multiscales[0]?.datasets.map(d => d.path),
      ['0', '1', '2', '3', '4', '5', '6'],
    );
    const consolidated = JSON.parse((await get(`${base}.zmetadata`)).text) as {
      metadata: Record<string, unknown>;
    };
    assert.ok(consolidated.metadata['6/.zarray']);
    const absent = (await get(`${base}0/0/40/0`)).status;
    assert.ok(absent === 403 || absent === 404, `a chunk past the last row is absent like on S3 (${absent})`);
  });

  it('zarr-python decodes a full-resolution window across four chunks to the generator values', async function () {
    this.timeout(60_000);
    const w = await readWindow(0, 1, 500, 530, 500, 530);
    assert.deepEqual(w.shape, [3, OME_LARGE.size, OME_LARGE.size]);
    assert.deepEqual(w.chunks, [1, 512, 512]);
    assert.equal(w.dtype, 'uint16');
    assert.deepEqual(w.values, expected(0, 1, 500, 530, 500, 530));
    // The grid lines meet at (512, 512): the window holds both values.
    assert.ok(w.values.includes(60000) && w.values.includes(2000));
    assert.equal(w.gets, 6, '.zarray, the absent array .zattrs and the four chunks the window touches');
  });

  it('zarr-python decodes every channel of a coarse level, edge chunk included', async function () {
    this.timeout(60_000);
    for (const c of [0, 2]) {
      const w = await readWindow(4, c, 1000, 1280, 1200, 1280);
      assert.deepEqual(w.shape, [3, 1280, 1280]);
      assert.deepEqual(w.values, expected(4, c, 1000, 1280, 1200, 1280));
    }
  });
});
