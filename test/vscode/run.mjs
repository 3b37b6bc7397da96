// Runs the extension's VS Code test suite and the end-to-end scenarios in a real VS Code:
// code-server 4.100.3 (VS Code 1.100.3) rendered by Debian's Chromium under playwright-core,
// against the stand-in DANDI archive. See ../shared/docs/vscode-host.md.
//
//   npm run test:vscode                    build, then suite + e2e
//   node test/vscode/run.mjs [--suite-only | --e2e-only] [--grep <regexp>] [--keep]
//
// Phase 1 (suite): a workbench page whose payload has extensionTestsPath; test/suite/index.ts runs
// mocha in the extension host and writes a JSON result file, which this script waits for.
// Phase 2 (e2e): a fresh code-server and page with only extensionDevelopmentPath; the real UI is
// driven by dist/test/e2e/runE2E.js. Outputs in test-results/: vscode-suite.json, e2e.json,
// <scenario>.png, code-server.log, archive.log, workbench-*.log, vscode-run.json (counts).
// The suite also gets a second archive over TLS (`--https`, its CA trusted through
// NODE_EXTRA_CA_CERTS) and a real proxy (tinyproxy, test/vscode/tinyproxy.mjs) for
// test/integration/network.test.ts: DANDI_TEST_HTTPS_ARCHIVE and DANDI_TEST_PROXY.
import {
  copyFileSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureCodeServer, repoRoot } from './install.mjs';
import { ensureGeneratedFixtures, startArchive, tail } from './archive.mjs';
import { launchChromium, startCodeServer, workbenchUrl, writeUserSettings } from './codeServer.mjs';
import { cleanupAll, installSignalHandlers, onCleanup, stopProcess } from './processes.mjs';
import { ensureTinyproxy, startTinyproxy } from './tinyproxy.mjs';

const USAGE = 'usage: node test/vscode/run.mjs [--suite-only | --e2e-only] [--grep <regexp>] [--keep]';
const resultsDir = join(repoRoot, 'test-results');
const VIEWPORT = { width: 1400, height: 900 };
const SUITE_TIMEOUT_MS = Number(process.env.DANDI_SUITE_TIMEOUT_S ?? 900) * 1000;

function parseArgs(argv) {
  const options = { suite: true, e2e: true, grep: undefined, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--suite-only') options.e2e = false;
    else if (arg === '--e2e-only') options.suite = false;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--grep') options.grep = argv[++i];
    else if (arg.startsWith('--grep=')) options.grep = arg.slice('--grep='.length);
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!options.suite && !options.e2e)
    throw new Error(`--suite-only and --e2e-only exclude each other\n${USAGE}`);
  if (options.grep !== undefined) new RegExp(options.grep); // a bad pattern fails here, not in the host
  return options;
}

const seconds = ms => `${(ms / 1000).toFixed(1)} s`;
const log = msg => console.log(`[vscode] ${msg}`);

function requireBuilt(files) {
  const missing = files.filter(f => !existsSync(join(repoRoot, f)));
  if (missing.length)
    throw new Error(
      `not built: ${missing.join(', ')} (run \`node esbuild.mjs\` first, or use \`npm run test:vscode\`)`,
    );
}

/** One code-server + one browser context showing the workbench; closed by the returned function. */
async function openWorkbench({
  phase,
  browser,
  entry,
  archive,
  tmpRoot,
  extensionTestsPath,
  resultFile,
  grep,
  network,
}) {
  const dir = join(tmpRoot, phase);
  const workspace = join(dir, 'workspace');
  const userDataDir = join(dir, 'user-data');
  mkdirSync(workspace, { recursive: true });
  writeUserSettings(userDataDir, { apiUrl: archive.info.apiUrl });
  const server = await startCodeServer({
    entry,
    userDataDir,
    extensionsDir: join(dir, 'extensions'),
    workspace,
    logFile: join(resultsDir, 'code-server.log'),
    env: {
      DANDI_TEST_ARCHIVE: archive.json,
      DANDI_TEST_WORKSPACE: workspace,
      ...(resultFile ? { DANDI_TEST_RESULT: resultFile } : {}),
      ...(grep ? { DANDI_TEST_GREP: grep } : {}),
      ...(network ? networkEnv(network) : {}),
    },
  });
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const consoleLog = createWriteStream(join(resultsDir, `workbench-${phase}.log`));
  page.on('console', message => consoleLog.write(`[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', err => consoleLog.write(`[pageerror] ${err.stack ?? err.message}\n`));
  page.on('crash', () => consoleLog.write('[crash] the workbench page crashed\n'));
  const url = workbenchUrl(server.origin, workspace, {
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
  });
  consoleLog.write(`[runner] ${url}\n`);
  await page.goto(url);
  const close = async () => {
    await context.close().catch(() => undefined);
    consoleLog.end();
    await stopProcess(server.child);
    // Keep the extension host logs, the first place to look when the host misbehaves.
    const logs = join(userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, join(resultsDir, `logs-${phase}`), { recursive: true });
  };
  return { server, page, workspace, close };
}

/**
 * The network tests' environment: where the HTTPS archive and the proxy are, the HTTPS archive's
 * CA trusted the way a corporate CA is (NODE_EXTRA_CA_CERTS), and no proxy from the machine's
 * environment, so the tests alone decide (through VS Code's http.* settings) what goes through one.
 */
function networkEnv({ httpsArchive, proxy }) {
  const { url, logFile, outgoingAddress } = proxy;
  const noProxyFromMachine = Object.fromEntries(
    [
      'HTTPS_PROXY',
      'https_proxy',
      'HTTP_PROXY',
      'http_proxy',
      'NO_PROXY',
      'no_proxy',
      'ALL_PROXY',
      'all_proxy',
    ].map(name => [name, '']),
  );
  return {
    ...noProxyFromMachine,
    DANDI_TEST_HTTPS_ARCHIVE: httpsArchive.json,
    DANDI_TEST_PROXY: JSON.stringify({ url, logFile, outgoingAddress }),
    NODE_EXTRA_CA_CERTS: httpsArchive.info.caFile,
  };
}

/** The HTTPS archive and tinyproxy for the suite's network tests, started beside the main archive. */
async function startNetworkParts(tmpRoot) {
  await ensureTinyproxy();
  const [httpsArchive, proxy] = await Promise.all([
    startArchive(repoRoot, {
      logFile: join(resultsDir, 'archive-https.log'),
      extraArgs: ['--https'],
      name: 'archive-https',
    }),
    startTinyproxy({ dir: join(tmpRoot, 'tinyproxy'), logFile: join(resultsDir, 'tinyproxy.log') }),
  ]);
  if (typeof httpsArchive.info.caFile !== 'string')
    throw new Error(`the --https archive printed no caFile: ${httpsArchive.json.slice(0, 300)}`);
  return { httpsArchive, proxy };
}

/** Waits for the suite's result file; fails early when code-server or the page dies. */
async function waitForSuiteResult(resultFile, session) {
  const deadline = Date.now() + SUITE_TIMEOUT_MS;
  let crashed = false;
  session.page.once('crash', () => (crashed = true));
  while (!existsSync(resultFile)) {
    if (crashed) throw new Error('the workbench page crashed before the suite finished');
    if (session.server.child.exitCode !== null)
      throw new Error(`code-server exited (code ${session.server.child.exitCode}) before the suite finished`);
    if (Date.now() > deadline) {
      await session.page.screenshot({ path: join(resultsDir, 'suite-timeout.png') }).catch(() => undefined);
      throw new Error(
        `the VS Code suite wrote no result within ${seconds(SUITE_TIMEOUT_MS)} (screenshot: test-results/suite-timeout.png)\n` +
          `--- test-results/workbench-suite.log (tail) ---\n${tail(join(resultsDir, 'workbench-suite.log'), 30)}`,
      );
    }
    // Polling a file the extension host writes; bounded by the deadline above.
    await new Promise(r => setTimeout(r, 250));
  }
  return JSON.parse(readFileSync(resultFile, 'utf8'));
}

function printSuite(result) {
  console.log(`\nVS Code suite (VS Code ${result.vscodeVersion ?? '?'}):`);
  for (const test of result.tests ?? []) {
    console.log(
      `  ${test.state === 'passed' ? 'ok  ' : test.state === 'failed' ? 'FAIL' : 'skip'} ${test.title}`,
    );
  }
  for (const failure of result.failures)
    console.log(`\n  FAILED: ${failure.title}\n    ${failure.error.replace(/\n/g, '\n    ')}`);
  console.log(
    `\n  suite: ${result.passed} passed, ${result.failed} failed${result.pending ? `, ${result.pending} pending` : ''}`,
  );
}

function mergeE2E(results, grep) {
  const file = join(resultsDir, 'e2e.json');
  let previous = [];
  if (grep && existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8'));
      if (Array.isArray(parsed)) previous = parsed;
    } catch {
      // unreadable: start over
    }
  }
  const byName = new Map(previous.map(r => [r.scenario, r]));
  for (const r of results) byName.set(r.scenario, r);
  const merged = [...byName.values()].sort((a, b) => a.scenario.localeCompare(b.scenario));
  writeFileSync(file, JSON.stringify(merged, null, 2));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  installSignalHandlers();
  mkdirSync(resultsDir, { recursive: true });
  rmSync(join(resultsDir, 'code-server.log'), { force: true });
  const timings = {};
  const summary = { suite: { passed: 0, failed: 0, pending: 0 }, e2e: { passed: 0, failed: 0 }, errors: [] };

  let started = Date.now();
  const entry = await ensureCodeServer();
  timings.installMs = Date.now() - started;
  requireBuilt([
    'dist/extension.js',
    ...(process.env.DANDI_ARCHIVE_TOOL ? [] : ['dist/tools/archive.js']),
    ...(options.suite ? ['dist/test/suite/index.js'] : []),
    ...(options.e2e ? ['dist/test/e2e/runE2E.js'] : []),
  ]);

  if (existsSync(join(repoRoot, 'dist', 'tools', 'genFixtures.js')))
    ensureGeneratedFixtures(repoRoot, { large: true });
  else
    log('WARNING: dist/tools/genFixtures.js is not built; the archive starts without generated NWB fixtures');

  const tmpRoot = mkdtempSync(join(tmpdir(), 'dandi-vscode-test-'));
  if (!options.keep) onCleanup(async () => rmSync(tmpRoot, { recursive: true, force: true }));
  else log(`keeping ${tmpRoot}`);

  started = Date.now();
  const [archive, network] = await Promise.all([
    startArchive(repoRoot, { logFile: join(resultsDir, 'archive.log') }),
    options.suite ? startNetworkParts(tmpRoot) : undefined,
  ]);
  log(`stand-in archive at ${archive.info.apiUrl} (${seconds(Date.now() - started)})`);
  if (network) log(`HTTPS archive at ${network.httpsArchive.info.apiUrl}, tinyproxy at ${network.proxy.url}`);
  const browser = await launchChromium();
  onCleanup(() => browser.close());

  if (options.suite) {
    started = Date.now();
    const resultFile = join(tmpRoot, 'suite-result.json');
    log('phase 1: VS Code test suite in the extension host');
    const session = await openWorkbench({
      phase: 'suite',
      browser,
      entry,
      archive,
      tmpRoot,
      resultFile,
      grep: options.grep,
      network,
      extensionTestsPath: join(repoRoot, 'dist', 'test', 'suite', 'index.js'),
    });
    try {
      const result = await waitForSuiteResult(resultFile, session);
      copyFileSync(resultFile, join(resultsDir, 'vscode-suite.json'));
      printSuite(result);
      summary.suite = { passed: result.passed, failed: result.failed, pending: result.pending ?? 0 };
    } catch (err) {
      summary.errors.push(`suite: ${err instanceof Error ? err.message : String(err)}`);
      summary.suite.failed++;
    } finally {
      await session.close();
      timings.suiteMs = Date.now() - started;
    }
  }

  if (options.e2e && summary.errors.length === 0) {
    started = Date.now();
    log('phase 2: end-to-end scenarios in the workbench UI');
    const session = await openWorkbench({ phase: 'e2e', browser, entry, archive, tmpRoot });
    try {
      const { runE2E } = createRequire(import.meta.url)(join(repoRoot, 'dist', 'test', 'e2e', 'runE2E.js'));
      const results = await runE2E({
        page: session.page,
        archive: archive.info,
        workspaceDir: session.workspace,
        resultsDir,
        repoRoot,
        scenariosDir: join(repoRoot, 'dist', 'test', 'e2e', 'scenarios'),
        grep: options.grep ? new RegExp(options.grep) : undefined,
        log: msg => console.log(`  ${msg}`),
      });
      mergeE2E(results, options.grep);
      summary.e2e = {
        passed: results.filter(r => r.passed).length,
        failed: results.filter(r => !r.passed).length,
      };
      console.log(
        `\n  e2e: ${summary.e2e.passed} passed, ${summary.e2e.failed} failed (screenshots in ${relative(repoRoot, resultsDir)}/)`,
      );
    } catch (err) {
      summary.errors.push(`e2e: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      summary.e2e.failed++;
    } finally {
      await session.close();
      timings.e2eMs = Date.now() - started;
    }
  }

  writeFileSync(join(resultsDir, 'vscode-run.json'), JSON.stringify({ ...summary, timings }, null, 2));
  console.log(
    `\n[timing] install/check ${seconds(timings.installMs)}` +
      (timings.suiteMs !== undefined ? `, suite ${seconds(timings.suiteMs)}` : '') +
      (timings.e2eMs !== undefined ? `, e2e ${seconds(timings.e2eMs)}` : ''),
  );
  for (const error of summary.errors) console.error(`\nERROR ${error}`);
  const failed = summary.suite.failed + summary.e2e.failed;
  console.log(`VS Code: ${summary.suite.passed + summary.e2e.passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  async code => {
    await cleanupAll();
    process.exit(code);
  },
  async err => {
    console.error(`\n[vscode] FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanupAll();
    process.exit(1);
  },
);
