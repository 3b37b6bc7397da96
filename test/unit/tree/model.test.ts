import * as assert from 'node:assert/strict';
import { DandiClient } from '../../../src/dandi/client';
import { BrowseModel } from '../../../src/tree/browseModel';
import { dandiUrl, downloadCommand, webPageUrl } from '../../../src/tree/links';
import {
  classifyAsset,
  foldersFirst,
  formatBytes,
  pathElement,
  type TreeElement,
} from '../../../src/tree/model';
import { describeQuery, listOptions, normaliseQuery } from '../../../src/tree/query';
import { EXTERNAL_SERVICES, servicesFor } from '../../../src/dandi/externalServices';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';

describe('tree model', function () {
  this.timeout(60_000);
  let archive: StandInArchive;
  let client: DandiClient;
  let loading: boolean[];
  const model = (pageSize = 20, query = {}) =>
    new BrowseModel({
      source: () => client,
      query: () => ({ ordering: 'id', ...query }),
      rootPageSize: () => pageSize,
      onLoading: l => loading.push(l),
    });
  const labelOf = (e: TreeElement) => ('path' in e ? e.path : e.id);

  before(async () => {
    archive = await startArchive();
    client = new DandiClient({
      instance: { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl },
      retry: { attempts: 2, baseDelayMs: 5 },
    });
  });
  after(() => archive.close());
  beforeEach(() => {
    loading = [];
    archive.faults.reset();
  });

  it('pages the Dandiset list with a Load more element and merges pages without duplicates', async () => {
    const m = model(20);
    const changes: (TreeElement | undefined)[] = [];
    m.onDidChange(e => changes.push(e));
    const first = await m.getChildren();
    assert.equal(first.length, 21);
    const more = first[20];
    assert.equal(more.kind, 'loadMore');
    assert.deepEqual(loading, [true, false]);
    await m.loadMore(more);
    assert.deepEqual(changes, [undefined], 'only the root (the Load more parent) refreshes');
    const second = await m.getChildren();
    const dandisets = second.filter(e => e.kind === 'dandiset');
    assert.equal(dandisets.length, 40);
    assert.equal(new Set(dandisets.map(e => e.id)).size, 40);
    assert.deepEqual(
      dandisets.slice(0, 20),
      first.slice(0, 20),
      'page 1 elements are kept (same objects, same ids)',
    );
    assert.equal(second.at(-1)?.kind, 'loadMore');
  });

  it('shows versions (draft first) and folders first with sizes, one level at a time', async () => {
    const m = model(1000);
    const roots = await m.getChildren();
    const scale = roots.find(e => e.kind === 'dandiset' && e.dandisetId === archive.ids.scale);
    assert.ok(scale);
    const [draft] = await m.getChildren(scale);
    assert.ok(draft.kind === 'version' && draft.version === 'draft');
    assert.equal(draft.id, `dandiset:${archive.ids.scale}/version:draft`);
    const top = await m.getChildren(draft);
    assert.deepEqual(top.map(labelOf).slice(0, 2), ['stimuli', 'sub-001']);
    assert.ok(top.every(e => e.kind === 'folder'));
    const sub = top[1];
    assert.ok(sub.kind === 'folder' && sub.files === 250 && sub.size > 0);
    assert.equal(m.getParent(sub), draft);
    assert.equal(m.getParent(draft), scale);
  });

  it('pages a folder with more children than a page (1,200 under stimuli/)', async () => {
    const m = model(1000);
    const stimuli = await m.reveal({
      dandisetId: archive.ids.scale,
      version: 'draft',
      path: 'stimuli',
      isFolder: true,
    });
    const page1 = await m.getChildren(stimuli);
    assert.equal(page1.length, 1001);
    const more = page1[1000];
    assert.equal(more.kind, 'loadMore');
    await m.loadMore(more);
    const all = await m.getChildren(stimuli);
    assert.equal(all.length, 1200);
    assert.ok(all.every(e => e.kind === 'asset' && e.assetKind === 'image' && e.parentId === stimuli.id));
  });

  it('reveals a deep asset past the first page, loading each level', async () => {
    const m = model(10); // the scale Dandiset is not on the first root page: it gets pinned
    const asset = await m.reveal({
      dandisetId: archive.ids.scale,
      version: 'draft',
      path: 'stimuli/stim-1150.png',
    });
    assert.equal(asset.kind, 'asset');
    assert.equal(asset.id, `dandiset:${archive.ids.scale}/version:draft/path:stimuli/stim-1150.png`);
    const chain: string[] = [];
    for (let e: TreeElement | undefined = asset; e; e = m.getParent(e)) chain.push(e.kind);
    assert.deepEqual(chain, ['asset', 'folder', 'version', 'dandiset']);
    const roots = await m.getChildren();
    assert.equal(roots[0].kind === 'dandiset' && roots[0].pinned, true);
    await assert.rejects(
      m.reveal({ dandisetId: archive.ids.scale, version: 'draft', path: 'stimuli/nope.png' }),
      /File "stimuli\/nope.png" .* was not found/,
    );
  });

  it('keeps ids stable across a refresh', async () => {
    const m = model(1000);
    const before = await m.reveal({
      dandisetId: archive.ids.scale,
      version: 'draft',
      path: 'sub-002/ses-001',
      isFolder: true,
    });
    m.refresh();
    const after = await m.reveal({
      dandisetId: archive.ids.scale,
      version: 'draft',
      path: 'sub-002/ses-001',
      isFolder: true,
    });
    assert.equal(after.id, before.id);
    assert.notEqual(after, before);
  });

  it('refreshing a folder reloads it and everything below it, nothing else', async () => {
    const m = model(1000);
    const deep = await m.reveal({
      dandisetId: archive.ids.scale,
      version: 'draft',
      path: 'sub-003/ses-002',
      isFolder: true,
    });
    await m.getChildren(deep);
    const sub = m.getParent(deep);
    assert.ok(sub);
    const changed: (TreeElement | undefined)[] = [];
    m.onDidChange(e => changed.push(e));
    m.refresh(sub);
    assert.deepEqual(changed, [sub]);
    archive.clearLog();
    await m.getChildren(sub);
    await m.getChildren(m.get(deep.id));
    const listed = archive.log
      .filter(e => e.url.includes('/assets/paths/'))
      .map(e => new URL(e.url, 'http://x').searchParams.get('path_prefix'));
    assert.deepEqual(listed, ['sub-003', 'sub-003/ses-002']);
  });

  it('turns failures into message and action elements, never a rejection', async () => {
    archive.faults.set({ html503: { count: 10, scope: 'api' } });
    const m = model();
    const children = await m.getChildren();
    assert.deepEqual(
      children.map(e => e.kind),
      ['message', 'action', 'action', 'action'],
    );
    assert.match(children[0].kind === 'message' ? children[0].text : '', /unavailable right now/);
    assert.deepEqual(
      children.slice(1).map(e => (e.kind === 'action' ? e.action : '')),
      ['retry', 'changeApiUrl', 'selectInstance'],
    );
    archive.faults.reset();
    m.refresh();
    assert.equal((await m.getChildren())[0].kind, 'dandiset');
  });

  it('keeps loaded pages when Load more fails, and Retry continues from there', async () => {
    const m = model(20);
    const first = await m.getChildren();
    archive.faults.set({ html503: { count: 10, scope: 'api' } });
    await m.loadMore(first[20]);
    const failed = await m.getChildren();
    assert.equal(failed.filter(e => e.kind === 'dandiset').length, 20, 'page 1 is still shown');
    assert.equal(failed[20].kind, 'message');
    assert.ok(failed.slice(21).some(e => e.kind === 'action' && e.action === 'retry'));
    assert.ok(!failed.some(e => e.kind === 'loadMore'), 'Retry replaces Load more while the page fails');
    archive.faults.reset();
    await m.retry(undefined);
    const retried = await m.getChildren();
    assert.equal(retried.filter(e => e.kind === 'dandiset').length, 40);
    assert.equal(retried.at(-1)?.kind, 'loadMore');
  });

  it('asks to sign in under an embargoed Dandiset when anonymous', async () => {
    const m = model();
    const embargoed = await m.reveal({ dandisetId: archive.ids.embargoed }).catch(e => e as Error);
    assert.ok(embargoed instanceof Error && /sign in/.test(embargoed.message));
  });

  it('shows an empty search as a message', async () => {
    const m = new BrowseModel({
      source: () => client,
      query: () => ({ search: 'zzzqqqxxx-no-such-thing' }),
      rootPageSize: () => 20,
      emptyText: () => 'No Dandisets match.',
    });
    const children = await m.getChildren();
    assert.deepEqual(
      children.map(e => (e.kind === 'message' ? e.text : e.kind)),
      ['No Dandisets match.'],
    );
  });
});

describe('tree helpers', () => {
  const el = (path: string, folder: boolean) =>
    pathElement(
      '000001',
      'draft',
      {
        path,
        aggregate_files: 1,
        aggregate_size: 10,
        asset: folder ? null : { asset_id: '00000000-0000-4000-8000-000000000000', url: 'https://s3/x' },
      },
      false,
    );

  it('sorts folders first, then files, byte order within each', () => {
    const sorted = foldersFirst([
      el('a/zeta.nwb', false),
      el('a/B', true),
      el('a/alpha', true),
      el('a/Beta.json', false),
    ]);
    assert.deepEqual(
      sorted.map(e => ('path' in e ? e.path : '')),
      ['a/B', 'a/alpha', 'a/Beta.json', 'a/zeta.nwb'],
    );
  });
  it('builds stable ids from API identity; a file and a folder of one name never collide', () => {
    assert.equal(el('sub-01', true).id, 'dandiset:000001/version:draft/path:sub-01/');
    assert.equal(el('sub-01', false).id, 'dandiset:000001/version:draft/path:sub-01');
    assert.equal(el('sub-01/x.nwb', false).parentId, 'dandiset:000001/version:draft/path:sub-01/');
  });
  it('classifies assets by kind', () => {
    assert.deepEqual(
      ['a.nwb', 'b.ome.zarr', 'c.mp4', 'd.nii.gz', 'e.tsv', 'README', 'f.bin'].map(p => classifyAsset(p)),
      ['nwb', 'zarr', 'video', 'image', 'text', 'text', 'other'],
    );
    assert.equal(classifyAsset('x', 'https://s3/zarr/abc/'), 'zarr');
  });
  it('formats sizes', () =>
    assert.deepEqual(
      [formatBytes(0), formatBytes(1500), formatBytes(218_366_752)],
      ['0 B', '1.5 KB', '218 MB'],
    ));
  it('remembers queries safely and describes them', () => {
    assert.deepEqual(normaliseQuery({ ordering: 'DROP TABLE', search: 5 }), {
      search: '',
      ordering: '-modified',
      includeDrafts: true,
      includeEmpty: false,
    });
    assert.equal(
      describeQuery({ search: 'mouse', ordering: 'name', includeDrafts: false, includeEmpty: false }),
      '"mouse" · Name ↑ · published only',
    );
    assert.equal(listOptions(normaliseQuery({}), true).embargoed, true);
  });
  it('writes web, API and dandi download links like the web UI', () => {
    const dandi = {
      name: 'dandi',
      prefix: 'DANDI',
      apiUrl: 'https://api.dandiarchive.org/api',
      webUrl: 'https://dandiarchive.org',
    };
    const folder = el('sub-01', true);
    const asset = el('sub-01/x y.nwb', false);
    assert.equal(
      webPageUrl(folder as never, dandi.webUrl),
      'https://dandiarchive.org/dandiset/000001/draft/files?location=sub-01',
    );
    assert.equal(
      dandiUrl(asset as never, dandi),
      'https://api.dandiarchive.org/api/dandisets/000001/versions/draft/assets/00000000-0000-4000-8000-000000000000/download/',
    );
    assert.equal(
      downloadCommand(folder as never, dandi),
      'dandi download dandi://dandi/000001@draft/sub-01/',
    );
    // Ids, versions and paths from a hostile archive never run in the shell they are pasted into.
    const hostile = { kind: 'version', dandisetId: '000001;touch /tmp/x', version: "$(id)'" };
    assert.equal(
      downloadCommand(hostile as never, dandi),
      `dandi download 'DANDI:000001;touch /tmp/x/$(id)'\\'''`,
    );
    assert.equal(
      downloadCommand({ kind: 'dandiset', dandisetId: '000001', record: {} } as never, dandi),
      'dandi download DANDI:000001',
    );
    const evil = { ...asset, assetId: 'a b`id`' };
    assert.match(downloadCommand(evil as never, dandi), /^dandi download '[^']*a b`id`\/download\/'$/);
  });
  it('offers the same external services as the website, placeholders verbatim', () => {
    const services = servicesFor({
      apiRoot: 'https://api.dandiarchive.org/api/',
      dandisetId: '000064',
      version: 'draft',
      assetId: 'bb61e86d-e28f-4da7-b07a-44dfa377cf32',
      path: 'sub-001/sub-001.nwb',
      size: 218366752,
      s3Url: 'https://s3/blob',
      embargoed: false,
    });
    assert.deepEqual(
      services.map(s => s.name),
      ['MetaCell/NWBExplorer', 'Neurosift'],
    );
    assert.equal(
      services[1].url,
      'https://neurosift.app/nwb?url=https://api.dandiarchive.org/api/assets/bb61e86d-e28f-4da7-b07a-44dfa377cf32/download/&dandisetId=000064&dandisetVersion=draft',
    );
    // Every viewer is reached over https (NWB Explorer's link was plain http).
    assert.equal(services[0].url, 'https://nwbexplorer.opensourcebrain.org/nwbfile=https://s3/blob');
    for (const service of EXTERNAL_SERVICES)
      if (typeof service.url === 'string') assert.match(service.url, /^https:\/\//, service.name);
    const big = servicesFor({
      apiRoot: 'x/',
      dandisetId: '1',
      version: 'draft',
      assetId: 'a',
      path: 'b.nwb',
      size: 2e9,
      s3Url: 's',
      embargoed: false,
    });
    assert.deepEqual(
      big.map(s => s.name),
      ['Neurosift'],
    );
  });
});
