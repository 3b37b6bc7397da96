/**
 * Runs the end-to-end scenarios (dist/test/e2e/scenarios/*.js, in file-name order) in one open
 * workbench page. Called by test/vscode/run.mjs once the page shows the workbench with the
 * extension under development. Every scenario ends with a screenshot a person can look at, also
 * (especially) when it fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { WorkbenchHarness } from './harness';
import type { ArchiveInfo, Scenario } from './types';

export interface E2ERunOptions {
  page: Page;
  archive: ArchiveInfo;
  workspaceDir: string;
  resultsDir: string;
  repoRoot: string;
  scenariosDir: string;
  /** Only scenarios whose name matches. */
  grep?: RegExp;
  log?: (message: string) => void;
}

export interface E2EResult {
  scenario: string;
  passed: boolean;
  /** Repository-relative path of the scenario's last screenshot. */
  screenshot: string;
  error?: string;
  durationMs: number;
}

/** A scenario that hangs fails instead of stalling the whole run. */
const SCENARIO_TIMEOUT_MS = Number(process.env.DANDI_E2E_SCENARIO_TIMEOUT_S ?? 300) * 1000;

function isScenario(value: unknown): value is Scenario {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Scenario).name === 'string' &&
    typeof (value as Scenario).run === 'function'
  );
}

function loadScenarios(dir: string): { file: string; scenario: Scenario }[] {
  if (!fs.existsSync(dir)) throw new Error(`no scenarios folder ${dir} (build the tests first)`);
  return fs
    .readdirSync(dir)
    .filter(name => name.endsWith('.js'))
    .sort()
    .map(name => {
      const file = path.join(dir, name);
      // Each scenario is its own esbuild bundle (CommonJS) with a default export.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded: unknown = require(file);
      const candidate = (loaded as { default?: unknown }).default;
      if (!isScenario(candidate))
        throw new Error(`${file} has no default export of the Scenario shape {name, run}`);
      return { file, scenario: candidate };
    });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const describeError = (err: unknown): string =>
  err instanceof Error ? (err.stack ?? err.message) : String(err);

export async function runE2E(options: E2ERunOptions): Promise<E2EResult[]> {
  const log = options.log ?? ((message: string) => console.log(message));
  const harness = new WorkbenchHarness(options);
  const scenarios = loadScenarios(options.scenariosDir).filter(
    ({ scenario }) => !options.grep || options.grep.test(scenario.name),
  );
  if (scenarios.length === 0) {
    log(`no e2e scenario matches ${options.grep ? String(options.grep) : '(none built)'}`);
    return [];
  }
  await harness.waitForWorkbench();

  const results: E2EResult[] = [];
  for (const [index, { scenario }] of scenarios.entries()) {
    const started = Date.now();
    harness.clearLastScreenshot();
    let error: string | undefined;
    try {
      await harness.collapseDandiTree();
      await withTimeout(
        scenario.run(harness),
        scenario.timeoutMs ?? SCENARIO_TIMEOUT_MS,
        `scenario ${scenario.name}`,
      );
    } catch (err) {
      error = describeError(err);
    }
    // Failures always get a fresh picture of the state they left; passes keep the scenario's own.
    let screenshot = harness.lastScreenshot();
    if (error !== undefined || screenshot === undefined) {
      screenshot = await harness.screenshot(scenario.name).catch(() => '');
    }
    const result: E2EResult = {
      scenario: scenario.name,
      passed: error === undefined,
      screenshot,
      durationMs: Date.now() - started,
    };
    if (error !== undefined) result.error = error;
    results.push(result);
    log(
      `${result.passed ? 'ok  ' : 'FAIL'} e2e ${scenario.name} (${(result.durationMs / 1000).toFixed(1)} s) ${screenshot}`,
    );
    if (error !== undefined) log(`     ${error.replace(/\n/g, '\n     ')}`);

    try {
      await harness.reset();
    } catch (err) {
      // A workbench that cannot be reset would make every later result meaningless: report the
      // rest as failed rather than leaving them out.
      const reason = `not run: the workbench could not be reset after ${scenario.name}: ${describeError(err)}`;
      log(reason);
      for (const { scenario: rest } of scenarios.slice(index + 1)) {
        results.push({ scenario: rest.name, passed: false, screenshot: '', error: reason, durationMs: 0 });
      }
      break;
    }
  }
  return results;
}
