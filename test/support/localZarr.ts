/**
 * A local Zarr v2 folder as a {@link ZarrReader}, on zarrita, for the NWB-Zarr adapter's tests
 * until the extension's own reader (src/zarr, built on its own branch) is merged. Metadata comes
 * from `.zmetadata` when present, else from each `.zarray`/`.zattrs`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as zarr from 'zarrita';
import type { ZarrJson, ZarrNodeInfo, ZarrReader, ZarrSelection, ZarrValues } from '../../src/zarr/types';

type JsonObject = { [key: string]: ZarrJson };

/** numcodecs' vlen-bytes, which zarrita lacks: the same layout as vlen-utf8. */
class VLenBytes {
  kind = 'array_to_bytes' as const;
  constructor(private readonly shape: number[]) {}
  static fromConfig(_: unknown, meta: { shape: number[] }) {
    return new VLenBytes(meta.shape);
  }
  encode(): never {
    throw new Error('vlen-bytes: read only');
  }
  decode(bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const data: string[] = new Array(view.getUint32(0, true));
    let pos = 4;
    for (let i = 0; i < data.length; i++) {
      const n = view.getUint32(pos, true);
      pos += 4;
      data[i] = new TextDecoder().decode(bytes.subarray(pos, pos + n));
      pos += n;
    }
    const stride = this.shape.map((_, i) => this.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    return { data, shape: this.shape, stride };
  }
}
zarr.registry.set('numcodecs.vlen-bytes', () => Promise.resolve(VLenBytes as never));

export class LocalZarrReader implements ZarrReader {
  readonly label: string;
  readonly consolidated: boolean;
  requests = 0;
  bytesFetched = 0;
  private readonly meta: Record<string, JsonObject>;
  /** What zarrita reads keys from: a file per key under the root (missing keys are absent). */
  private readonly store: { get(key: string): Promise<Uint8Array | undefined> };

  constructor(private readonly root: string) {
    this.label = root;
    this.store = {
      get: async (key: string) => {
        try {
          return new Uint8Array(readFileSync(join(root, key.replace(/^\/+/, ''))));
        } catch {
          return undefined;
        }
      },
    };
    const consolidated = this.file('.zmetadata');
    this.consolidated = consolidated !== undefined;
    this.meta = consolidated ? ((consolidated as JsonObject).metadata as Record<string, JsonObject>) : {};
  }

  private file(key: string): JsonObject | undefined {
    try {
      const text = readFileSync(join(this.root, key), 'utf8');
      this.requests++;
      this.bytesFetched += text.length;
      return JSON.parse(text) as JsonObject;
    } catch {
      return undefined;
    }
  }

  private metadata(key: string): JsonObject | undefined {
    if (this.consolidated) return this.meta[key];
    return this.file(key);
  }

  async node(path: string): Promise<ZarrNodeInfo | null> {
    const prefix = path ? `${path}/` : '';
    const attributes = this.metadata(`${prefix}.zattrs`) ?? {};
    const array = this.metadata(`${prefix}.zarray`);
    if (array) {
      const filters = Array.isArray(array.filters) ? (array.filters as JsonObject[]) : [];
      const compressor = array.compressor as JsonObject | null;
      const codecs = [...filters.map(f => String(f.id)), ...(compressor ? [String(compressor.id)] : [])];
      return {
        kind: 'array',
        path,
        zarrFormat: 2,
        shape: array.shape as number[],
        chunks: array.chunks as number[],
        dtype: typeof array.dtype === 'string' ? array.dtype : JSON.stringify(array.dtype),
        fillValue: array.fill_value,
        codecs,
        unreadable: codecs.includes('pickle') ? 'Pickle: cannot be read outside Python' : undefined,
        attributes,
      };
    }
    if (this.metadata(`${prefix}.zgroup`)) return { kind: 'group', path, zarrFormat: 2, attributes };
    return null;
  }

  async children(path: string): Promise<ZarrNodeInfo[]> {
    const dir = join(this.root, path);
    const names = readdirSync(dir)
      .filter(n => !n.startsWith('.') && statSync(join(dir, n)).isDirectory())
      .sort();
    const nodes = await Promise.all(names.map(n => this.node(path ? `${path}/${n}` : n)));
    return nodes.filter((n): n is ZarrNodeInfo => n !== null);
  }

  async read(path: string, selection: ZarrSelection): Promise<{ shape: number[]; values: ZarrValues }> {
    const array = await zarr.open.v2(zarr.root(this.store as never).resolve(path), { kind: 'array' });
    const sel = selection.map(s =>
      s === null ? null : typeof s === 'number' ? s : zarr.slice(s.start, s.stop, s.step ?? 1),
    );
    const chunk = await zarr.get(array, sel);
    const data = chunk.data as unknown;
    const values =
      data instanceof zarr.BoolArray
        ? new Uint8Array(Array.from(data, v => (v ? 1 : 0)))
        : ArrayBuffer.isView(data)
          ? (data as ZarrValues)
          : Array.from(data as Iterable<ZarrJson>);
    return { shape: chunk.shape, values };
  }

  async close(): Promise<void> {}
}
