/**
 * Steps shared by the NWB viewer's end-to-end scenarios (test/e2e/scenarios/*): open a local NWB
 * file in the viewer, select objects in its hierarchy, and wait for the webview's render state
 * (`#view[data-state][data-view][data-path]`, see src/shared/protocol.ts) instead of sleeping.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import type { E2EContext } from './types';

/** Generous: a cold extension host on a busy 2-core machine can take a while for the first paint. */
const TIMEOUT_MS = 120_000;

/** The repository root: the nearest folder above this bundle with our package.json. */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = start;
    for (let i = 0; i < 8; i++) {
      const manifest = path.join(dir, 'package.json');
      if (fs.existsSync(manifest) && /"name":\s*"dandi-vscode"/.test(fs.readFileSync(manifest, 'utf8')))
        return dir;
      dir = path.dirname(dir);
    }
  }
  throw new Error(`cannot find the repository root above ${__dirname} or ${process.cwd()}`);
}

/** A generated fixture (`npm run fixtures` writes them to .cache/nwb). */
export function generatedNwb(name: string): string {
  const file = path.join(repoRoot(), '.cache', 'nwb', name);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run fixtures\` first`);
  return file;
}

/** A real-world fixture from ../shared/fixtures/nwb (beside the repository). */
export function realNwb(name: string): string {
  const file = path.resolve(repoRoot(), '..', 'shared', 'fixtures', 'nwb', name);
  if (!fs.existsSync(file))
    throw new Error(`${file} is missing (the shared fixtures live beside the repository)`);
  return file;
}

/**
 * Copies `file` into the workspace (the runner's temp folder, never the repository) and opens it
 * with Quick Open; `.nwb` files open in the NWB viewer by default. Returns the viewer's frame once
 * its first view has rendered.
 */
export async function openLocalNwb(
  ctx: E2EContext,
  file: string,
  asName = path.basename(file),
): Promise<FrameLocator> {
  const target = path.join(ctx.workspaceDir, asName);
  if (!fs.existsSync(target)) fs.copyFileSync(file, target);
  await ctx.runCommand('Go to File...');
  const input = ctx.page.locator('.quick-input-widget .quick-input-box input');
  const row = ctx.page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ hasText: asName })
    .first();
  // Quick Open resolves an absolute path of an existing file without waiting for the file index
  // (a just-copied file may not be indexed yet); the bare name is the fallback. Each query is
  // typed afresh, because Quick Open does not re-run a finished search by itself.
  const deadline = Date.now() + TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    await input.fill('');
    await input.fill(attempt % 2 === 0 ? target : asName);
    const shown = await row.waitFor({ state: 'visible', timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (Date.now() > deadline) throw new Error(`Quick Open did not offer ${target}`);
  }
  await row.click();
  const frame = await ctx.activeWebview();
  await waitForView(frame, {});
  return frame;
}

export interface ViewWait {
  path?: string;
  view?: string;
  timeoutMs?: number;
}

/** Waits until `#view` reports `ready` (for `path`/`view` when given); throws with the in-place error text on `error`. */
export async function waitForView(frame: FrameLocator, want: ViewWait): Promise<void> {
  const scope = `#view${want.path ? `[data-path="${cssString(want.path)}"]` : ''}${want.view ? `[data-view="${want.view}"]` : ''}`;
  const settled = frame.locator(`${scope}[data-state="ready"], ${scope}[data-state="error"]`);
  await settled
    .first()
    .waitFor({ state: 'attached', timeout: want.timeoutMs ?? TIMEOUT_MS })
    .catch(async () => {
      const view = frame.locator('#view');
      const attr = (name: string): Promise<string> =>
        view.getAttribute(name, { timeout: 1000 }).then(
          v => v ?? '?',
          () => '?',
        );
      const now = `${await attr('data-state')} ${await attr('data-view')} ${await attr('data-path')}`;
      const shown = (
        await frame
          .locator('body')
          .innerText({ timeout: 1000 })
          .catch(() => '')
      )
        .replace(/\s+/g, ' ')
        .slice(0, 200);
      throw new Error(
        `the viewer did not finish ${want.view ?? 'a view'} of ${want.path ?? 'the selection'} (now: ${now}; page: ${shown || 'empty'})`,
      );
    });
  if ((await settled.first().getAttribute('data-state')) === 'error') {
    const text = await frame
      .locator('#view [role=alert]')
      .first()
      .innerText()
      .catch(() => '(no message)');
    throw new Error(`the viewer shows an error for ${want.path ?? 'the selection'}: ${text}`);
  }
}

/** The view switcher's button for a view kind (its label is for people; the kind is in data-view). */
export function viewButton(frame: FrameLocator, kind: string): Locator {
  return frame.locator(`#view > .view-switcher button[data-view="${kind}"]`);
}

/** Waits for the next render after an interaction (the view goes loading → ready, or stays ready). */
export async function waitForRedraw(
  frame: FrameLocator,
  action: () => Promise<unknown>,
  want: ViewWait = {},
): Promise<void> {
  await action();
  await waitForView(frame, want);
}

const cssString = (s: string): string => s.replace(/["\\]/g, '\\$&');

/** A row of the viewer's hierarchy (the visible tab) by the HDF5 path it opens. */
export function treeRow(frame: FrameLocator, objectPath: string): Locator {
  return frame
    .locator(`.tree-panel:not([hidden]) [role=treeitem][data-path="${cssString(objectPath)}"]`)
    .first();
}

export async function showTab(frame: FrameLocator, tab: 'NWB' | 'HDF5'): Promise<void> {
  const button = frame.getByRole('tab', { name: tab, exact: true });
  await button.click();
  await frame.locator(`[role=tab][aria-selected="true"]`, { hasText: tab }).waitFor({ timeout: TIMEOUT_MS });
}

/**
 * Selects an object in the raw HDF5 tab by expanding each ancestor group, then waits for its view.
 */
export async function openPath(frame: FrameLocator, objectPath: string, view?: string): Promise<void> {
  await showTab(frame, 'HDF5');
  const parts = objectPath.split('/').filter(Boolean);
  const ancestors = ['/', ...parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
  for (const group of ancestors) {
    const row = treeRow(frame, group);
    await row.waitFor({ state: 'visible', timeout: TIMEOUT_MS }).catch(() => {
      throw new Error(`the HDF5 tree has no row for ${group}`);
    });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.twistie').click();
    await frame
      .locator(
        `.tree-panel:not([hidden]) [role=treeitem][aria-expanded="true"][data-path="${cssString(group)}"]`,
      )
      .waitFor({ timeout: TIMEOUT_MS });
  }
  const target = treeRow(frame, objectPath);
  await target.waitFor({ state: 'visible', timeout: TIMEOUT_MS }).catch(() => {
    throw new Error(`the HDF5 tree has no row for ${objectPath}`);
  });
  await target.click();
  await waitForView(frame, { path: objectPath, view });
}

/** Fails with `message` unless `condition` holds. */
export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** All files under a folder (relative paths), to prove that opening a remote asset downloads nothing. */
export function listFilesRecursively(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

/** The charts and ResizeObservers the viewer's views hold now (`<body data-live-charts data-live-observers>`). */
export async function liveCounts(frame: FrameLocator): Promise<{ charts: number; observers: number }> {
  const body = frame.locator('body');
  const read = async (name: string): Promise<number> => Number((await body.getAttribute(name)) ?? '0');
  return { charts: await read('data-live-charts'), observers: await read('data-live-observers') };
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Accepts VS Code's save dialog as offered (the suggested name in the workspace folder; typing
 * into the web workbench's dialog races its own completion) and waits until the file is written.
 */
export async function acceptSaveDialog(ctx: E2EContext, expectedName: string): Promise<Buffer> {
  const input = ctx.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 30_000 }).catch(() => {
    throw new Error('no save dialog appeared');
  });
  // The dialog fills its input in steps (the folder first, then the suggested name).
  const target = path.join(ctx.workspaceDir, expectedName);
  await ctx.page
    .waitForFunction(
      ({ selector, want }) => {
        const box = (
          globalThis as unknown as { document: { querySelector(s: string): { value?: string } | null } }
        ).document.querySelector(selector);
        return (box?.value ?? '').replace(/\/+$/, '') === want;
      },
      { selector: '.quick-input-widget .quick-input-box input', want: target },
      { timeout: 30_000 },
    )
    .catch(async () => {
      throw new Error(`the save dialog offered ${await input.inputValue()}, not ${target}`);
    });
  fs.rmSync(target, { force: true });
  await ctx.page.keyboard.press('Enter');
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(target) || fs.statSync(target).size === 0) {
    if (Date.now() > deadline) throw new Error(`nothing was saved at ${target}`);
    await ctx.page.waitForTimeout(100);
  }
  return fs.readFileSync(target);
}
