// Generates the fixtures into a temporary folder, reopens every NWB file with h5wasm and checks it
// against GENERATED_MANIFEST: NWB layout, typed objects, links, cached specs, every TimeSeries and
// table column, and every stored value against its formula.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GENERATED_MANIFEST,
  type GeneratedNwb,
  type NwbFileExpectation,
  type TableExpectation,
  type TimeSeriesExpectation,
  ensureGeneratedNwb,
} from '../../fixtures/nwbgen';
import { type File as H5File, Reference } from 'h5wasm/node';
import * as read from './readBack';

const {
  UUID,
  assertMatchesFormula,
  attr,
  dataset,
  group,
  numbers,
  openH5,
  refAttrTarget,
  strings,
  targetOf,
} = read;

const { ecephys, ophys, icephys, behavior } = GENERATED_MANIFEST;
const NWB_FILES: NwbFileExpectation[] = [ecephys, ophys, icephys, behavior];
const STANDARD_GROUPS = [
  'acquisition',
  'analysis',
  'processing',
  'stimulus/presentation',
  'stimulus/templates',
  'general/devices',
];

function checkSeries(file: H5File, s: TimeSeriesExpectation): void {
  const g = group(file, s.path);
  assert.equal(attr(g, 'neurodata_type'), s.neurodataType);
  assert.equal(attr(g, 'namespace'), s.namespace);
  assert.equal(attr(g, 'description'), s.description);
  const data = dataset(file, `${s.path}/data`);
  assert.equal(data.dtype, s.dtype, `${s.path}/data dtype`);
  assert.equal(attr(data, 'unit'), s.unit);
  assert.equal(attr(data, 'conversion'), s.conversion);
  assert.equal(attr(data, 'offset'), s.offset);
  assert.equal(attr(data, 'resolution'), s.resolution);
  if (s.gzip !== undefined) {
    assert.deepEqual(
      data.filters.map(f => [f.name, f.cd_values]),
      [['deflate', [s.gzip]]],
    );
    assert.deepEqual(data.metadata.chunks, s.chunks);
  }
  assertMatchesFormula(data, s.shape, s.data);
  const timing = s.timing;
  if (timing.kind === 'rate') {
    const start = dataset(file, `${s.path}/starting_time`);
    assert.deepEqual(numbers(start), [timing.startingTime]);
    assert.equal(attr(start, 'rate'), timing.rate);
    assert.equal(attr(start, 'unit'), 'seconds');
  } else {
    if (timing.linkTarget) assert.equal(file.get_link(`${s.path}/timestamps`), timing.linkTarget);
    const stamps = numbers(dataset(file, `${s.path}/timestamps`));
    assert.deepEqual(
      stamps,
      stamps.map((_, i) => timing.timestampAt(i)),
    );
  }
  if (s.region) {
    const region = dataset(file, `${s.path}/${s.region.name}`);
    assert.equal(attr(region, 'neurodata_type'), 'DynamicTableRegion');
    assert.deepEqual(numbers(region), s.region.rows);
    assert.equal(refAttrTarget(file, region, 'table'), s.region.table);
  }
  for (const [name, value] of Object.entries(s.attributes ?? {})) assert.equal(attr(g, name), value);
  for (const [name, value] of Object.entries(s.datasets ?? {})) {
    const ds = dataset(file, `${s.path}/${name}`);
    assert.deepEqual(typeof value === 'string' ? strings(ds) : numbers(ds), [value]);
  }
  for (const [name, target] of Object.entries(s.links ?? {}))
    assert.equal(file.get_link(`${s.path}/${name}`), target);
  for (const a of s.arrays ?? []) assertMatchesFormula(dataset(file, `${s.path}/${a.name}`), a.shape, a.data);
}

function checkTable(file: H5File, t: TableExpectation): void {
  const g = group(file, t.path);
  assert.equal(attr(g, 'neurodata_type'), t.neurodataType);
  assert.equal(attr(g, 'description'), t.description);
  assert.deepEqual(
    g.get_attribute('colnames', false),
    t.columns.map(c => c.name),
  );
  assert.deepEqual(numbers(dataset(file, `${t.path}/id`)), t.ids);
  for (const { name, description, column: c, attributes } of t.columns) {
    const path = `${t.path}/${name}`;
    const ds = dataset(file, path);
    assert.equal(attr(ds, 'description'), description);
    for (const [key, value] of Object.entries(attributes ?? {}))
      assert.equal(attr(ds, key), value, `${path}@${key}`);
    const index = (): number[] => {
      const idx = dataset(file, `${path}_index`);
      assert.equal(attr(idx, 'neurodata_type'), 'VectorIndex');
      assert.equal(refAttrTarget(file, idx, 'target'), path);
      return numbers(idx);
    };
    switch (c.kind) {
      case 'values':
        assert.deepEqual(c.dtype === 'string' ? strings(ds) : numbers(ds), c.values, path);
        break;
      case 'array':
        assertMatchesFormula(ds, c.shape, c.data);
        break;
      case 'ragged':
        assert.deepEqual(c.dtype === 'string' ? strings(ds) : numbers(ds), c.values, path);
        assert.deepEqual(index(), c.index);
        break;
      case 'raggedCompound':
        assert.deepEqual(ds.dtype, c.members);
        assert.deepEqual(
          ds.value,
          c.values.map(v => c.members.map(([m]) => v[m])),
        );
        assert.deepEqual(index(), c.index);
        break;
      case 'references': {
        const refs = ds.value;
        assert.ok(Array.isArray(refs));
        assert.deepEqual(
          refs.map(r => (r instanceof Reference ? targetOf(file, r) : undefined)),
          c.targets,
        );
        break;
      }
      case 'region':
        assert.equal(attr(ds, 'neurodata_type'), 'DynamicTableRegion');
        assert.equal(refAttrTarget(file, ds, 'table'), c.table);
        assert.deepEqual(numbers(ds), c.rows);
        if (c.index) assert.deepEqual(index(), c.index);
        break;
      case 'timeSeriesReferences':
        // h5wasm 0.10.3 reads object references inside compounds as []: check the numbers here.
        assert.equal(attr(ds, 'neurodata_type'), 'TimeSeriesReferenceVectorData');
        assert.deepEqual(ds.dtype, [
          ['idx_start', '<i'],
          ['count', '<i'],
          ['timeseries', 'Reference'],
        ]);
        assert.deepEqual(
          (ds.value as unknown[][]).map(row => row.slice(0, 2)),
          c.rows.map(r => [r.idxStart, r.count]),
        );
        break;
    }
  }
  if (t.categories) {
    assert.deepEqual(
      g.get_attribute('categories', false),
      t.categories.map(c => c.path.slice(t.path.length + 1)),
    );
    for (const category of t.categories) checkTable(file, category);
  }
}

describe('nwbgen: generated NWB files match the manifest', function () {
  this.timeout(120_000);
  let dir: string;
  let generated: GeneratedNwb;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nwbgen-contents-'));
    generated = await ensureGeneratedNwb(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const expected of NWB_FILES) {
    describe(expected.fileName, () => {
      let file: H5File;
      before(async () => {
        file = await openH5(generated.files[expected.name]);
      });
      after(() => file.close());

      it('has the NWB 2.7 root attributes and required datasets', () => {
        const root = group(file, '/');
        assert.equal(attr(root, 'neurodata_type'), 'NWBFile');
        assert.equal(attr(root, 'namespace'), 'core');
        assert.equal(attr(root, 'nwb_version'), '2.7.0');
        assert.match(String(attr(root, 'object_id')), UUID);
        assert.equal(refAttrTarget(file, root, '.specloc'), '/specifications');
        assert.deepEqual(strings(dataset(file, '/identifier')), [expected.identifier]);
        assert.deepEqual(strings(dataset(file, '/session_description')), [expected.sessionDescription]);
        assert.deepEqual(strings(dataset(file, '/session_start_time')), [expected.sessionStartTime]);
        assert.deepEqual(strings(dataset(file, '/timestamps_reference_time')), [expected.sessionStartTime]);
        assert.equal(strings(dataset(file, '/file_create_date')).length, 1);
        for (const g of STANDARD_GROUPS) group(file, `/${g}`);
        assert.equal(attr(group(file, '/general/subject'), 'neurodata_type'), 'Subject');
        assert.deepEqual(strings(dataset(file, '/general/subject/species')), ['Mus musculus']);
        assert.deepEqual(strings(dataset(file, '/general/experimenter')), ['Doe, Jane', 'Roe, Richard']);
      });

      it('tags every typed object with neurodata_type, namespace and a unique object_id', () => {
        assert.ok(expected.typedObjects.length > 5);
        const ids = new Set<string>();
        for (const t of expected.typedObjects) {
          const node = t.path === '/' ? file : file.get(t.path);
          assert.ok(node && 'attrs' in node, `${t.path} exists`);
          assert.equal(attr(node as Parameters<typeof attr>[0], 'neurodata_type'), t.neurodataType, t.path);
          assert.equal(attr(node as Parameters<typeof attr>[0], 'namespace'), t.namespace, t.path);
          const id = String(attr(node as Parameters<typeof attr>[0], 'object_id'));
          assert.match(id, UUID);
          ids.add(id);
        }
        assert.equal(ids.size, expected.typedObjects.length);
      });

      it('stores links as soft links to existing objects', () => {
        for (const [path, target] of Object.entries(expected.softLinks)) {
          assert.equal(file.get_link(path), target, path);
          assert.ok(file.get(path), `${path} resolves`);
        }
      });

      it('caches the specifications it uses, with resolvable inheritance', () => {
        const types = new Map<string, string | undefined>();
        for (const [name, version] of Object.entries(expected.specifications)) {
          const ns = JSON.parse(
            strings(dataset(file, `/specifications/${name}/${version}/namespace`))[0],
          ) as {
            namespaces: { name: string; version: string; schema: { source?: string }[] }[];
          };
          assert.equal(ns.namespaces[0].name, name);
          assert.equal(ns.namespaces[0].version, version);
          for (const { source } of ns.namespaces[0].schema) {
            if (!source) continue;
            const doc = JSON.parse(
              strings(dataset(file, `/specifications/${name}/${version}/${source}`))[0],
            ) as Record<string, { neurodata_type_def?: string; neurodata_type_inc?: string }[]>;
            for (const def of [...(doc.groups ?? []), ...(doc.datasets ?? [])]) {
              if (def.neurodata_type_def) types.set(def.neurodata_type_def, def.neurodata_type_inc);
            }
          }
        }
        for (const t of expected.typedObjects) {
          const chain: string[] = [];
          for (let type: string | undefined = t.neurodataType; type; type = types.get(type)) {
            assert.ok(types.has(type), `${t.path}: type ${type} is defined in the cached specs`);
            chain.push(type);
          }
          assert.ok(
            ['Container', 'Data'].includes(chain[chain.length - 1]),
            `${t.path}: ${chain.join(' < ')}`,
          );
        }
      });

      for (const s of expected.series)
        it(`series ${s.path} matches its formula and metadata`, () => checkSeries(file, s));
      for (const t of expected.tables) it(`table ${t.path} matches the manifest`, () => checkTable(file, t));
      for (const img of expected.images) {
        it(`image ${img.path} matches its formula`, () => {
          const ds = dataset(file, img.path);
          assert.equal(attr(ds, 'neurodata_type'), img.neurodataType);
          assert.equal(ds.dtype, img.dtype);
          assertMatchesFormula(ds, img.shape, img.data);
        });
      }
    });
  }
});
