/**
 * One open NWB (or plain HDF5 or Zarr) file with its NWB semantics: the reader with its caches, the type
 * registry and the version. Everything under src/nwb takes this object.
 */
import type { NwbBackend } from './backend';
import { OverviewRefiner } from './overviewRefiner';
import type { OverviewStore } from './overviewStore';
import { NwbReader, valueToStrings } from './reader';
import { TypeRegistry } from './schema';
import { detectNwbVersion } from './version';

export interface NwbLimits {
  /** Largest number of elements one view reads (the `dandi.viewer.maxSliceElements` setting). */
  maxElements: number;
}

export const DEFAULT_LIMITS: NwbLimits = { maxElements: 4_000_000 };

export interface NwbFileOptions {
  /** Where finished overview pyramids are kept between opens (none: in memory only). */
  overviewStore?: OverviewStore;
}

export class NwbFile {
  readonly reader: NwbReader;
  readonly types: TypeRegistry;
  /** Exact overviews of long series, refined in the background (see overviewRefiner.ts). */
  readonly overviews: OverviewRefiner;
  private _version: Promise<string | null> | null = null;

  constructor(
    readonly h5: NwbBackend,
    readonly limits: NwbLimits = DEFAULT_LIMITS,
    options: NwbFileOptions = {},
  ) {
    this.reader = new NwbReader(h5, limits.maxElements);
    this.types = new TypeRegistry(this.reader);
    this.overviews = new OverviewRefiner(
      this.reader,
      () => h5.info.identity,
      limits.maxElements,
      options.overviewStore ?? null,
    );
  }

  version(): Promise<string | null> {
    this._version ??= detectNwbVersion(this.reader);
    return this._version;
  }

  /**
   * The most specific type of an object: `neurodata_type`, or for NWB 1.x files (where
   * `neurodata_type` is `TimeSeries` for every series) the last entry of `ancestry`.
   */
  async typeOf(path: string): Promise<string | undefined> {
    const entry = await this.reader.entry(path);
    if (!entry) return undefined;
    if (entry.neurodataType === 'TimeSeries' || entry.neurodataType === undefined) {
      const ancestry = valueToStrings(await this.reader.attr(path, 'ancestry').catch(() => undefined));
      if (ancestry.length) return ancestry[ancestry.length - 1];
    }
    return entry.neurodataType;
  }

  /** The type and its ancestors (empty when the object has no type). */
  async chainOf(path: string): Promise<string[]> {
    const type = await this.typeOf(path);
    return type ? this.types.chain(type) : [];
  }

  async isA(path: string, ancestor: string): Promise<boolean> {
    return (await this.chainOf(path)).includes(ancestor);
  }
}
