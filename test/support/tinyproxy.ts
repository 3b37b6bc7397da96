// A real HTTP proxy for tests: Debian's tinyproxy on loopback, in the foreground, with its own
// configuration in a temporary folder. `ensureTinyproxy` installs it when missing (as root, with
// apt-get, waiting for the dpkg lock), so CI needs no step of its own.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/tinyproxy', '/usr/sbin/tinyproxy', '/usr/local/bin/tinyproxy'];

function findBinary(): string | undefined {
  return CANDIDATES.find(path => existsSync(path));
}

/** The path of the tinyproxy binary, installing Debian's package first when it is missing. */
export function ensureTinyproxy(): string {
  const found = findBinary();
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new Error('tinyproxy is not installed (apt-get install tinyproxy, as root)');
  const install = (): boolean =>
    spawnSync(
      'apt-get',
      ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', 'tinyproxy'],
      {
        stdio: 'ignore',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      },
    ).status === 0;
  if (!install()) {
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update'], { stdio: 'ignore' });
    if (!install()) throw new Error('apt-get could not install tinyproxy');
  }
  const installed = findBinary();
  if (!installed) throw new Error('tinyproxy was installed but its binary is not where Debian puts it');
  return installed;
}

export interface TinyproxyOptions {
  /** Ports CONNECT may reach (tinyproxy allows every port when none is listed). */
  connectPorts?: number[];
}

export interface RunningProxy {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** What tinyproxy logged so far (one line per connection, CONNECTs included). */
  log(): string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts tinyproxy on 127.0.0.1 and resolves once it accepts connections. */
export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<RunningProxy> {
  const binary = ensureTinyproxy();
  const dir = mkdtempSync(join(tmpdir(), 'tinyproxy-'));
  const port = await freePort();
  const config = join(dir, 'tinyproxy.conf');
  writeFileSync(
    config,
    [
      'User nobody',
      'Group nogroup',
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      'MaxClients 64',
      'Allow 127.0.0.1',
      'LogLevel Info',
      'DisableViaHeader Yes',
      ...(options.connectPorts ?? []).map(p => `ConnectPort ${p}`),
      '',
    ].join('\n'),
  );
  let output = '';
  const child = spawn(binary, ['-d', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let waited = 0; !(await accepts(port)); waited += 50) {
    if (child.exitCode !== null || waited > 10_000) {
      await stop();
      throw new Error(`tinyproxy did not start on port ${port}: ${output}`);
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return { url: `http://127.0.0.1:${port}`, port, stop, log: () => output };
}
