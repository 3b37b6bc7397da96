import type { FrameLocator, Locator, Page } from 'playwright-core';

/**
 * End-to-end scenarios drive the real VS Code workbench (code-server in Chromium) with the
 * extension loaded against the stand-in archive. Each scenario is a module under
 * test/e2e/scenarios/<name>.ts whose default export is a {@link Scenario}; the runner
 * (test/e2e/runE2E.ts) runs them in file-name order in one workbench, saves a screenshot per
 * scenario and writes test-results/e2e.json.
 */
export interface Scenario {
  /** Name in test-results/e2e.json, e.g. `tree-browse`. */
  name: string;
  /** Throws (with a message a person understands) when the scenario fails. */
  run(ctx: E2EContext): Promise<void>;
  /** Its own time limit, for a scenario longer than the usual budget (the object sweep). */
  timeoutMs?: number;
}

/** What the stand-in archive reports (the `--json` line of `npm run archive`). */
export interface ArchiveInfo {
  apiUrl: string;
  webUrl: string;
  blobOrigin: string;
  /** POST FaultConfig JSON to `${controlUrl}/faults`, POST `${controlUrl}/reset`, GET `${controlUrl}/log`. */
  controlUrl: string;
  ids: {
    scale: string;
    nwbDemo: string;
    corpus: string;
    embargoed: string;
    large: string;
    zarr: string;
    ibl: string;
    videoCorpus: string;
  };
  apiKeys: { owner: string; other: string };
}

export interface E2EContext {
  page: Page;
  archive: ArchiveInfo;
  /** The workspace folder open in the workbench (downloads land here). */
  workspaceDir: string;
  /** Saves test-results/<name>.png and returns its repository-relative path. */
  screenshot(name: string): Promise<string>;
  /** Runs a command through the command palette by its title, e.g. `DANDI: Open...`. */
  runCommand(title: string): Promise<void>;
  /** Types into the open quick input and presses Enter. */
  answerQuickInput(text: string): Promise<void>;
  /** Shows the DANDI activity-bar container. */
  openDandiView(): Promise<void>;
  /** A tree row of the DANDI views by (partial) label; waits until it is visible. */
  treeItem(label: string | RegExp): ReturnType<Page['locator']>;
  /** Expands/clicks a tree row by label and waits for its children to render. */
  expandTreeItem(label: string | RegExp): Promise<void>;
  /**
   * Opens a file by absolute path through Go to File (so it opens with its default editor, e.g.
   * the NWB viewer for .nwb) and waits for its editor tab.
   */
  openFile(file: string): Promise<void>;
  /**
   * Opens `row`'s context menu and runs the entry labelled `label` (the workbench menu acts on
   * mouse-up or the keyboard, so the entry is hovered and Enter pressed); waits until the menu closes.
   */
  runContextMenuItem(row: Locator, label: string): Promise<void>;
  /** The frame of the active webview (the NWB viewer or the details page). */
  activeWebview(): Promise<FrameLocator>;
  /** Waits until a notification whose text matches appears; returns its text. */
  waitForNotification(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Closes all editors and notifications so the next scenario starts clean. */
  reset(): Promise<void>;
}
