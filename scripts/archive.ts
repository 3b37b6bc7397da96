import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { startArchive } from '../test/archive/server';
import { type ArchiveOptions, type StandInArchive } from '../test/archive/types';

/**
 * The stand-in DANDI archive as a process:
 *   npm run archive -- [--port N] [--corpus DIR]... [--latency MS] [--generated DIR] [--video DIR] [--large FILE]... [--https]
 *                      [--allow-client ADDR]... [--json] [--verbose]
 * With --json the first stdout line is one JSON object {apiUrl, webUrl, blobOrigin, controlUrl, ids, hostileId, apiKeys}, plus
 * caFile (the PEM of the CA that signed its certificate) with --https.
 */

const USAGE =
  'usage: archive [--port N] [--blob-port N] [--corpus DIR]... [--latency MS] [--generated DIR] [--video DIR] [--large FILE]... [--fixtures DIR] [--expiry SECONDS] [--https] [--allow-client ADDR]... [--json] [--verbose]';

export function parseArgs(argv: string[]): { options: ArchiveOptions; json: boolean } {
  const options: ArchiveOptions = {};
  let json = false;
  const corpus: string[] = [];
  const large: string[] = [];
  const allowedClients: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    const int = (): number => {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`${arg} needs a whole number, got "${v}"`);
      return Number(v);
    };
    switch (arg) {
      case '--port':
        options.port = int();
        break;
      case '--blob-port':
        options.blobPort = int();
        break;
      case '--corpus':
        corpus.push(resolve(value()));
        break;
      case '--latency':
        options.latencyMs = int();
        break;
      case '--generated':
        options.generatedNwbDir = resolve(value());
        break;
      case '--video':
        options.generatedVideoDir = resolve(value());
        break;
      case '--large':
        large.push(resolve(value()));
        break;
      case '--fixtures':
        options.fixturesDir = resolve(value());
        break;
      case '--expiry':
        options.presignExpirySeconds = int();
        break;
      case '--https':
        options.https = true;
        break;
      case '--allow-client':
        allowedClients.push(ipAddress(value(), arg));
        break;
      case '--json':
        json = true;
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  if (corpus.length > 0) options.corpusDirs = corpus;
  if (large.length > 0) options.largeFiles = large;
  if (allowedClients.length > 0) options.allowedClients = allowedClients;
  const defaultGenerated = resolve('.cache', 'nwb');
  if (!options.generatedNwbDir && existsSync(defaultGenerated)) options.generatedNwbDir = defaultGenerated;
  for (const f of [
    ...large,
    ...(options.generatedNwbDir ? [options.generatedNwbDir] : []),
    ...(options.generatedVideoDir ? [options.generatedVideoDir] : []),
    ...corpus,
  ]) {
    if (!existsSync(f)) throw new Error(`not found: ${f}`);
  }
  return { options, json };
}

function ipAddress(text: string, arg: string): string {
  if (isIP(text) === 0)
    throw new Error(
      `${arg} needs an IP address (the proxy's outgoing address, e.g. 127.0.0.2), got "${text}"`,
    );
  return text;
}

/** Starts the archive and prints its addresses; the caller owns the returned archive. */
export async function runCli(
  argv: string[],
  write: (line: string) => void = line => console.log(line),
): Promise<StandInArchive> {
  const { options, json } = parseArgs(argv);
  const archive = await startArchive(options);
  const { apiUrl, webUrl, blobOrigin, controlUrl, ids, hostileId, apiKeys, caFile } = archive;
  if (json)
    write(
      JSON.stringify({
        apiUrl,
        webUrl,
        blobOrigin,
        controlUrl,
        ids,
        hostileId,
        apiKeys,
        ...(caFile ? { caFile } : {}),
      }),
    );
  else {
    write(`DANDI stand-in archive\n  API: ${apiUrl}\n  Web: ${webUrl}\n  Blobs: ${blobOrigin}`);
    write(`  Control: ${controlUrl}\n  Keys: owner ${apiKeys.owner}, other ${apiKeys.other}`);
    if (caFile) write(`  CA certificate: ${caFile} (trust it, e.g. NODE_EXTRA_CA_CERTS=${caFile})`);
    if (options.allowedClients)
      write(`  Only these clients may connect: ${options.allowedClients.join(', ')}`);
  }
  return archive;
}

async function main(): Promise<void> {
  const archive = await runCli(process.argv.slice(2));
  const stop = (): void => {
    archive.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch(e => {
    console.error(e instanceof Error && !process.env.ARCHIVE_DEBUG ? e.message : e);
    process.exit(1);
  });
}
