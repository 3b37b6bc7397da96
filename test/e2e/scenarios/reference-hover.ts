/**
 * DANDI references in a Python file: hovering one shows the Dandiset's card, Ctrl+click on it
 * reveals the version in the DANDI view, and a Dandiset that does not exist is a warning in the
 * Problems panel.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../types';

const UI_TIMEOUT_MS = 60_000;

const scenario: Scenario = {
  name: 'reference-hover',
  async run(ctx) {
    const { page, archive } = ctx;
    const demo = archive.ids.nwbDemo;
    const record = (await (await fetch(`${archive.apiUrl}/dandisets/${demo}/`)).json()) as {
      most_recent_published_version: { version: string; name: string } | null;
    };
    const published = record.most_recent_published_version;
    if (!published) throw new Error(`the stand-in Dandiset ${demo} has no published version`);
    const reference = `DANDI:${demo}/${published.version}`;
    const file = join(ctx.workspaceDir, 'analysis_references.py');
    writeFileSync(
      file,
      [
        '"""Streams the generated NWB demo of the stand-in archive."""',
        '',
        `DATASET = "${reference}"  # the published version`,
        `WEB_PAGE = "https://dandiarchive.org/dandiset/${demo}/draft"`,
        'MISSING = "DANDI:999999"  # no such Dandiset',
        '',
      ].join('\n'),
    );
    await ctx.openFile(file);
    const editor = page.locator('.editor-instance .monaco-editor').first();
    // The innermost span holding the reference (a line's outer span holds the whole line).
    const token = editor.locator('.view-line span span', { hasText: reference }).last();
    await token.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

    // Hover: the card with the Dandiset's name, version and actions.
    const hover = page.locator('.monaco-hover:visible', { hasText: published.name }).first();
    // The line re-renders when the links and warnings arrive: measure the span once it stays put.
    let box = await token.boundingBox().catch(() => null);
    for (let tries = 0; !box && tries < 40; tries++) {
      await page.waitForTimeout(250);
      box = await token.boundingBox().catch(() => null);
    }
    if (!box) throw new Error(`${reference} is not on screen`);
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    // The mouse comes in from below, so the editor sees it move onto the reference.
    await page.mouse.move(x, y + 4 * box.height);
    await page.mouse.move(x, y, { steps: 5 });
    const shown = await hover.waitFor({ state: 'visible', timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (!shown) {
      // Show Hover from the keyboard (Ctrl+K Ctrl+I) with the cursor inside the reference.
      await page.mouse.click(x, y);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      await hover.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(() => {
        throw new Error(`hovering ${reference} showed no card with "${published.name}"`);
      });
    }
    for (const text of [`Version ${published.version}`, 'Reveal', 'Copy citation']) {
      if (!(await hover.getByText(text, { exact: false }).first().isVisible()))
        throw new Error(`the hover card has no "${text}"`);
    }
    await ctx.screenshot('reference-hover');

    // Following the link reveals the version and selects it in the DANDI tree.
    // Follow the link as Ctrl+click does, through the editor's Open Link with the cursor in the
    // reference (a held Ctrl leaks into the webviews of later scenarios in this workbench).
    await page.keyboard.press('Escape');
    await page.mouse.click(x, y);
    await ctx.runCommand('Open Link');
    await page
      .locator('.part.sidebar .monaco-list-row.selected', { hasText: published.version })
      .first()
      .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS })
      .catch(() => {
        throw new Error(`Ctrl+click on ${reference} did not reveal version ${published.version}`);
      });
    await ctx.screenshot('reference-reveal');

    // The unknown Dandiset is a warning in the Problems panel.
    await ctx
      .runCommand('View: Focus Problems (Errors, Warnings, Infos)')
      .catch(() => ctx.runCommand('Problems: Focus on Problems View'));
    await page
      .locator('.markers-panel .monaco-list-row', { hasText: /999999 does not exist/ })
      .first()
      .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS })
      .catch(() => {
        throw new Error('the Problems panel shows no warning for DANDI:999999');
      });
    await ctx.screenshot('reference-problems');
    // Later scenarios need the editor's full height: the panel goes (its command's title in VS Code 1.100).
    await ctx.runCommand('View: Hide Panel').catch(() => ctx.runCommand('View: Close Panel'));
    await page
      .locator('.markers-panel')
      .waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS })
      .catch(() => {
        throw new Error('the Problems panel did not close');
      });
    await ctx.reset();
    rmSync(file, { force: true }); // later scenarios download into the workspace
  },
};

export default scenario;
