/**
 * What hdf5Peers.bench.ts runs on both sides: the files it serves (targets), the work each side
 * does on them (a walk, or reads as the engine and as h5py do them), and the median of the runs.
 */
import { basename } from 'node:path';
import { servedAssets, type ArchiveProcess, type Counted } from './archiveProcess';
import type { PeerRead, PeerRequest } from './h5pyPeer';
import type { Hdf5File, Selection, SourceSpec } from '../src/hdf5/types';

export function median(runs: Counted[]): Counted {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
}

/** One piece of work, as the engine does it and as the peer does it. */
export interface Work {
  name: string;
  engine: (file: Hdf5File) => Promise<void>;
  peer: Pick<PeerRequest, 'op' | 'reads'>;
}

export interface Target {
  label: string;
  spec: SourceSpec;
  url: string;
  size: number;
  localPath: string;
}

export const walkWork = (label: string): Work => ({
  name: `walk ${label}`,
  engine: async file => {
    if ((await file.walk('/')).truncated) throw new Error(`the walk of ${label} was truncated`);
  },
  peer: { op: 'walk' },
});

/** Reads as the engine and as h5py do them: per dataset, `[start, stop]` per dimension or all. */
export function readWork(name: string, reads: PeerRead[]): Work {
  const selection = (bounds: [number, number][]): Selection => ({
    start: bounds.map(([a]) => a),
    count: bounds.map(([a, b]) => b - a),
  });
  return {
    name,
    engine: async file => {
      for (const [path, bounds] of reads) {
        if (!bounds) await file.read(path);
        else {
          // Clipped to the shape, as h5py's slicing is (DfOverF[:1000] of 200 rows reads 200).
          const { shape } = await file.datasetInfo(path);
          await file.read(path, selection(bounds.map(([a, b], d) => [a, Math.min(b, shape[d])])));
        }
      }
    },
    peer: { op: 'read', reads },
  };
}

/** The assets of a Dandiset on the stand-in archive, by file name. */
export async function blobUrls(
  archive: ArchiveProcess,
  dandiset: string,
): Promise<Map<string, { spec: SourceSpec; url: string; size: number }>> {
  const assets = await servedAssets(archive, dandiset);
  return new Map(assets.map(({ path, spec, url, size }) => [basename(path), { spec, url, size }]));
}
