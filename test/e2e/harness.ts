/**
 * The E2EContext helpers, written against the DOM of the real VS Code 1.100 workbench
 * (code-server in Chromium). Every helper waits for a condition of the page, never for a fixed
 * time, and fails with a message that names what it waited for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { ArchiveInfo, E2EContext } from './types';

/** Long enough for a cold extension host and the stand-in archive on a busy 2-core machine. */
const UI_TIMEOUT_MS = 30_000;

/** An empty spot of the title bar, away from anything with a hover. */
const VIEWPORT_CORNER = { x: 250, y: 15 };

const SELECTORS = {
  workbench: '.monaco-workbench',
  activityBarDandi: '.part.activitybar li.action-item:has(> a.action-label[aria-label^="DANDI"])',
  sidebar: '.part.sidebar',
  dandiViewlet: '.part.sidebar #workbench\\.view\\.extension\\.dandi',
  treeRow: '.monaco-list-row',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  quickInputMessage: '.quick-input-widget .quick-input-message',
  toast: '.notification-toast',
  notificationItem:
    '.notifications-toasts .notification-list-item, .notifications-center .notification-list-item',
  visibleWebview: 'iframe.webview.ready:visible',
} as const;

/**
 * The few DOM members the in-page predicates use. tsconfig has no DOM library (host code must not
 * see browser globals), so functions that run in the page reach `document` through this type.
 */
interface PageElement {
  textContent: string | null;
  value?: string;
  offsetParent: unknown;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
}
interface PageGlobals {
  document: {
    querySelectorAll(selector: string): ArrayLike<PageElement>;
    querySelector(selector: string): PageElement | null;
  };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A label pattern that survives the trip into page.evaluate (RegExp objects do not). */
interface LabelPattern {
  source: string;
  flags: string;
}
const toPattern = (label: string | RegExp): LabelPattern =>
  typeof label === 'string'
    ? { source: escapeRegExp(label), flags: '' }
    : { source: label.source, flags: label.flags };

export interface HarnessOptions {
  page: Page;
  archive: ArchiveInfo;
  workspaceDir: string;
  /** Absolute folder for screenshots (test-results/). */
  resultsDir: string;
  /** Screenshot paths are reported relative to this folder (the repository). */
  repoRoot: string;
}

export class WorkbenchHarness implements E2EContext {
  readonly page: Page;
  readonly archive: ArchiveInfo;
  readonly workspaceDir: string;
  private lastScreenshotPath: string | undefined;

  constructor(private readonly options: HarnessOptions) {
    this.page = options.page;
    this.archive = options.archive;
    this.workspaceDir = options.workspaceDir;
  }

  /** Waits until the workbench has rendered and our extension's activity-bar item is there. */
  async waitForWorkbench(timeoutMs = 120_000): Promise<void> {
    await this.page.locator(SELECTORS.workbench).waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page
      .locator(SELECTORS.activityBarDandi)
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs })
      .catch(() => {
        throw new Error(
          'the DANDI activity-bar item never appeared: the extension was not loaded into the workbench',
        );
      });
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.options.resultsDir, { recursive: true });
    const file = path.join(this.options.resultsDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    this.lastScreenshotPath = path.relative(this.options.repoRoot, file);
    return this.lastScreenshotPath;
  }

  /** Path of the last screenshot taken (repository-relative), or undefined since the last clear. */
  lastScreenshot(): string | undefined {
    return this.lastScreenshotPath;
  }

  clearLastScreenshot(): void {
    this.lastScreenshotPath = undefined;
  }

  /**
   * Collapses the DANDI tree when it is shown, so that a scenario's `expandTreeItem(/^draft/)`
   * finds its own Dandiset's row, not one an earlier scenario left expanded above it.
   */
  async collapseDandiTree(): Promise<void> {
    if (!(await this.page.locator(SELECTORS.dandiViewlet).isVisible())) return;
    const collapseAll = this.page
      .locator(
        '.part.sidebar .title-actions .action-label[aria-label^="Collapse All"], .part.sidebar .pane-header .action-label[aria-label^="Collapse All"]',
      )
      .first();
    if (await collapseAll.isVisible().catch(() => false)) await collapseAll.click();
  }

  async openDandiView(): Promise<void> {
    const item = this.page.locator(SELECTORS.activityBarDandi).first();
    await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    // Clicking the active container would hide the side bar, so only click when it is not shown.
    const viewlet = this.page.locator(SELECTORS.dandiViewlet);
    if ((await item.getAttribute('aria-selected')) !== 'true' || !(await viewlet.isVisible())) {
      await item.click();
      // Move the pointer off the activity bar so its hover label does not cover screenshots.
      await this.page.mouse.move(VIEWPORT_CORNER.x, VIEWPORT_CORNER.y);
    }
    await viewlet.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  }

  treeItem(label: string | RegExp): Locator {
    const text = typeof label === 'string' ? new RegExp(escapeRegExp(label)) : label;
    // Locators wait when used, so callers get the "waits until visible" behaviour from any action.
    return this.page
      .locator(`${SELECTORS.dandiViewlet} ${SELECTORS.treeRow}`)
      .filter({ hasText: text })
      .first();
  }

  async expandTreeItem(label: string | RegExp): Promise<void> {
    const row = this.treeItem(label);
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    if ((await row.getAttribute('aria-expanded')) === null) {
      throw new Error(`tree item ${String(label)} is not expandable`);
    }
    if ((await row.getAttribute('aria-expanded')) !== 'true') {
      // The twistie toggles even when the item has a click command.
      await row.locator('.monaco-tl-twistie').click();
      // The item's tooltip would otherwise cover the rows the screenshot is about.
      await this.page.mouse.move(VIEWPORT_CORNER.x, VIEWPORT_CORNER.y);
    }
    await this.page
      .waitForFunction(
        ({ rowSelector, pattern }) => {
          const re = new RegExp(pattern.source, pattern.flags);
          const { document } = globalThis as unknown as PageGlobals;
          const rows = Array.from(document.querySelectorAll(rowSelector));
          const parent = rows.find(r => re.test(r.textContent ?? ''));
          if (!parent || parent.getAttribute('aria-expanded') !== 'true') return false;
          const index = Number(parent.dataset.index);
          const level = Number(parent.getAttribute('aria-level'));
          const next = rows.find(r => Number(r.dataset.index) === index + 1);
          return next !== undefined && Number(next.getAttribute('aria-level')) === level + 1;
        },
        { rowSelector: `${SELECTORS.dandiViewlet} ${SELECTORS.treeRow}`, pattern: toPattern(label) },
        { timeout: UI_TIMEOUT_MS },
      )
      .catch(() => {
        throw new Error(
          `tree item ${String(label)} expanded but no children appeared within ${UI_TIMEOUT_MS / 1000} s`,
        );
      });
  }

  async runCommand(title: string): Promise<void> {
    await this.openCommandPalette();
    const input = this.page.locator(SELECTORS.quickInputBox);
    await input.fill(`>${title}`);
    const exact = new RegExp(`^${escapeRegExp(title)}$`);
    const row = this.page
      .locator(SELECTORS.quickInputRow)
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async () => {
      const offered = await this.page.locator(`${SELECTORS.quickInputRow} .label-name`).allInnerTexts();
      throw new Error(
        `the command palette has no command "${title}" (offered: ${offered.slice(0, 8).join(' | ') || 'nothing'})`,
      );
    });
    await row.click();
    // Done when the palette is gone, or when the command reused the quick input for its own prompt.
    await this.page.waitForFunction(
      selector => {
        const box = (globalThis as unknown as PageGlobals).document.querySelector(selector);
        return !box || box.offsetParent === null || !(box.value ?? '').startsWith('>');
      },
      SELECTORS.quickInputBox,
      { timeout: UI_TIMEOUT_MS },
    );
  }

  private async openCommandPalette(): Promise<void> {
    const input = this.page.locator(SELECTORS.quickInputBox);
    if (await input.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.locator(SELECTORS.workbench).waitFor({ state: 'visible' });
    // F1 is the palette in every keymap; Ctrl+Shift+P is the fallback when F1 is swallowed
    // (for example while focus is inside a webview).
    for (const key of ['F1', 'Control+Shift+P']) {
      await this.page.keyboard.press(key);
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        return;
      } catch {
        // try the next key
      }
    }
    // Last resort: give the workbench focus and try once more.
    await this.page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } });
    await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  }

  async answerQuickInput(text: string): Promise<void> {
    const input = this.page.locator(SELECTORS.quickInputBox);
    // The palette hands its widget over to the command's prompt: wait until the prompt owns it
    // (visible, and no longer holding the palette's `>command` text).
    await this.page
      .waitForFunction(
        selector => {
          const box = (globalThis as unknown as PageGlobals).document.querySelector(selector);
          return box !== null && box.offsetParent !== null && !(box.value ?? '').startsWith('>');
        },
        SELECTORS.quickInputBox,
        { timeout: UI_TIMEOUT_MS },
      )
      .catch(() => {
        throw new Error(`no quick input to answer "${text}" with`);
      });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
    try {
      // Accepted: the quick input closed, or moved on to a next step (its value was replaced).
      await this.page.waitForFunction(
        ({ selector, typed }) => {
          const box = (globalThis as unknown as PageGlobals).document.querySelector(selector);
          return !box || box.offsetParent === null || box.value !== typed;
        },
        { selector: SELECTORS.quickInputBox, typed: text },
        { timeout: UI_TIMEOUT_MS },
      );
    } catch {
      const message = await this.page
        .locator(SELECTORS.quickInputMessage)
        .innerText()
        .catch(() => '');
      throw new Error(`the quick input did not accept "${text}"${message ? `: ${message}` : ''}`);
    }
  }

  async openFile(file: string): Promise<void> {
    const name = path.basename(file);
    await this.runCommand('Go to File...');
    // An absolute path is resolved directly; a bare name would go through the file-search cache,
    // which can miss files created a moment ago.
    await this.page.locator(SELECTORS.quickInputBox).fill(path.resolve(file));
    const row = this.page.locator(SELECTORS.quickInputRow).filter({ hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(() => {
      throw new Error(`Go to File did not offer ${file}`);
    });
    await row.click();
    await this.page
      .locator('.tabs-container .tab.active', { hasText: name })
      .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS })
      .catch(() => {
        throw new Error(`${file} did not open in an editor tab`);
      });
  }

  async runContextMenuItem(row: Locator, label: string): Promise<void> {
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view');
    const entry = menu.locator('.action-item', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }).first();
    await entry.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(() => {
      throw new Error(`the context menu has no "${label}" entry`);
    });
    await entry.hover();
    await this.page.keyboard.press('Enter');
    await entry.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS }).catch(() => {
      throw new Error(`the context menu stayed open after choosing "${label}"`);
    });
  }

  async activeWebview(): Promise<FrameLocator> {
    const outer = this.page.locator(SELECTORS.visibleWebview).first();
    await outer.waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS }).catch(() => {
      throw new Error('no webview is visible');
    });
    const inner = outer.contentFrame().frameLocator('#active-frame');
    await inner.locator('body').waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
    return inner;
  }

  async waitForNotification(text: string | RegExp, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
    const pattern = typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text;
    const item = this.page.locator(SELECTORS.notificationItem).filter({ hasText: pattern }).first();
    await item.waitFor({ state: 'attached', timeout: timeoutMs }).catch(async () => {
      const shown = await this.page
        .locator(`${SELECTORS.notificationItem} .notification-list-item-message`)
        .allInnerTexts();
      throw new Error(
        `no notification matching ${String(pattern)} within ${timeoutMs / 1000} s (shown: ${shown.join(' | ') || 'none'})`,
      );
    });
    return (
      await item
        .locator('.notification-list-item-message')
        .innerText()
        .catch(() => item.innerText())
    ).trim();
  }

  async reset(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.runCommand('View: Close All Editors');
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page
      .locator(SELECTORS.toast)
      .first()
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
      .catch(() => undefined);
  }
}
