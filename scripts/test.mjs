// `npm test`: everything a change must pass, in order, stopping at the first failure:
// build, type check, lint, fixture generation (when missing), the plain-Node unit tests, the
// VS Code suite and the end-to-end scenarios in a real VS Code (test/vscode/run.mjs, which also
// installs code-server and Chromium when they are missing), then the .vsix built and installed.
// The last line is always `N passed, N failed`, counting unit tests, VS Code suite tests, e2e
// scenarios and the package check; a step that fails without tests of its own (build, check,
// lint, fixtures) counts as one failure.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGeneratedFixtures } from '../test/vscode/archive.mjs';
import { checkPackage } from '../test/vscode/packageCheck.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(repoRoot, 'test-results');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const totals = { passed: 0, failed: 0 };
const timings = [];
let current;

/** Runs a command with inherited output; resolves with its exit code. */
function run(cmd, args, env = {}) {
  return new Promise(resolvePromise => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
    current = child;
    child.on('error', err => {
      console.error(`cannot run ${cmd}: ${err.message}`);
      resolvePromise(127);
    });
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function finish(failedStep) {
  console.log('\n── npm test ──');
  for (const { name, ms, ok } of timings)
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(22)} ${(ms / 1000).toFixed(1)} s`);
  if (failedStep) console.log(`\nstopped: ${failedStep} failed (see its output above)`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(failedStep || totals.failed > 0 ? 1 : 0);
}

/** A step without countable tests: its failure counts as one. */
async function step(name, fn) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  let ok;
  try {
    ok = await fn();
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    ok = false;
  }
  timings.push({ name, ms: Date.now() - started, ok });
  return ok;
}

// Ctrl+C reaches the child too (same process group); report and stop.
process.on('SIGINT', () => {
  current?.kill('SIGINT');
  console.log('\ninterrupted');
  totals.failed++;
  finish('interrupted');
});

async function main() {
  mkdirSync(resultsDir, { recursive: true });

  for (const [name, cmd, args] of [
    ['build', process.execPath, ['esbuild.mjs']],
    ['type check', npm, ['run', 'check']],
    ['lint', npm, ['run', 'lint']],
  ]) {
    if (!(await step(name, async () => (await run(cmd, args)) === 0))) {
      totals.failed++;
      return finish(name);
    }
  }

  if (!(await step('fixtures', async () => (ensureGeneratedFixtures(repoRoot), true)))) {
    totals.failed++;
    return finish('fixtures');
  }

  const mochaCounts = join(resultsDir, 'unit-counts.json');
  rmSync(mochaCounts, { force: true });
  const unitOk = await step('unit tests', async () => {
    const code = await run(
      process.execPath,
      [
        join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'),
        '--config',
        '.mocharc.json',
        '--reporter',
        join(repoRoot, 'test', 'vscode', 'countingReporter.cjs'),
      ],
      { DANDI_MOCHA_COUNTS: mochaCounts },
    );
    const counts = readJson(mochaCounts);
    if (counts) {
      totals.passed += counts.passed;
      totals.failed += counts.failed;
    } else totals.failed++; // mocha died before reporting
    return code === 0 && counts !== undefined && counts.failed === 0;
  });
  if (!unitOk) return finish('unit tests');

  const vscodeRun = join(resultsDir, 'vscode-run.json');
  rmSync(vscodeRun, { force: true });
  const vscodeOk = await step('VS Code suite + e2e', async () => {
    const code = await run(process.execPath, [join(repoRoot, 'test', 'vscode', 'run.mjs')]);
    const summary = readJson(vscodeRun);
    if (summary) {
      totals.passed += summary.suite.passed + summary.e2e.passed;
      totals.failed += summary.suite.failed + summary.e2e.failed;
    } else totals.failed++; // the runner failed before it could count (install, archive, ...)
    return code === 0;
  });
  if (!vscodeOk) return finish('VS Code suite + e2e');

  // One test: the .vsix builds and installs into a real VS Code with everything that runs.
  const packageOk = await step('package (.vsix)', async () => {
    const problem = await checkPackage();
    if (problem) console.error(problem);
    else
      console.log(
        '  ok   npm run package builds a .vsix that installs with the bundles, the worker and the plugins',
      );
    return problem === undefined;
  });
  if (packageOk) totals.passed++;
  else totals.failed++;
  return finish(packageOk ? undefined : 'package (.vsix)');
}

if (!existsSync(join(repoRoot, 'node_modules'))) {
  console.error('node_modules is missing: run `npm ci` first');
  process.exit(1);
}
main().catch(err => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  totals.failed++;
  finish('npm test');
});
