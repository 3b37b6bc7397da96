/**
 * The language model tools in a real VS Code, called as a chat agent calls them
 * (`vscode.lm.invokeTool`, no chat request) against the stand-in archive: each answer is compared
 * with what the archive's own API (fetched here) or the generated file's manifest says. The download
 * tool asks for confirmation in a modal dialog when invoked that way, so its confirmation and its
 * download are checked on the registered tool object (what VS Code calls around the dialog).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, LanguageModelTools } from '../../src/constants';
import { dandiEtag } from '../../src/dandi/etag';
import type { ExtensionApi } from '../../src/extension';
import { formatBytes } from '../../src/shared/format';
import { defaultFixturesDir } from '../archive/server';
import { GENERATED_MANIFEST } from '../fixtures/nwbgen/index';

interface ArchiveInfo {
  apiUrl: string;
  controlUrl: string;
  ids: { nwbDemo: string; zarr: string };
}
interface AssetItem {
  asset_id: string;
  path: string;
  size: number;
  metadata?: { digest?: Record<string, string> };
}
interface Described {
  file: string;
  nwbVersion: string | null;
  session: Record<string, string>;
  objects: {
    path: string;
    neurodataType?: string;
    shape?: number[];
    unit?: string;
    timeRange?: [number, number];
    rate?: number;
    rows?: number;
    columns?: string[];
  }[];
}

const cancel = new vscode.CancellationTokenSource().token;

async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content
    .map(part => (part instanceof vscode.LanguageModelTextPart ? part.value : ''))
    .join('');
}

async function invokeJson<T>(name: string, input: object): Promise<T> {
  const text = await invoke(name, input);
  assert.doesNotMatch(text, /^Error:/, text);
  return JSON.parse(text) as T;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  assert.ok(response.ok, `${url} answered ${response.status}`);
  return (await response.json()) as T;
}

describe('language model tools (VS Code)', function () {
  this.timeout(120_000);
  const archiveJson = process.env.DANDI_TEST_ARCHIVE;
  const workspace = process.env.DANDI_TEST_WORKSPACE;
  let archive: ArchiveInfo;
  let api: ExtensionApi;

  before(async function () {
    if (!archiveJson || !workspace) this.skip();
    archive = JSON.parse(archiveJson) as ArchiveInfo;
    api = (await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)?.activate()) as ExtensionApi;
  });

  it('registers every tool package.json contributes, with its input schema', () => {
    const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: { languageModelTools: { name: string; inputSchema: object }[] };
    };
    const contributed = manifest.contributes.languageModelTools;
    assert.deepEqual(contributed.map(t => t.name).sort(), Object.values(LanguageModelTools).sort());
    for (const tool of contributed) {
      const registered = vscode.lm.tools.find(t => t.name === tool.name);
      assert.ok(registered, `${tool.name} is in vscode.lm.tools`);
      assert.deepEqual(registered.inputSchema, tool.inputSchema, tool.name);
      assert.ok(api.tools.get(tool.name as never), `${tool.name} has an implementation`);
    }
  });

  it('searches with an operator and answers what the archive lists', async () => {
    const query = 'species:"house mouse"';
    const answer = await invokeJson<{
      total: number;
      dandisets: { id: string; name: string; size: number; assetCount: number; version: string }[];
    }>(LanguageModelTools.searchDandisets, { query, pageSize: 50 });
    const params = new URLSearchParams({
      search: query,
      page: '1',
      page_size: '50',
      ordering: '-modified',
      draft: 'true',
      empty: 'false',
    });
    const expected = await getJson<{
      count: number;
      results: {
        identifier: string;
        most_recent_published_version: {
          version: string;
          name: string;
          size: number;
          asset_count: number;
        } | null;
        draft_version: { version: string; name: string; size: number; asset_count: number } | null;
      }[];
    }>(`${archive.apiUrl}/dandisets/?${params}`);
    assert.ok(expected.count > 0, 'the stand-in archive has house-mouse Dandisets');
    assert.equal(answer.total, expected.count);
    assert.deepEqual(
      answer.dandisets.map(d => [d.id, d.name, d.version, d.size, d.assetCount]),
      expected.results.map(r => {
        const v = r.most_recent_published_version ?? r.draft_version;
        return [r.identifier, v?.name, v?.version, v?.size, v?.asset_count];
      }),
    );
  });

  it('lists a folder page by page as the paths endpoint does', async () => {
    const id = archive.ids.nwbDemo;
    const root = await invokeJson<{
      version: string;
      entries: { type: string; path: string; size: number }[];
    }>(LanguageModelTools.listAssets, { dandisetId: id, version: 'draft' });
    const expected = await getJson<{ results: { path: string; aggregate_size: number; asset: unknown }[] }>(
      `${archive.apiUrl}/dandisets/${id}/versions/draft/assets/paths/?page_size=100`,
    );
    assert.equal(root.version, 'draft');
    assert.deepEqual(
      root.entries.map(e => [e.type, e.path, e.size]),
      expected.results.map(r => [
        r.asset ? 'asset' : 'folder',
        r.asset ? r.path : `${r.path}/`,
        r.aggregate_size,
      ]),
    );
    const paged = await invokeJson<{ nextPage: number | null; entries: { path: string }[] }>(
      LanguageModelTools.listAssets,
      { dandisetId: id, version: 'draft', pageSize: 1, page: 2 },
    );
    assert.deepEqual(
      paged.entries.map(e => e.path),
      [root.entries[1]?.path],
    );
  });

  it('describes a streamed NWB asset: types, shapes, units and time ranges of the generated file', async () => {
    const expectation = GENERATED_MANIFEST.ecephys;
    const described = await invokeJson<Described>(LanguageModelTools.describeFile, {
      dandisetId: archive.ids.nwbDemo,
      version: 'draft',
      path: expectation.fileName,
      maxObjects: 500,
    });
    assert.equal(described.nwbVersion, expectation.nwbVersion);
    assert.equal(described.session.identifier, expectation.identifier);
    const byPath = new Map(described.objects.map(o => [o.path, o]));
    for (const typed of expectation.typedObjects)
      assert.equal(byPath.get(typed.path)?.neurodataType, typed.neurodataType, typed.path);
    assert.ok(expectation.series.length > 0);
    for (const series of expectation.series) {
      const object = byPath.get(series.path);
      assert.ok(object, `${series.path} is described`);
      assert.deepEqual(object.shape, series.shape, series.path);
      assert.equal(object.unit, series.unit, series.path);
      const n = series.shape[0] ?? 0;
      const timing = series.timing;
      const range =
        timing.kind === 'rate'
          ? [timing.startingTime, timing.startingTime + (n - 1) / timing.rate]
          : [timing.timestampAt(0), timing.timestampAt(n - 1)];
      assert.ok(object.timeRange, `${series.path} has a time range`);
      assert.ok(
        Math.abs(object.timeRange[0] - range[0]) < 1e-6 && Math.abs(object.timeRange[1] - range[1]) < 1e-6,
        `${series.path}: ${object.timeRange} vs ${range}`,
      );
      if (timing.kind === 'rate') assert.ok(Math.abs((object.rate ?? 0) - timing.rate) < 1e-3 * timing.rate);
    }
    for (const table of expectation.tables) {
      const object = byPath.get(table.path);
      assert.equal(object?.rows, table.ids.length, table.path);
    }
  });

  it('describes a local NWB Zarr store through the hdmf-zarr adapter', async () => {
    const store = join(defaultFixturesDir(), 'zarr', 'aind__multiplane-ophys_eye-tracking.nwb.zarr');
    const described = await invokeJson<Described>(LanguageModelTools.describeFile, {
      localPath: store,
      maxObjects: 500,
    });
    assert.ok(described.objects.length > 0, 'objects are listed');
    const zattrs = JSON.parse(readFileSync(join(store, '.zattrs'), 'utf8')) as { neurodata_type?: string };
    assert.equal(zattrs.neurodata_type, 'NWBFile');
    assert.ok(described.objects.some(o => o.path === '/' && o.neurodataType === 'NWBFile'));
    const series = described.objects.filter(o => o.timeRange);
    assert.ok(series.length > 0, 'some series have a time range');
  });

  it('gives the Python for an existing object and a clear error for a missing one', async () => {
    const series = GENERATED_MANIFEST.ecephys.series[0];
    assert.ok(series);
    const input = {
      dandisetId: archive.ids.nwbDemo,
      version: 'draft',
      path: GENERATED_MANIFEST.ecephys.fileName,
    };
    const code = await invoke(LanguageModelTools.pythonSnippet, { ...input, objectPath: series.path });
    assert.match(code, /DandiAPIClient\(api_url=/);
    assert.ok(code.includes(`dandiset_id = "${archive.ids.nwbDemo}"`), code);
    assert.ok(code.includes(`h5_file[${JSON.stringify(series.path)}]`), code);
    const missing = await invoke(LanguageModelTools.pythonSnippet, {
      ...input,
      objectPath: '/acquisition/nothing_here',
    });
    assert.match(missing, /^Error: The file has no object at \/acquisition\/nothing_here/);
  });

  it('answers bad input with a clear error instead of throwing', async () => {
    assert.match(
      await invoke(LanguageModelTools.listAssets, { dandisetId: '27' }),
      /^Error: "dandisetId" must be six digits/,
    );
    assert.match(
      await invoke(LanguageModelTools.listAssets, { dandisetId: '990002', folder: 'x' }),
      /^Error: Unknown input "folder"/,
    );
    assert.match(
      await invoke(LanguageModelTools.searchDandisets, { query: 'x', pageSize: 500 }),
      /^Error: "pageSize" must be between 1 and 50/,
    );
    assert.match(
      await invoke(LanguageModelTools.describeFile, { dandisetId: '990002' }),
      /^Error: Name the file/,
    );
    assert.match(
      await invoke(LanguageModelTools.describeFile, { dandisetId: '990002', path: 'no/such.nwb' }),
      /^Error: No asset at "no\/such\.nwb"/,
    );
    assert.match(await invoke(LanguageModelTools.listAssets, { dandisetId: '999999' }), /^Error: /);
  });

  it('confirms a download with its file count, size and folder, then downloads verified files', async () => {
    const id = archive.ids.nwbDemo;
    const tool = api.tools.get(LanguageModelTools.downloadAssets);
    assert.ok(tool?.prepareInvocation);
    const assets = await getJson<{ results: AssetItem[] }>(
      `${archive.apiUrl}/dandisets/${id}/versions/draft/assets/?metadata=true&page_size=1000`,
    );
    const chosen = assets.results.filter(a => /^(ecephys|ophys)\.nwb$/.test(a.path));
    assert.equal(chosen.length, 2);
    const destination = join(workspace ?? '', 'lm-download');
    const input = { dandisetId: id, version: 'draft', paths: chosen.map(a => a.path), destination };
    const prepared = await tool.prepareInvocation({ input }, cancel);
    const total = chosen.reduce((n, a) => n + a.size, 0);
    const message = String(prepared?.confirmationMessages?.message);
    assert.match(String(prepared?.confirmationMessages?.title), /^Download 2 files \(/);
    assert.ok(message.includes(destination), message);
    assert.ok(message.includes(formatBytes(total)), message);
    const result = await tool.invoke({ input, toolInvocationToken: undefined }, cancel);
    const part = result?.content[0];
    assert.ok(part instanceof vscode.LanguageModelTextPart);
    const summary = JSON.parse(part.value) as { downloaded: number; files: string[] };
    assert.equal(summary.downloaded, 2, part.value);
    for (const asset of chosen) {
      const bytes = await readFile(join(destination, asset.path));
      assert.equal(dandiEtag(bytes), asset.metadata?.digest?.['dandi:dandi-etag'], asset.path);
    }
    await rm(destination, { recursive: true, force: true });
  });
});
