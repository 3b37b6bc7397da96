/**
 * "Open as notebook" from the NWB viewer: a DfOverF of an asset streamed from the DANDI view opens
 * as an untitled notebook in VS Code's notebook editor with its cells (the title naming the object,
 * the streaming recipe, the plot); saved through File: Save As, the .ipynb is kept under
 * test-results/ and validated with nbformat, every code cell compiling.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkNotebook } from '../../support/notebookCheck';
import type { Locator } from 'playwright-core';
import type { Scenario } from '../types';
import { check, openPath, repoRoot, waitForView } from '../viewerSteps';

const OBJECT = '/processing/ophys/DfOverF';
const TIMEOUT_MS = 120_000;
const SAVE_WAIT_MS = 30_000;

const scenario: Scenario = {
  name: 'generate-notebook',
  async run(ctx) {
    await ctx.openDandiView();
    await ctx.expandTreeItem(ctx.archive.ids.nwbDemo);
    await ctx.expandTreeItem(/^draft/);
    await ctx.treeItem(/ophys\.nwb/).click();
    const frame = await ctx.activeWebview();
    await waitForView(frame, { path: '/', view: 'overview' });
    await openPath(frame, OBJECT);
    await frame.getByRole('button', { name: 'Open as notebook' }).click();

    // Code cells are editors in the workbench's DOM (Markdown renders in the notebook's webview).
    const tab = ctx.page.locator('.tabs-container .tab.active');
    await tab.filter({ hasText: /Untitled-\d+\.ipynb/ }).waitFor({ timeout: TIMEOUT_MS });
    const cells = ctx.page.locator('.notebookOverlay .cell-list-container .monaco-list-row');
    await cells.filter({ hasText: 'remfile.File' }).first().waitFor({ timeout: TIMEOUT_MS });
    const rows = await cells.count();
    check(rows >= 4, `the notebook editor shows only ${rows} cells`);
    const status = await ctx.page.locator('.statusbar').innerText();
    check(/Cell \d+ of 8/.test(status), `the status bar does not count the 8 cells: ${status}`);
    await ctx.screenshot('generate-notebook');
    // The last cell: the matplotlib plot of 5 ROIs (Focus Last Cell, in the notebook's command mode).
    await ctx.page.keyboard.press('Escape');
    await ctx.page.keyboard.press('Control+End');
    await cells.filter({ hasText: 'frames, rois = 1000, 5' }).first().waitFor({ timeout: TIMEOUT_MS });
    await ctx.screenshot('generate-notebook-plot');

    // Save it where the runner's workspace is, as a user would, and keep it with the results.
    const saved = path.join(ctx.workspaceDir, 'generate-notebook.ipynb');
    fs.rmSync(saved, { force: true });
    // Save As through the simple file dialog; once more if the first try wrote nothing (in a long
    // run a notification or a leftover widget can take the Enter).
    let written = false;
    for (let attempt = 1; attempt <= 2 && !written; attempt++) {
      await ctx.page.keyboard.press('Escape');
      await ctx.runCommand('File: Save As...');
      const input = ctx.page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
      // The simple file dialog puts in its default path once it has listed the folder; a path typed
      // before that is overwritten and the notebook goes to the default (seen on a loaded CI host).
      await waitForValue(input, value => value.endsWith('.ipynb') && !value.startsWith('>'));
      await input.fill(saved);
      await waitForValue(input, value => value === saved);
      await ctx.page.waitForTimeout(300);
      await input.press('Enter');
      const deadline = Date.now() + SAVE_WAIT_MS;
      while (!(written = fs.existsSync(saved) && fs.statSync(saved).size > 0) && Date.now() < deadline)
        await ctx.page.waitForTimeout(250);
      if (!written) await ctx.screenshot(`generate-notebook-save-${attempt}`);
    }
    if (!written) {
      const elsewhere = fs.readdirSync(ctx.workspaceDir).filter(name => name.endsWith('.ipynb'));
      throw new Error(
        `Save As did not write ${saved} (notebooks in the workspace: ${elsewhere.join(', ') || 'none'})`,
      );
    }
    const kept = path.join(repoRoot(), 'test-results', 'generate-notebook.ipynb');
    fs.mkdirSync(path.dirname(kept), { recursive: true });
    fs.copyFileSync(saved, kept);
    const text = fs.readFileSync(saved, 'utf8');
    const code = checkNotebook(text).join('\n');
    check(code.includes('remfile.File(s3_url)'), 'the saved notebook does not stream the asset');
    check(
      code.includes('obj = nwbfile.processing["ophys"]["DfOverF"]'),
      'the saved notebook does not reach the DfOverF',
    );
    check(/frames, rois = 1000, 5/.test(code), 'the saved notebook does not plot 5 ROIs × 1000 frames');
  },
};

/** Polls the input's value until `ok` accepts it; throws with the last value otherwise. */
async function waitForValue(input: Locator, ok: (value: string) => boolean): Promise<void> {
  const deadline = Date.now() + SAVE_WAIT_MS;
  let value = await input.inputValue();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`the Save As dialog shows "${value}"`);
    await new Promise(resolve => setTimeout(resolve, 100));
    value = await input.inputValue();
  }
}

export default scenario;
