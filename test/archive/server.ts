import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { apiHandler, type ControlHooks } from './apiServer';
import { blobHandler } from './blobHost';
import { FileContent, FileDigestCache } from './blobs';
import { type ArchiveContext } from './context';
import { FaultState } from './faults';
import { ArchiveStore } from './model';
import { DEFAULT_EXPIRY_SECONDS, Presigner } from './presign';
import { clientAddress, RequestLog } from './requestLog';
import { loadGeneratedSeed, OWNER, SEED_IDS } from './seedGenerated';
import { loadVideoSeed } from './seedVideo';
import { CURATOR, loadRealSeed } from './seedReal';
import { makeTestCertificate, type TestCertificate } from './tls';
import { type ArchiveOptions, type FaultConfig, type RequestLogEntry, type StandInArchive } from './types';

/** Fixed keys so other processes (and people running the demo) can rely on them. */
export const API_KEYS = {
  owner: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
  other: 'f0e1d2c3b4a5968778695a4b3c2d1e0f76543210',
};

/** ../shared/fixtures beside the checkout (the repo root is the working directory or above this bundle). */
export function defaultFixturesDir(): string {
  const fromCwd = resolve(process.cwd(), '..', 'shared', 'fixtures');
  if (existsSync(fromCwd)) return fromCwd;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dirname(dir), 'shared', 'fixtures');
    if (existsSync(candidate)) return candidate;
  }
  return fromCwd;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise(done => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Refuses clients whose address is not allowed (proxy-only mode): a request that bypassed the
 * proxy fails loudly and is logged with its address. Control requests always pass.
 */
function gate(
  origin: 'api' | 'blob',
  allowed: () => string[] | undefined,
  log: RequestLog,
  handler: Handler,
): Handler {
  return async (req, res) => {
    const addresses = allowed();
    if (!addresses) return handler(req, res);
    const client = clientAddress(req);
    const isControl = origin === 'api' && (req.url ?? '').startsWith('/__control/');
    if (addresses.includes(client) || isControl) return handler(req, res);
    log.watch(origin, req, res);
    const body = `stand-in archive: refused a direct connection from ${client}; only ${addresses.join(', ')} (the proxy) may connect\n`;
    res
      .writeHead(403, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
      })
      .end(body);
  };
}

function makeServer(handler: () => Handler, tls: TestCertificate | undefined): Server {
  const options = { keepAliveTimeout: 30_000 };
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    handler()(req, res).catch(e => {
      console.error('stand-in archive: request failed:', e);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
  const server = tls
    ? createTlsServer({ ...options, cert: tls.cert, key: tls.key }, serve)
    : createServer(options, serve);
  // A client that vanishes mid-body must not crash the archive.
  server.on('clientError', (_err, socket) => socket.destroy());
  return server;
}

export async function startArchive(options: ArchiveOptions = {}): Promise<StandInArchive> {
  const fixturesDir = options.fixturesDir ?? defaultFixturesDir();
  const store = new ArchiveStore();
  store.users.push(
    {
      username: OWNER,
      name: 'Olive Owner',
      email: 'owner@example.org',
      apiKey: API_KEYS.owner,
      admin: false,
    },
    {
      username: 'other',
      name: 'Otto Other',
      email: 'other@example.org',
      apiKey: API_KEYS.other,
      admin: false,
    },
    { username: CURATOR, name: 'Archive Curator', email: 'curator@example.org', apiKey: '', admin: false },
  );
  const defaultCorpus = join(fixturesDir, 'nwb');
  const corpusDirs = options.corpusDirs ?? (existsSync(defaultCorpus) ? [defaultCorpus] : []);
  const cacheDir = resolve(process.cwd(), '.cache', 'archive');
  const digestCache = new FileDigestCache(join(cacheDir, 'file-digests.json'));
  loadRealSeed(store, fixturesDir, join(cacheDir, 'seed-cache.json'));
  const defaultGenerated = resolve(process.cwd(), '.cache', 'nwb');
  const generatedNwbDir =
    options.generatedNwbDir ?? (existsSync(defaultGenerated) ? defaultGenerated : undefined);
  await loadGeneratedSeed(store, {
    corpusDirs,
    generatedNwbDir,
    largeFiles: options.largeFiles ?? [],
    digestCache,
  });
  const defaultVideos = resolve(process.cwd(), '.cache', 'video');
  await loadVideoSeed(store, {
    generatedVideoDir: options.generatedVideoDir ?? (existsSync(defaultVideos) ? defaultVideos : undefined),
    fixturesDir,
    digestCache,
  });

  const faults = new FaultState(options.latencyMs ? { latencyMs: options.latencyMs } : {});
  const presigner = new Presigner(options.presignExpirySeconds ?? DEFAULT_EXPIRY_SECONDS);
  const log = new RequestLog(options.verbose === true);
  let allowedClients = options.allowedClients;
  const archive: ArchiveContext = { store, faults, presigner, apiUrl: '', webUrl: '', blobOrigin: '' };
  const hooks: ControlHooks = {
    log,
    advanceClock: seconds => {
      presigner.clockOffsetMs += seconds * 1000;
    },
    resetAll: () => {
      faults.reset();
      presigner.clockOffsetMs = 0;
      allowedClients = options.allowedClients;
    },
    setAllowedClients: addresses => {
      allowedClients = addresses;
    },
  };
  const tls = options.https ? await makeTestCertificate() : undefined;
  const api = makeServer(() => gate('api', () => allowedClients, log, apiHandler(archive, hooks)), tls);
  const blobs = makeServer(() => gate('blob', () => allowedClients, log, blobHandler(archive, hooks)), tls);
  const apiPort = await listen(api, options.port ?? 0).catch(async e => {
    await tls?.remove();
    throw e;
  });
  const blobPort = await listen(blobs, options.blobPort ?? 0).catch(async e => {
    await close(api);
    await tls?.remove();
    throw e;
  });
  const scheme = tls ? 'https' : 'http';
  archive.apiUrl = `${scheme}://127.0.0.1:${apiPort}/api`;
  archive.webUrl = `${scheme}://127.0.0.1:${apiPort}`;
  archive.blobOrigin = `${scheme}://127.0.0.1:${blobPort}`;

  // Hash real files in the background; requests that need a digest wait for their own file.
  for (const b of store.blobs.values())
    if (b.content instanceof FileContent) void b.digests().catch(() => undefined);

  let closed = false;
  return {
    apiUrl: archive.apiUrl,
    webUrl: archive.webUrl,
    blobOrigin: archive.blobOrigin,
    controlUrl: `${archive.webUrl}/__control`,
    ids: { ...SEED_IDS },
    hostileId: '990007',
    apiKeys: { ...API_KEYS },
    faults: {
      set: (config: FaultConfig) => faults.set(config),
      reset: () => faults.reset(),
    },
    get log(): RequestLogEntry[] {
      return log.entries;
    },
    clearLog: () => log.clear(),
    ...(tls ? { caFile: tls.caFile } : {}),
    setAllowedClients: addresses => hooks.setAllowedClients(addresses),
    advanceClock: (seconds: number) => hooks.advanceClock(seconds),
    whenLoaded: () => store.whenLoaded(),
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([close(api), close(blobs)]);
      await tls?.remove();
      await store.whenLoaded().catch(() => undefined);
      await digestCache.flush();
    },
  };
}
