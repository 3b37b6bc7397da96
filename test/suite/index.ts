/**
 * Mocha runner inside the VS Code extension host. VS Code (desktop through @vscode/test-electron,
 * or code-server through test/vscode/run.mjs) loads this file as `extensionTestsPath` and awaits
 * `run()`. It runs every dist/test/integration/**\/*.test.js and, because a web workbench gives
 * the outside runner no exit code, writes the outcome to the JSON file named by DANDI_TEST_RESULT.
 *
 * Environment: DANDI_TEST_RESULT (result file), DANDI_TEST_GREP (only tests whose full title
 * matches this regular expression).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** The JSON the outside runner reads. */
export interface SuiteResult {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
  tests: { title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number }[];
  vscodeVersion?: string;
}

function findTestFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(name => name.endsWith('.test.js'))
    .map(name => path.join(dir, name))
    .sort();
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

function writeResult(result: SuiteResult): void {
  const file = process.env.DANDI_TEST_RESULT;
  if (!file) return;
  // Write then rename, so a runner polling for the file never reads half of it.
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, JSON.stringify(result, null, 2));
  fs.renameSync(partial, file);
}

function printResult(result: SuiteResult): void {
  for (const test of result.tests) {
    const mark = test.state === 'passed' ? 'ok  ' : test.state === 'failed' ? 'FAIL' : 'skip';
    console.log(`  ${mark} ${test.title}`);
  }
  for (const failure of result.failures) console.error(`\nFAILED: ${failure.title}\n${failure.error}`);
  console.log(`\n${result.passed} passed, ${result.failed} failed, ${result.pending} pending`);
}

export async function run(): Promise<void> {
  const result: SuiteResult = { passed: 0, failed: 0, pending: 0, failures: [], tests: [] };
  try {
    // Loaded lazily so that even a missing mocha is reported through the result file.
    const vscode = await import('vscode');
    result.vscodeVersion = vscode.version;
  } catch {
    // Not inside VS Code: the tests themselves will say so.
  }
  try {
    const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
    const grep = process.env.DANDI_TEST_GREP;
    if (grep) mocha.grep(new RegExp(grep));
    const files = findTestFiles(path.resolve(__dirname, '../integration'));
    if (files.length === 0)
      throw new Error(`no *.test.js under ${path.resolve(__dirname, '../integration')}`);
    for (const file of files) mocha.addFile(file);
    await mocha.loadFilesAsync();

    await new Promise<void>(resolve => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', test => {
        result.passed++;
        result.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      });
      runner.on('fail', (test, err: unknown) => {
        result.failed++;
        result.failures.push({ title: test.fullTitle(), error: describeError(err) });
        result.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration });
      });
      runner.on('pending', test => {
        result.pending++;
        result.tests.push({ title: test.fullTitle(), state: 'pending' });
      });
    });
  } catch (err) {
    // A test file that throws while loading, or mocha itself: still a result, never a silent hang.
    result.failed++;
    result.failures.push({ title: 'loading the VS Code test suite', error: describeError(err) });
  }
  writeResult(result);
  printResult(result);
  if (result.failed > 0) throw new Error(`${result.failed} VS Code test(s) failed`);
}
