/**
 * DANDI references in documents, in a real VS Code against the stand-in archive: every reference
 * form of dandi-url-cases.json becomes a link, a hover shows a Dandiset's card, references that do
 * not exist are warnings, and the quick fix pins a draft to the latest published version.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, Settings } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import type { TreeElement } from '../../src/tree/model';

interface ArchiveInfo {
  apiUrl: string;
  webUrl: string;
  ids: { nwbDemo: string; scale: string };
}

interface UrlCase {
  url: string;
  expected: { error?: string };
  mocked_http?: unknown[];
}

const CASES_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'dandi-api',
  'dandi-url-cases.json',
);

/** A link's command and arguments (links run `command:` URIs). */
function commandOf(link: vscode.DocumentLink): { command: string; args: unknown[] } {
  const target = link.target;
  assert.ok(target, 'the link has a target');
  assert.equal(target.scheme, 'command');
  return { command: target.path, args: JSON.parse(target.query) as unknown[] };
}

const written: string[] = [];
/** A new file in the temporary folder, shown in an editor (each test its own: URIs are not reused). */
async function openShown(content: string, extension = 'py'): Promise<vscode.TextDocument> {
  const file = join(tmpdir(), `dandi-references-${process.pid}-${written.length}.${extension}`);
  writeFileSync(file, content);
  written.push(file);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(document);
  return document;
}

function dandiDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(document.uri).filter(d => d.source === 'DANDI');
}

describe('DANDI references in documents (VS Code)', function () {
  this.timeout(120_000);
  const archiveJson = process.env.DANDI_TEST_ARCHIVE;
  let archive: ArchiveInfo;
  let api: ExtensionApi;
  let published: string;
  let demoName: string;

  before(async function () {
    if (!archiveJson) this.skip();
    archive = JSON.parse(archiveJson) as ArchiveInfo;
    api = (await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)?.activate()) as ExtensionApi;
    await api.browse.session.ready;
    const client = api.services.client();
    const record = await client.getDandiset(archive.ids.nwbDemo);
    published = record.most_recent_published_version?.version ?? '';
    assert.ok(published, 'the demo Dandiset has a published version');
    demoName = (await client.getVersionInfo(archive.ids.nwbDemo, published)).metadata.name ?? '';
  });
  after(() => written.forEach(file => rmSync(file, { force: true })));
  afterEach(async () => {
    // A pinned document is dirty: revert it so it closes instead of asking to be saved.
    while (vscode.window.activeTextEditor)
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('links every reference form of dandi-url-cases.json, and nothing else', async () => {
    const cases = JSON.parse(readFileSync(CASES_FILE, 'utf8')) as UrlCase[];
    // Unknown hosts are asked who they are when the link runs: those point at the stand-in here.
    const web = new URL(archive.webUrl);
    const urls = cases.map(c => {
      if (!c.mocked_http || !/^https?:/.test(c.url)) return c.url;
      const u = new URL(c.url);
      return `${web.origin}${u.pathname}${u.search}${u.hash}`;
    });
    const lines = urls.map((url, i) => (i % 2 ? `- see ${url}.` : `* [${url}](x)`));
    const document = await openShown(lines.join('\n'), 'md');
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>(
      'vscode.executeLinkProvider',
      document.uri,
    );
    const ours = links.filter(l => l.target?.scheme === 'command');
    cases.forEach((c, i) => {
      const onLine = ours.filter(l => l.range.start.line === i);
      if (c.expected.error && c.expected.error !== 'NotFoundError') {
        assert.equal(onLine.length, 0, `${c.url} is not a reference`);
        return;
      }
      assert.equal(onLine.length, 1, `one link for ${urls[i]}`);
      assert.equal(document.getText(onLine[0].range), urls[i], `the range of ${urls[i]}`);
      assert.deepEqual(commandOf(onLine[0]), { command: Commands.open, args: [urls[i]] });
    });
  });

  it('a link reveals its Dandiset in the DANDI view', async () => {
    const document = await openShown(`data = "DANDI:${archive.ids.nwbDemo}/${published}"\n`);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>(
      'vscode.executeLinkProvider',
      document.uri,
    );
    assert.equal(links.length, 1, links.map(l => l.target?.toString()).join('\n'));
    const { command, args } = commandOf(links[0]);
    const element = await vscode.commands.executeCommand<TreeElement | undefined>(command, ...args);
    assert.equal(element?.kind, 'version');
    assert.equal(element && 'dandisetId' in element ? element.dandisetId : '', archive.ids.nwbDemo);
  });

  it("shows a Dandiset's card on hover, with its actions", async () => {
    const text = `# https://dandiarchive.org/dandiset/${archive.ids.nwbDemo}/${published}\n`;
    const document = await openShown(text);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(0, 12),
    );
    const markdown = hovers
      .flatMap(h => h.contents)
      .map(c => (typeof c === 'string' ? c : c.value))
      .join('\n');
    const plain = markdown.replace(/\\(.)/g, '$1');
    assert.ok(plain.includes(demoName), `the name "${demoName}" in\n${markdown}`);
    assert.ok(plain.includes(`Version ${published} · published`), markdown);
    assert.ok(plain.includes(`10.48324/dandi.${archive.ids.nwbDemo}/${published}`), 'the DOI');
    for (const [label, command] of [
      ['Reveal', Commands.open],
      ['Open', Commands.referenceOpen],
      ['Download', Commands.downloadReference],
      ['Copy citation', Commands.referenceCopyCitation],
    ])
      assert.ok(markdown.includes(`[${label}](command:${command}?`), `${label} runs ${command}`);

    const copied = await vscode.commands.executeCommand<string>(
      Commands.referenceCopyCitation,
      `${archive.apiUrl}/dandisets/${archive.ids.nwbDemo}/versions/${published}/`,
    );
    assert.ok(copied?.includes(demoName), copied);
    assert.equal(await vscode.env.clipboard.readText(), copied);
  });

  it('warns about an unknown Dandiset, a version never published and a file not in the version', async () => {
    const demo = archive.ids.nwbDemo;
    const wrong = [
      'DANDI:999999',
      `DANDI:${demo}/0.999999.9999`,
      `dandi://dandi/${demo}@${published}/no-such-folder/no-such-file.nwb`,
    ];
    const right = `DANDI:${demo}/${published}`;
    const document = await openShown(
      [`fine = "${right}"`, ...wrong.map((w, i) => `wrong${i} = "${w}"`)].join('\n'),
    );
    await api.references.diagnostics.check(document);
    const warnings = dandiDiagnostics(document);
    assert.deepEqual(
      warnings.map(d => [document.getText(d.range), d.severity]),
      wrong.map(w => [w, vscode.DiagnosticSeverity.Warning]),
      warnings.map(d => d.message).join('\n'),
    );
    assert.match(warnings[0].message, /999999 does not exist/);
    assert.match(warnings[1].message, new RegExp(`latest is ${published.replace(/\./g, '\\.')}`));
    assert.match(warnings[2].message, /No file "no-such-folder\/no-such-file\.nwb"/);
  });

  it('pins a draft reference to the latest published version (quick fix)', async () => {
    const draft = `dandi://dandi/${archive.ids.nwbDemo}@draft`;
    const document = await openShown(`a = "${draft}"  # and DANDI:${archive.ids.nwbDemo}/draft\n`);
    // One pin at a time: an edit moves the ranges after it, and the hints follow the next check.
    for (let remaining = 2; remaining > 0; remaining--) {
      await api.references.diagnostics.check(document);
      const hints = dandiDiagnostics(document);
      assert.equal(hints.length, remaining, hints.map(h => h.message).join('\n'));
      assert.ok(hints.every(h => h.severity === vscode.DiagnosticSeverity.Hint));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        hints[0].range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const pin = actions.find(a => a.title === 'Pin to the latest published version');
      assert.ok(pin?.edit, `a pin for ${document.getText(hints[0].range)}`);
      assert.ok(await vscode.workspace.applyEdit(pin.edit));
    }
    await api.references.diagnostics.check(document);
    assert.deepEqual(dandiDiagnostics(document), [], 'a pinned reference is no draft');
    assert.equal(
      document.getText(),
      `a = "dandi://dandi/${archive.ids.nwbDemo}@${published}"  # and DANDI:${archive.ids.nwbDemo}/${published}\n`,
    );
  });

  it('does nothing when dandi.references.enabled is off', async () => {
    const config = vscode.workspace.getConfiguration(Settings.section);
    await config.update(Settings.referencesEnabled, false, vscode.ConfigurationTarget.Global);
    try {
      const document = await openShown('DANDI:999999\n');
      const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>(
        'vscode.executeLinkProvider',
        document.uri,
      );
      assert.equal(links.filter(l => l.target?.scheme === 'command').length, 0);
      await api.references.diagnostics.check(document);
      assert.deepEqual(dandiDiagnostics(document), []);
    } finally {
      await config.update(Settings.referencesEnabled, undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
