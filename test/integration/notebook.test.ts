/**
 * "Open as notebook" in a real VS Code: notebooks for objects of files streamed from the stand-in
 * archive and of real local files (../shared/fixtures/nwb), and for a Dandiset version, open in the
 * notebook editor (VS Code's built-in `jupyter-notebook` type) with the generated cells; each
 * validates against the nbformat schema and every code cell compiles (Debian's python3).
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, ViewTypes } from '../../src/constants';
import type { OpenedNotebook } from '../../src/commands/notebookCommands';
import { formatAssetUri } from '../../src/dandi/assetUri';
import type { PathRecord } from '../../src/dandi/types';
import type { NwbEditorProvider } from '../../src/editor/nwbEditorProvider';
import type { ViewerFeature } from '../../src/editor/registerViewer';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import type { NwbFile } from '../../src/nwb/nwbFile';
import { pathElement, type AssetElement } from '../../src/tree/model';
import { defaultFixturesDir } from '../archive/server';
import { checkNotebook } from '../support/notebookCheck';

interface ArchiveInfo {
  apiUrl: string;
  ids: { nwbDemo: string };
}

/** Resolves when `condition` holds, re-checking on each provider change. */
function when(provider: NwbEditorProvider, condition: () => boolean, what: string): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, 90_000);
    const sub = provider.onDidChange(() => {
      if (!condition()) return;
      clearTimeout(timer);
      sub.dispose();
      resolveWait();
    });
  });
}

async function openPanel(provider: NwbEditorProvider, uri: vscode.Uri): Promise<ViewerPanel> {
  await vscode.commands.executeCommand('vscode.openWith', uri, ViewTypes.nwbViewer);
  const find = () => provider.panels.find(p => p.document.uri.toString() === uri.toString());
  await when(provider, () => find() !== undefined, `a panel for ${uri.toString(true)}`);
  return find() as ViewerPanel;
}

/** The tree's element for a top-level asset of the demo Dandiset (draft). */
async function demoAsset(archive: ArchiveInfo, path: string): Promise<AssetElement> {
  const url = `${archive.apiUrl}/dandisets/${archive.ids.nwbDemo}/versions/draft/assets/paths/?path_prefix=`;
  const page = (await (await fetch(url)).json()) as { results: PathRecord[] };
  const item = page.results.find(r => r.path === path);
  assert.ok(item?.asset, `the demo Dandiset has ${path}`);
  const element = pathElement(archive.ids.nwbDemo, 'draft', item, false);
  assert.ok(element.kind === 'asset');
  return element;
}

function assetUri(archive: ArchiveInfo, element: AssetElement): vscode.Uri {
  return vscode.Uri.parse(
    formatAssetUri({
      apiUrl: archive.apiUrl,
      assetId: element.assetId,
      path: element.path,
      dandisetId: element.dandisetId,
      version: element.version,
      size: element.size,
      blobUrl: element.s3Url,
    }),
  );
}

/** The first object (breadth first) whose type is or derives from `type`. */
async function firstOfType(nwb: NwbFile, type: string): Promise<string> {
  const queue = ['/'];
  while (queue.length) {
    const path = queue.shift() as string;
    if (path !== '/' && (await nwb.isA(path, type))) return path;
    if (path === '/specifications') continue;
    for (const child of await nwb.reader.list(path).catch(() => []))
      if (child.kind === 'group') queue.push(child.path);
  }
  throw new Error(`no ${type} in the file`);
}

/** Runs the command, checks the notebook editor shows the generated cells, and validates the file. */
async function openAsNotebook(arg: unknown): Promise<{ opened: OpenedNotebook; code: string[] }> {
  const opened = await vscode.commands.executeCommand<OpenedNotebook | undefined>(
    Commands.openAsNotebook,
    arg,
  );
  assert.ok(opened, `a notebook for ${JSON.stringify(arg)}`);
  assert.equal(opened.openedAs, 'notebook', 'code-server has the jupyter-notebook notebook type');
  const editor = vscode.window.activeNotebookEditor;
  assert.ok(editor, 'a notebook editor is active');
  assert.equal(editor.notebook.notebookType, 'jupyter-notebook');
  assert.equal(editor.notebook.isUntitled, true, 'untitled, for the user to save');
  const shown = editor.notebook.getCells().map(c => c.document.getText());
  assert.deepEqual(
    shown,
    opened.ipynb.cells.map(c => c.source.join('')),
    'the editor shows the generated cells',
  );
  const code = checkNotebook(JSON.stringify(opened.ipynb));
  // Untitled and dirty: close without the save prompt.
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  return { opened, code };
}

describe('Open as notebook (VS Code)', function () {
  this.timeout(240_000);
  let provider: NwbEditorProvider;
  const archiveJson = process.env.DANDI_TEST_ARCHIVE;
  const archive: ArchiveInfo | undefined = archiveJson ? (JSON.parse(archiveJson) as ArchiveInfo) : undefined;

  before(async () => {
    const extension = vscode.extensions.getExtension<{ viewer: ViewerFeature }>(EXTENSION_ID);
    assert.ok(extension, 'extension installed');
    provider = (await extension.activate()).viewer.provider;
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await when(provider, () => provider.panelCount === 0, 'every panel to close');
  });

  it('makes notebooks for objects of files streamed from the archive', async () => {
    assert.ok(archive, 'the runner passes the stand-in archive (DANDI_TEST_ARCHIVE)');
    const cases: { file: string; path: string; type: string; expect: RegExp }[] = [
      {
        file: 'ophys.nwb',
        path: '/processing/ophys/DfOverF',
        type: 'DfOverF',
        expect: /frames, rois = 1000, 5/,
      },
      {
        file: 'ophys.nwb',
        path: '/processing/ophys/ImageSegmentation/PlaneSegmentation',
        type: 'PlaneSegmentation',
        expect: /summary_image\(obj\)/,
      },
      { file: 'ecephys.nwb', path: '/units', type: 'Units', expect: /eventplot/ },
      {
        file: 'ecephys.nwb',
        path: '/acquisition/ElectricalSeries',
        type: 'ElectricalSeries',
        expect: /seconds, channels = 10\.0, 4/,
      },
      {
        file: 'icephys.nwb',
        path: '/acquisition/CurrentClampSeries000',
        type: 'CurrentClampSeries',
        expect: /first_sweep\(obj\)/,
      },
    ];
    for (const { file, path, type, expect } of cases) {
      const uri = assetUri(archive as ArchiveInfo, await demoAsset(archive as ArchiveInfo, file));
      const panel = await openPanel(provider, uri);
      const { opened, code } = await openAsNotebook({ kind: 'viewerObject', uri: uri.toString(), path });
      const title = opened.ipynb.cells[0].source.join('');
      for (const fact of [archive?.ids.nwbDemo ?? '', 'draft', file, path, type])
        assert.ok(title.includes(`\`${fact}\``), `the title names ${fact}: ${title}`);
      const all = code.join('\n');
      assert.ok(all.includes('remfile.File(s3_url)'), 'streams with remfile');
      assert.ok(all.includes(`DandiAPIClient(api_url="${archive?.apiUrl}")`), 'on the stand-in instance');
      assert.match(all, expect, `${type}: the view's plot`);
      panel.webviewPanel.dispose();
    }
  });

  it('makes notebooks for objects of real local files', async () => {
    const cases: { file: string; type: string; expect: RegExp }[] = [
      { file: 'nwbexplorer__test_RoiResponseSeries.nwb', type: 'RoiResponseSeries', expect: /frames, rois/ },
      { file: 'nwbexplorer__test_PlaneSegmentation.nwb', type: 'PlaneSegmentation', expect: /pixel_mask/ },
      { file: 'nwbexplorer__test_Units.nwb', type: 'Units', expect: /waveform_mean/ },
      { file: 'ipfx__2018_03_20_0005.nwb', type: 'PatchClampSeries', expect: /first_sweep/ },
      {
        file: 'matnwb__ecephys_tutorial.nwb',
        type: 'TimeSeries',
        expect: /series_times\(obj, count\)|frames/,
      },
    ];
    for (const { file, type, expect } of cases) {
      const local = join(defaultFixturesDir(), 'nwb', file);
      const panel = await openPanel(provider, vscode.Uri.file(local));
      assert.ok(panel.document.nwb, `${file} opens`);
      const path = await firstOfType(panel.document.nwb, type);
      const { code } = await openAsNotebook({
        kind: 'viewerObject',
        uri: panel.document.uri.toString(),
        path,
      });
      const all = code.join('\n');
      assert.ok(all.includes(`NWBHDF5IO(${JSON.stringify(local)}, mode="r"`), 'opens the local file');
      assert.ok(!all.includes('remfile.File'), 'no streaming for a local file');
      assert.match(all, expect, `${file} ${path}: the view's plot`);
      panel.webviewPanel.dispose();
    }
  });

  it('makes a notebook for the selected object from the palette, a Dandiset version and a tree asset', async () => {
    assert.ok(archive, 'the runner passes the stand-in archive (DANDI_TEST_ARCHIVE)');
    const a = archive as ArchiveInfo;
    const { code: versionCode } = await openAsNotebook({
      kind: 'version',
      dandisetId: a.ids.nwbDemo,
      version: 'draft',
      summary: { name: 'Generated NWB demo', version: 'draft' },
    });
    assert.ok(versionCode.join('\n').includes('assets = list(dandiset.get_assets())'));
    assert.ok(versionCode.join('\n').includes(`dandiset_id = "${a.ids.nwbDemo}"`));

    const element = await demoAsset(a, 'ophys.nwb');
    const { opened } = await openAsNotebook(element);
    assert.ok(opened.ipynb.cells[0].source.join('').includes('`ophys.nwb`'));

    // No argument: the active viewer's selection (none yet: the file's root).
    const panel = await openPanel(provider, assetUri(a, element));
    panel.webviewPanel.reveal();
    const { opened: root } = await openAsNotebook(undefined);
    assert.ok(
      root.ipynb.cells.some(c => c.source[0] === 'obj = nwbfile\n'),
      'the notebook reaches the root',
    );
  });
});
