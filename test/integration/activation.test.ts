/**
 * The extension activates in a real VS Code, registers exactly the commands its manifest
 * contributes, and every id in src/constants.ts matches the manifest.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, ContextKeys, EXTENSION_ID, Settings, Views, ViewTypes } from '../../src/constants';

/** The parts of package.json these tests read, validated rather than cast. */
interface Manifest {
  commands: string[];
  viewContainers: string[];
  views: string[];
  customEditors: string[];
  settings: string[];
  whenClauses: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function records(value: unknown, where: string): Record<string, unknown>[] {
  assert.ok(Array.isArray(value), `package.json ${where} is not an array`);
  return value.map((item, i) => {
    assert.ok(isRecord(item), `package.json ${where}[${i}] is not an object`);
    return item;
  });
}
function stringField(item: Record<string, unknown>, key: string, where: string): string {
  const value = item[key];
  assert.equal(typeof value, 'string', `package.json ${where}.${key} is not a string`);
  return value as string;
}

/** Every `when` string anywhere under `value`. */
function collectWhen(value: unknown, out: string[]): string[] {
  if (Array.isArray(value)) value.forEach(v => collectWhen(v, out));
  else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'when' && typeof v === 'string') out.push(v);
      else collectWhen(v, out);
    }
  }
  return out;
}

function readManifest(packageJSON: unknown): Manifest {
  assert.ok(isRecord(packageJSON), 'package.json is not an object');
  const contributes = packageJSON.contributes;
  assert.ok(isRecord(contributes), 'package.json has no contributes');
  const containers = contributes.viewsContainers;
  assert.ok(isRecord(containers), 'package.json has no contributes.viewsContainers');
  const views = contributes.views;
  assert.ok(isRecord(views), 'package.json has no contributes.views');
  const configuration = contributes.configuration;
  assert.ok(
    isRecord(configuration) && isRecord(configuration.properties),
    'package.json has no configuration.properties',
  );
  return {
    commands: records(contributes.commands, 'contributes.commands').map(c =>
      stringField(c, 'command', 'commands[]'),
    ),
    viewContainers: records(containers.activitybar, 'viewsContainers.activitybar').map(c =>
      stringField(c, 'id', 'activitybar[]'),
    ),
    views: Object.values(views).flatMap(list =>
      records(list, 'contributes.views.*').map(v => stringField(v, 'id', 'views[]')),
    ),
    customEditors: records(contributes.customEditors, 'contributes.customEditors').map(e =>
      stringField(e, 'viewType', 'customEditors[]'),
    ),
    settings: Object.keys(configuration.properties),
    whenClauses: collectWhen(contributes, []),
  };
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('Extension activation', () => {
  let extension: vscode.Extension<unknown>;
  let manifest: Manifest;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(
      found,
      `extension ${EXTENSION_ID} is not loaded in this VS Code (extensionDevelopmentPath wrong?)`,
    );
    extension = found;
    manifest = readManifest(extension.packageJSON);
    await extension.activate();
  });

  it('activates', () => {
    assert.equal(extension.isActive, true);
  });

  it('registers every command that package.json contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.commands.filter(id => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes every dandi.* command it registers', async () => {
    const contributed = new Set(manifest.commands);
    // VS Code itself registers `<view id>.focus`, `.resetViewLocation` etc. for each view, and
    // `workbench.view.extension.<container>` for the container: those are not ours to declare.
    const viewPrefixes = manifest.views.map(id => `${id}.`);
    const unexpected = (await vscode.commands.getCommands(true)).filter(
      id =>
        id.startsWith('dandi.') &&
        !contributed.has(id) &&
        !viewPrefixes.some(prefix => id.startsWith(prefix)),
    );
    assert.deepEqual(
      unexpected,
      [],
      `registered but not in package.json contributes.commands: ${unexpected.join(', ')}`,
    );
  });

  it('runs against the stand-in archive the test runner started', () => {
    const archive = process.env.DANDI_TEST_ARCHIVE;
    assert.ok(archive, 'DANDI_TEST_ARCHIVE is not set in the extension host');
    const info: unknown = JSON.parse(archive);
    assert.ok(isRecord(info) && typeof info.apiUrl === 'string', 'DANDI_TEST_ARCHIVE has no apiUrl');
    const config = vscode.workspace.getConfiguration(Settings.section);
    assert.equal(config.get<string>(Settings.instance), 'custom');
    assert.equal(config.get<string>(Settings.apiUrl), info.apiUrl);
  });
});

describe('src/constants.ts matches package.json', () => {
  let manifest: Manifest;
  before(() => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    manifest = readManifest(extension.packageJSON);
  });

  it('command ids', () => {
    assert.deepEqual(sorted(Object.values(Commands)), sorted(manifest.commands));
  });

  it('view container and view ids', () => {
    const { container, ...views } = Views;
    assert.deepEqual(manifest.viewContainers, [container]);
    assert.deepEqual(sorted(Object.values(views)), sorted(manifest.views));
  });

  it('custom editor view types', () => {
    assert.deepEqual(sorted(Object.values(ViewTypes)), sorted(manifest.customEditors));
  });

  it('setting keys', () => {
    const { section, ...keys } = Settings;
    assert.deepEqual(sorted(Object.values(keys).map(key => `${section}.${key}`)), sorted(manifest.settings));
  });

  it('context keys are the ones the when clauses read', () => {
    const whenText = manifest.whenClauses.join(' ');
    const unused = Object.values(ContextKeys).filter(
      key => !new RegExp(`(^|[^\\w.])${key.replace('.', '\\.')}\\b`).test(whenText),
    );
    assert.deepEqual(unused, [], `context keys no when clause reads: ${unused.join(', ')}`);
  });
});
