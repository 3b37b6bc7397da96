// Child processes that must never outlive the script that started them: each runs in its own
// process group (so code-server's extension hosts and watchers go with it), is killed on normal
// exit, on failure and on Ctrl+C, and its output goes to a log file instead of the console.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { once } from 'node:events';

/** @type {Set<{name: string, child: import('node:child_process').ChildProcess}>} */
const running = new Set();
/** @type {Array<() => Promise<void>>} */
const cleanups = [];
/** @type {Promise<void> | null} */
let cleaningUp = null;

/**
 * Starts `cmd` in a new process group; stdout/stderr are appended to `logFile` (stdout also goes
 * to `onStdout` when given). The process is killed by {@link cleanupAll}.
 */
export function startProcess(name, cmd, args, { env, cwd, logFile, onStdout } = {}) {
  mkdirSync(dirname(logFile), { recursive: true });
  const logStream = createWriteStream(logFile, { flags: 'a' });
  logStream.write(`\n===== ${new Date().toISOString()} ${cmd} ${args.join(' ')}\n`);
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry = { name, child };
  running.add(entry);
  child.stdout.on('data', chunk => {
    logStream.write(chunk);
    onStdout?.(chunk.toString());
  });
  child.stderr.on('data', chunk => logStream.write(chunk));
  child.on('exit', (code, signal) => {
    running.delete(entry);
    logStream.end(`\n===== ${name} exited (code ${code}, signal ${signal})\n`);
  });
  child.on('error', err => logStream.write(`\n===== ${name} failed to start: ${err.message}\n`));
  return child;
}

function alive(child) {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM to the whole group, SIGKILL after a grace period. */
export async function stopProcess(child, graceMs = 5000) {
  if (!child || !alive(child)) return;
  const exited = once(child, 'exit');
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Grandchildren that ignored SIGTERM (e.g. a busy extension host) go too.
  signalGroup(child, 'SIGKILL');
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Registers an async cleanup (closing the browser, removing temp folders) run before exit. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

/** True once cleanup has begun (children exiting then is expected, not an error). */
export function isCleaningUp() {
  return cleaningUp !== null;
}

/** Runs the registered cleanups (last first) and stops every child; safe to call twice. */
export function cleanupAll() {
  cleaningUp ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`[cleanup] ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await Promise.all([...running].map(({ child }) => stopProcess(child)));
  })();
  return cleaningUp;
}

let signalsInstalled = false;
/** Ctrl+C / SIGTERM: clean up, then exit 130/143. A process exit kills what is left, synchronously. */
export function installSignalHandlers() {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.on(signal, () => {
      console.error(`\n[${signal}] stopping child processes...`);
      cleanupAll().finally(() => process.exit(code));
    });
  }
  process.on('exit', () => {
    for (const { child } of running) signalGroup(child, 'SIGKILL');
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Rejects with `message` (and the child's exit) if `child` exits before `promise` settles. */
export function unlessExited(child, promise, message) {
  return new Promise((resolve, reject) => {
    const onExit = (code, signal) => reject(new Error(`${message} (exit code ${code}, signal ${signal})`));
    child.once('exit', onExit);
    promise.then(
      value => {
        child.off('exit', onExit);
        resolve(value);
      },
      err => {
        child.off('exit', onExit);
        reject(err);
      },
    );
  });
}
