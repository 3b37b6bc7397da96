import { assetSize, type StoredAsset, type StoredVersion } from './model';

/** The asset-path tree of a version (the `paths` and atpath endpoints), rebuilt when the version changes. */

export interface PathNode {
  path: string;
  aggregateFiles: number;
  aggregateSize: number;
  /** Set for files. */
  asset: StoredAsset | null;
  /** Full paths of direct children; sorted on demand. */
  children: string[];
  sorted: boolean;
}

export interface PathIndex {
  nodes: Map<string, PathNode>;
  root: PathNode;
}

const cache = new WeakMap<StoredVersion, { generation: number; index: PathIndex }>();

function node(nodes: Map<string, PathNode>, path: string): PathNode {
  let n = nodes.get(path);
  if (!n) {
    n = { path, aggregateFiles: 0, aggregateSize: 0, asset: null, children: [], sorted: true };
    nodes.set(path, n);
  }
  return n;
}

export function pathIndex(v: StoredVersion): PathIndex {
  const hit = cache.get(v);
  if (hit && hit.generation === v.generation) return hit.index;
  const nodes = new Map<string, PathNode>();
  const root: PathNode = {
    path: '',
    aggregateFiles: 0,
    aggregateSize: 0,
    asset: null,
    children: [],
    sorted: true,
  };
  for (const asset of v.assets) {
    const size = assetSize(asset);
    root.aggregateFiles++;
    root.aggregateSize += size;
    const parts = asset.path.split('/');
    let parent = root;
    for (let i = 0; i < parts.length; i++) {
      const path = parts.slice(0, i + 1).join('/');
      const isNew = !nodes.has(path);
      const n = node(nodes, path);
      if (isNew) {
        parent.children.push(path);
        parent.sorted = false;
      }
      n.aggregateFiles++;
      n.aggregateSize += size;
      if (i === parts.length - 1) n.asset = asset;
      parent = n;
    }
  }
  const index = { nodes, root };
  cache.set(v, { generation: v.generation, index });
  return index;
}

/** Byte order, as PostgreSQL's "C" collation sorts paths (A-Z before a-z). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function childrenOf(n: PathNode): string[] {
  if (!n.sorted) {
    n.children.sort(byteOrder);
    n.sorted = true;
  }
  return n.children;
}
