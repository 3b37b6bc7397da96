/**
 * Which view shows an object, read from the table in ./viewRegistry.ts: by neurodata_type through
 * the inheritance chain (so extension types get their ancestors' views), by structure for untyped
 * objects, minus the views the data cannot feed; the raw group/dataset view is always offered last.
 */
import type { H5Entry } from '../hdf5/types';
import type { ViewKind, ViewResolution } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath } from './reader';
import { VIEWS, type ViewEntry, type ViewProbe } from './viewRegistry';

/** The kinds in table order (the order of alternatives). */
const KINDS = Object.keys(VIEWS) as ViewKind[];
const entryOf = (kind: ViewKind): ViewEntry => VIEWS[kind];

export async function resolveView(nwb: NwbFile, path: string): Promise<ViewResolution> {
  const entry = await nwb.reader.entry(path);
  if (!entry) {
    const raw = await nwb.h5.entry(path).catch(() => null);
    if (raw && raw.kind !== 'group' && raw.kind !== 'dataset') {
      throw new Error(
        `${path} is a ${raw.kind === 'externalLink' ? 'link into another file' : 'broken link'} (→ ${raw.target ?? '?'})`,
      );
    }
    throw new Error(`${path} does not exist`);
  }
  const type = await nwb.typeOf(path);
  const inheritance = type ? await nwb.types.chain(type) : [];
  const probe = new Probe(nwb, path, entry);
  let candidates = KINDS.filter(kind => entryOf(kind).types?.some(t => inheritance.includes(t)));
  if (candidates.length === 0) candidates = await filterKinds(KINDS, kind => entryOf(kind).untyped?.(probe));
  probe.candidates = candidates;
  const views = await filterKinds(
    candidates,
    kind => entryOf(kind).accepts?.(probe) ?? Promise.resolve(true),
  );
  // Anything that is not a dataset (a group, a named datatype) gets the group view.
  const rawKind = entry.kind === 'dataset' ? 'dataset' : 'group';
  const raw = KINDS.filter(kind => entryOf(kind).raw === rawKind);
  const all = [...new Set([...views, ...raw])];
  return { path, view: all[0], neurodataType: type, inheritance, alternatives: all.slice(1) };
}

/** The kinds whose predicate holds, in order; predicates run one at a time (each may read the file). */
async function filterKinds(
  kinds: readonly ViewKind[],
  predicate: (kind: ViewKind) => Promise<boolean> | undefined,
): Promise<ViewKind[]> {
  const out: ViewKind[] = [];
  for (const kind of kinds) if (await predicate(kind)) out.push(kind);
  return out;
}

/** The object being resolved, with what the predicates ask read once. */
class Probe implements ViewProbe {
  candidates: readonly ViewKind[] = [];
  private _data: Promise<{ shape: number[]; dtypeClass: string } | null> | null = null;

  constructor(
    readonly nwb: NwbFile,
    readonly path: string,
    readonly entry: H5Entry,
  ) {}

  data(): Promise<{ shape: number[]; dtypeClass: string } | null> {
    this._data ??= (async () => {
      const data = await this.nwb.reader.entry(joinPath(this.path, 'data'));
      if (data?.kind !== 'dataset') return null;
      return {
        shape: data.shape ?? [],
        dtypeClass: (await this.nwb.reader.datasetInfo(data.path)).dtype.class,
      };
    })();
    return this._data;
  }
}
