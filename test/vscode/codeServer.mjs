// Launching code-server (the VS Code server + web workbench) and the Chromium that renders it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM } from './install.mjs';
import { freePort, startProcess, unlessExited } from './processes.mjs';
import { tail } from './archive.mjs';

/** User settings for a test profile: quiet, offline, trusted, pointed at `apiUrl` when given. */
export function writeUserSettings(userDataDir, { apiUrl } = {}) {
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.enabled': false,
    'window.restoreWindows': 'none',
    ...(apiUrl ? { 'dandi.instance': 'custom', 'dandi.apiUrl': apiUrl } : {}),
  };
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  // dandi.instance and dandi.apiUrl are machine-scoped (a workspace must not redirect the archive);
  // code-server's window is remote, where such settings come from the remote machine's settings.
  if (apiUrl) {
    mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
    writeFileSync(
      join(userDataDir, 'Machine', 'settings.json'),
      JSON.stringify({ 'dandi.instance': 'custom', 'dandi.apiUrl': apiUrl }, null, 2),
    );
  }
}

/**
 * Starts code-server on a free loopback port and waits until it answers.
 * `env` reaches the extension hosts it spawns (that is how tests learn about the archive).
 */
export async function startCodeServer({
  entry,
  userDataDir,
  extensionsDir,
  workspace,
  env = {},
  logFile,
  port,
}) {
  port ??= await freePort();
  mkdirSync(extensionsDir, { recursive: true });
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // Its own config file, so nothing is written to ~/.config/code-server.
    '--config',
    join(userDataDir, 'code-server.yaml'),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    workspace,
  ];
  const child = startProcess('code-server', process.execPath, args, { env, logFile });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await unlessExited(child, waitForHttp(`${origin}/healthz`, 60_000), 'code-server exited during start-up');
  } catch (err) {
    throw new Error(`${err.message}\n--- ${logFile} (tail) ---\n${tail(logFile)}`);
  }
  return { child, port, origin };
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (err) {
      lastError = err instanceof Error ? (err.cause?.code ?? err.message) : String(err);
    }
    // Polling a local port: a short pause between attempts, bounded by the deadline.
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${lastError})`);
}

/**
 * The workbench URL with the `payload` that the web workbench reads like the desktop CLI flags
 * (--extensionDevelopmentPath, --extensionTestsPath).
 */
export function workbenchUrl(origin, workspace, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const remote = path => `vscode-remote://${new URL(origin).host}${path}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = new URLSearchParams({ folder: workspace });
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${origin}/?${query}`;
}

/** Debian's Chromium, headless, under playwright-core, with a fresh profile. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // We clean up ourselves (processes.mjs) and must not race Playwright's own signal handlers.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
