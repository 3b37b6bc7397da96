import { createHash } from 'node:crypto';
import { pseudoRandomBytes, seedOf } from './content';
import { type StoredZarr, type ZarrEntry } from './model';

/** dandi-zarr-checksum (dandi-api.md 3.3): `<md5>-<file count>--<total bytes>` over a tree. */
export interface ZarrFileDigest {
  /** Key relative to the Zarr root, `/`-separated. */
  key: string;
  md5: string;
  size: number;
}

interface DirNode {
  files: Map<string, { md5: string; size: number }>;
  dirs: Map<string, DirNode>;
}

interface DirChecksum {
  digest: string;
  count: number;
  size: number;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checksumOf(node: DirNode): DirChecksum {
  const directories: { digest: string; name: string; size: number }[] = [];
  const files: { digest: string; name: string; size: number }[] = [];
  let count = 0;
  let size = 0;
  for (const name of [...node.dirs.keys()].sort(byName)) {
    const sub = checksumOf(node.dirs.get(name) as DirNode);
    directories.push({ digest: sub.digest, name, size: sub.size });
    count += sub.count;
    size += sub.size;
  }
  for (const name of [...node.files.keys()].sort(byName)) {
    const f = node.files.get(name) as { md5: string; size: number };
    files.push({ digest: f.md5, name, size: f.size });
    count += 1;
    size += f.size;
  }
  // Python's json.dumps(separators=(",", ":")) with keys in the order digest, name, size.
  const md5 = createHash('md5').update(JSON.stringify({ directories, files })).digest('hex');
  return { digest: `${md5}-${count}--${size}`, count, size };
}

export function zarrChecksum(files: readonly ZarrFileDigest[]): string {
  const root: DirNode = { files: new Map(), dirs: new Map() };
  for (const f of files) {
    const parts = f.key.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      let next = node.dirs.get(dir);
      if (!next) {
        next = { files: new Map(), dirs: new Map() };
        node.dirs.set(dir, next);
      }
      node = next;
    }
    node.files.set(parts[parts.length - 1] as string, { md5: f.md5, size: f.size });
  }
  return checksumOf(root).digest;
}

/** A small deterministic Zarr v2 tree: group attrs plus two chunked arrays. */
/** Total bytes of every generated Zarr tree. */
export const GENERATED_ZARR_SIZE = (() =>
  generateZarr('00000000-0000-4000-8000-000000000000', 'x', '000000').size)();

export function generateZarr(
  zarrId: string,
  name: string,
  dandisetId: string,
  embargoed = false,
): StoredZarr {
  const seed = seedOf(zarrId);
  const raw: [string, Buffer][] = [
    ['.zgroup', Buffer.from('{\n    "zarr_format": 2\n}')],
    // Same size for every generated Zarr, so listing totals are known before a tree is built.
    ['.zattrs', Buffer.from(JSON.stringify({ generator: 'dandi stand-in archive' }, null, 4))],
  ];
  for (const array of ['0', '1']) {
    const chunks = array === '0' ? ['0.0', '0.1', '1.0', '1.1'] : ['0.0'];
    raw.push([
      `${array}/.zarray`,
      Buffer.from(
        JSON.stringify(
          {
            chunks: [16, 16],
            compressor: null,
            dtype: '<u2',
            fill_value: 0,
            filters: null,
            order: 'C',
            shape: [32, 32],
            zarr_format: 2,
          },
          null,
          4,
        ),
      ),
    ]);
    chunks.forEach((c, i) =>
      raw.push([`${array}/${c}`, pseudoRandomBytes(seed + i + (array === '1' ? 100 : 0), 512)]),
    );
  }
  const entries: ZarrEntry[] = raw
    .map(([key, data]) => ({ key, data, md5: createHash('md5').update(data).digest('hex') }))
    .sort((a, b) => byName(a.key, b.key));
  const checksum = zarrChecksum(entries.map(e => ({ key: e.key, md5: e.md5, size: e.data.length })));
  const size = entries.reduce((n, e) => n + e.data.length, 0);
  return { zarrId, name, dandisetId, entries, checksum, size, embargoed };
}
