// `npm start`: build the extension and open it in VS Code for trying it out.
//
//   npm start                     against the real DANDI Archive (default settings)
//   npm start -- --demo           against the stand-in archive with the demo data (offline)
//   npm start -- --port 8080      code-server port (when no desktop `code` is on PATH)
//   npm start -- --folder <dir>   workspace to open (default .vscode-test/workspace; downloads go there)
//
// With a desktop `code` on PATH it runs `code --extensionDevelopmentPath=<repo>`; otherwise it
// installs code-server (same installer as the tests) and prints the URL to open in a browser.
// It stays in the foreground until Ctrl+C (or until the desktop window closes), then cleans up.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGeneratedFixtures, startArchive } from '../test/vscode/archive.mjs';
import { startCodeServer, workbenchUrl, writeUserSettings } from '../test/vscode/codeServer.mjs';
import { ensureCodeServer } from '../test/vscode/install.mjs';
import { cleanupAll, installSignalHandlers, isCleaningUp, startProcess } from '../test/vscode/processes.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm start [-- --demo] [--port <n>] [--folder <dir>]';

function parseArgs(argv) {
  const options = { demo: false, port: undefined, folder: join(repoRoot, '.vscode-test', 'workspace') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--demo') options.demo = true;
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--folder') options.folder = resolve(argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (
    options.port !== undefined &&
    !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)
  ) {
    throw new Error(`--port needs a port number\n${USAGE}`);
  }
  return options;
}

function desktopCode() {
  const r = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Writes the profile's settings, keeping whatever else the person set there before. */
function prepareUserData(userDataDir, apiUrl) {
  const file = join(userDataDir, 'User', 'settings.json');
  let previous = {};
  if (existsSync(file)) {
    try {
      previous = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // settings.json may contain comments; our keys below are what matters
    }
  }
  writeUserSettings(userDataDir, apiUrl ? { apiUrl } : {});
  const ours = JSON.parse(readFileSync(file, 'utf8'));
  if (!apiUrl) {
    delete previous['dandi.instance'];
    delete previous['dandi.apiUrl'];
  }
  writeFileSync(file, JSON.stringify({ ...previous, ...ours }, null, 2));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  installSignalHandlers();

  console.log('[start] building');
  const build = spawnSync(process.execPath, ['esbuild.mjs', '--only=extension,webview,tools'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('the build failed (see above)');

  let apiUrl;
  if (options.demo) {
    ensureGeneratedFixtures(repoRoot);
    const archive = await startArchive(repoRoot, { logFile: join(repoRoot, '.cache', 'demo-archive.log') });
    apiUrl = archive.info.apiUrl;
    console.log(`[start] stand-in archive (demo data) at ${apiUrl}   log: .cache/demo-archive.log`);
  }

  mkdirSync(options.folder, { recursive: true });
  // Separate profiles so the demo's API URL never leaks into a session against the real archive.
  const userDataDir = join(repoRoot, '.vscode-test', options.demo ? 'user-data-demo' : 'user-data');
  prepareUserData(userDataDir, apiUrl);

  const code = desktopCode();
  if (code) {
    console.log(`[start] opening VS Code (${code}); close its window or press Ctrl+C to stop`);
    const child = startProcess(
      'code',
      code,
      [
        '--new-window',
        '--wait',
        `--extensionDevelopmentPath=${repoRoot}`,
        '--user-data-dir',
        userDataDir,
        options.folder,
      ],
      { logFile: join(repoRoot, '.cache', 'start-code.log') },
    );
    await once(child, 'exit');
    return;
  }

  const entry = await ensureCodeServer({ withBrowser: false });
  const server = await startCodeServer({
    entry,
    userDataDir,
    extensionsDir: join(repoRoot, '.vscode-test', 'extensions'),
    workspace: options.folder,
    logFile: join(repoRoot, '.cache', 'code-server.log'),
    port: options.port,
  });
  const url = workbenchUrl(server.origin, options.folder, { extensionDevelopmentPath: repoRoot });
  console.log('\n[start] VS Code (code-server) is running with the extension loaded. Open:\n');
  console.log(`  ${url}\n`);
  console.log(
    `[start] ${options.demo ? 'demo data from the stand-in archive' : 'the real DANDI Archive'}; Ctrl+C to stop. Log: .cache/code-server.log`,
  );
  await once(server.child, 'exit');
  if (!isCleaningUp()) throw new Error('code-server stopped on its own (see .cache/code-server.log)');
}

main().then(
  async () => {
    await cleanupAll();
    process.exit(0);
  },
  async err => {
    console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
    await cleanupAll();
    process.exit(1);
  },
);
