/**
 * Type inheritance and documentation. Parents of core/hdmf-common types come from a built-in
 * table; the schemas embedded under `/specifications/<namespace>/<version>/<source>` (JSON, or
 * YAML from some writers) extend it, so extension types (ndx-pose `PoseEstimationSeries` →
 * `SpatialSeries` → `TimeSeries`) get the views of their ancestors. Schemas are read once per
 * document, and only when a type is not in the built-in table or its docs are asked for.
 */
import { parse as parseYaml } from 'yaml';
import type { TypeDoc } from '../shared/protocol';
import { BUILTIN_PARENTS, builtinNamespace } from './builtinTypes';
import { joinPath, type NwbReader, valueToText } from './reader';

/** A spec node (group, dataset, attribute or link) as written in the schema files. */
interface SpecNode {
  name?: string;
  doc?: string;
  neurodata_type_def?: string;
  neurodata_type_inc?: string;
  data_type_def?: string;
  data_type_inc?: string;
  target_type?: string;
  groups?: SpecNode[];
  datasets?: SpecNode[];
  attributes?: SpecNode[];
  links?: SpecNode[];
}

interface TypeSpec {
  name: string;
  namespace: string;
  parent?: string;
  doc: string;
  fields: TypeDoc['fields'];
}

export class TypeRegistry {
  private readonly _specs = new Map<string, TypeSpec>();
  private _namespaces: { name: string; version: string }[] = [];
  private _loaded: Promise<void> | null = null;

  constructor(private readonly _reader: NwbReader) {}

  /** Namespaces embedded in the file, e.g. `[{name: 'ndx-pose', version: '0.2.0'}]`. */
  async namespaces(): Promise<{ name: string; version: string }[]> {
    await this._load();
    return this._namespaces;
  }

  /** The type followed by its ancestors; uses only the built-in table when it knows the whole chain. */
  async chain(type: string): Promise<string[]> {
    if (!this._builtinChainComplete(type)) await this._load();
    const out: string[] = [];
    let current: string | undefined = type;
    while (current && !out.includes(current)) {
      out.push(current);
      current = this._specs.get(current)?.parent ?? BUILTIN_PARENTS[current] ?? undefined;
    }
    return out;
  }

  async inheritsFrom(type: string, ancestor: string): Promise<boolean> {
    return (await this.chain(type)).includes(ancestor);
  }

  /** Docs of the type and its ancestors, most specific first. */
  async docs(type: string): Promise<TypeDoc[]> {
    await this._load();
    const chain = await this.chain(type);
    return chain.map(name => {
      const spec = this._specs.get(name);
      if (spec)
        return {
          neurodataType: name,
          namespace: spec.namespace,
          doc: spec.doc,
          parent: spec.parent,
          fields: spec.fields,
        };
      const parent = BUILTIN_PARENTS[name] ?? undefined;
      return {
        neurodataType: name,
        namespace: builtinNamespace(name),
        doc: '(no embedded schema for this type)',
        parent,
        fields: [],
      };
    });
  }

  private _builtinChainComplete(type: string): boolean {
    let current: string | null | undefined = type;
    for (let i = 0; i < 20 && current; i++) {
      if (!(current in BUILTIN_PARENTS)) return false;
      current = BUILTIN_PARENTS[current];
    }
    return true;
  }

  private _load(): Promise<void> {
    this._loaded ??= this._readSpecifications().catch(() => {
      // A file with unreadable specs still works with the built-in table.
    });
    return this._loaded;
  }

  private async _readSpecifications(): Promise<void> {
    const root = await this._reader.entry('/specifications');
    if (!root || root.kind !== 'group') return;
    for (const ns of await this._reader.list('/specifications')) {
      if (ns.kind !== 'group') continue;
      const versions = (await this._reader.list(ns.path)).filter(v => v.kind === 'group');
      const latest = versions.sort((a, b) => compareVersions(b.name, a.name))[0];
      if (!latest) continue;
      this._namespaces.push({ name: ns.name, version: latest.name });
      const sources = (await this._reader.list(latest.path)).filter(
        source => source.kind === 'dataset' && source.name !== 'namespace',
      );
      // Read together (a Zarr store holds each source in its own object: one round trip each),
      // added in listing order.
      const docs = await Promise.all(
        sources.map(source =>
          this._reader
            .scalar(joinPath(latest.path, source.name))
            .then(value => parseSpecText(valueToText(value)))
            // One unreadable source file must not hide the others.
            .catch(() => undefined),
        ),
      );
      for (const doc of docs) this._addSource(ns.name, doc);
    }
  }

  private _addSource(namespace: string, doc: unknown): void {
    if (typeof doc !== 'object' || doc === null) return;
    const visit = (node: SpecNode) => {
      const def = node.neurodata_type_def ?? node.data_type_def;
      if (def) {
        this._specs.set(def, {
          name: def,
          namespace,
          parent: node.neurodata_type_inc ?? node.data_type_inc,
          doc: node.doc ?? '',
          fields: fieldsOf(node),
        });
      }
      for (const child of [...(node.groups ?? []), ...(node.datasets ?? [])]) visit(child);
    };
    const top = doc as SpecNode;
    for (const node of [...(top.groups ?? []), ...(top.datasets ?? [])]) visit(node);
  }
}

function fieldsOf(node: SpecNode): TypeDoc['fields'] {
  const out: TypeDoc['fields'] = [];
  const add = (list: SpecNode[] | undefined, kind: TypeDoc['fields'][number]['kind']) => {
    for (const n of list ?? []) {
      const name = n.name ?? `<${n.neurodata_type_inc ?? n.data_type_inc ?? n.target_type ?? '?'}>`;
      out.push({ name, doc: n.doc ?? '', kind });
    }
  };
  add(node.attributes, 'attribute');
  add(node.datasets, 'dataset');
  add(node.groups, 'group');
  add(node.links, 'link');
  return out;
}

/** Schema sources are JSON (pynwb, MatNWB) or YAML (some older writers). */
export function parseSpecText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return JSON.parse(trimmed);
  return parseYaml(trimmed);
}

/** Orders `2.10.0` after `2.9.0`; non-numeric parts compare as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const c = !Number.isNaN(nx) && !Number.isNaN(ny) && x !== '' && y !== '' ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}
