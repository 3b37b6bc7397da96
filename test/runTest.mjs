// The same VS Code suite (dist/test/suite/index.js) in desktop VS Code through
// @vscode/test-electron, for machines that can download VS Code (a laptop, a hosted CI). On our
// own machines use test/vscode/run.mjs (code-server) instead: test-electron cannot download there.
//
//   npm run test:electron               (Linux without a display: xvfb-run -a npm run test:electron)
//   VSCODE_TEST_VERSION=1.100.3 npm run test:electron
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { ensureGeneratedFixtures, startArchive } from './vscode/archive.mjs';
import { writeUserSettings } from './vscode/codeServer.mjs';
import { cleanupAll, installSignalHandlers, onCleanup } from './vscode/processes.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  installSignalHandlers();
  ensureGeneratedFixtures(repoRoot);
  const archive = await startArchive(repoRoot, { logFile: join(repoRoot, 'test-results', 'archive.log') });

  const tmp = mkdtempSync(join(tmpdir(), 'dandi-vscode-electron-'));
  onCleanup(async () => rmSync(tmp, { recursive: true, force: true }));
  const workspace = join(tmp, 'workspace');
  const userDataDir = join(tmp, 'user-data');
  const resultFile = join(tmp, 'result.json');
  mkdirSync(workspace, { recursive: true });
  writeUserSettings(userDataDir, { apiUrl: archive.info.apiUrl });

  let exitCode = 0;
  try {
    exitCode = await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'dist', 'test', 'suite', 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--skip-welcome',
        '--disable-workspace-trust',
        '--user-data-dir',
        userDataDir,
      ],
      extensionTestsEnv: {
        DANDI_TEST_ARCHIVE: archive.json,
        DANDI_TEST_RESULT: resultFile,
        DANDI_TEST_WORKSPACE: workspace,
        ...(process.env.DANDI_TEST_GREP ? { DANDI_TEST_GREP: process.env.DANDI_TEST_GREP } : {}),
      },
    });
  } catch (err) {
    // runTests rejects with the exit code or the download/launch error: show it, not a generic line.
    exitCode = 1;
    console.error(
      `[electron] the VS Code test run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
  }
  try {
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    console.log(`[electron] ${result.passed} passed, ${result.failed} failed`);
    if (result.failed > 0) exitCode = exitCode || 1;
  } catch {
    console.error(
      '[electron] the suite wrote no result file (VS Code did not start, or the suite crashed before the end)',
    );
    exitCode = exitCode || 1;
  }
  return exitCode;
}

main().then(
  async code => {
    await cleanupAll();
    process.exit(code);
  },
  async err => {
    console.error(`[electron] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanupAll();
    process.exit(1);
  },
);
