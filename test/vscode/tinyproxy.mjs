// A real HTTP proxy for the network tests: Debian's tinyproxy on loopback. It connects out from
// 127.0.0.2 (`Bind`), so the stand-in archive in proxy-only mode (`allowed-clients`) can tell a
// request that came through the proxy (client 127.0.0.2) from one that bypassed it (127.0.0.1).
// Its log (`LogLevel Connect`) names every request it forwarded: `GET http://...` and `CONNECT host:port`.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { ensureAptPackages } from './install.mjs';
import { freePort, startProcess, unlessExited } from './processes.mjs';

export const TINYPROXY = '/usr/bin/tinyproxy';
/** The address tinyproxy's outgoing connections come from. */
export const PROXY_OUTGOING_ADDRESS = '127.0.0.2';

/** Installs Debian's tinyproxy when missing (as root, waiting for the dpkg lock); otherwise says how. */
export function ensureTinyproxy() {
  return ensureAptPackages([{ name: 'tinyproxy', needed: () => !existsSync(TINYPROXY) }]);
}

/**
 * Starts tinyproxy in the foreground on a free port of 127.0.0.1 and waits until it accepts
 * connections. Resolves with `{url, port, logFile, outgoingAddress, child}`; processes.mjs stops it.
 */
export async function startTinyproxy({ dir, logFile, timeoutMs = 10_000 }) {
  mkdirSync(dir, { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });
  rmSync(logFile, { force: true });
  const port = await freePort();
  const config = join(dir, 'tinyproxy.conf');
  // No ConnectPort line: CONNECT is allowed to any port (the archive's TLS ports are ephemeral).
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      `Bind ${PROXY_OUTGOING_ADDRESS}`,
      'Allow 127.0.0.1',
      'Timeout 120',
      'MaxClients 200',
      'LogLevel Connect',
      `LogFile "${logFile}"`,
      `PidFile "${join(dir, 'tinyproxy.pid')}"`,
      '',
    ].join('\n'),
  );
  const child = startProcess('tinyproxy', TINYPROXY, ['-d', '-c', config], {
    logFile: join(dir, 'tinyproxy.out.log'),
  });
  try {
    await unlessExited(child, waitForPort(port, timeoutMs), 'tinyproxy exited during start-up');
  } catch (err) {
    const output = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '(no log)';
    throw new Error(`${err.message}\n--- ${logFile} ---\n${output}`);
  }
  return { url: `http://127.0.0.1:${port}`, port, logFile, outgoingAddress: PROXY_OUTGOING_ADDRESS, child };
}

async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise(resolve => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`tinyproxy did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
    // Polling a local port that is about to open; bounded by the deadline.
    await new Promise(r => setTimeout(r, 50));
  }
}
