/**
 * `dandi.openZarr` in a real VS Code on a local OME-Zarr folder: the OME-Zarr viewer opens, its
 * webview draws the level that fits the panel and reports it.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/constants';
import type { OmePanel } from '../../src/editor/omePanel';
import { defaultFixturesDir } from '../archive/server';

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

describe('OME-Zarr viewer (dandi.openZarr)', function () {
  this.timeout(120_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a local OME-Zarr folder and draws a level of it', async () => {
    const folder = vscode.Uri.file(join(defaultFixturesDir(), 'zarr', 'omezarrmodels__cat.ome.zarr'));
    const panel = await vscode.commands.executeCommand<OmePanel | undefined>(Commands.openZarr, folder);
    assert.ok(panel, 'no OME-Zarr panel opened');
    assert.equal(panel.title, 'omezarrmodels__cat.ome.zarr');
    const render = await until('the first complete render', () => panel.lastRender);
    assert.ok(render.level >= 0 && render.level <= 4, `level ${render.level}`);
    assert.ok(render.tiles > 0, 'no tile drawn');
  });
});
