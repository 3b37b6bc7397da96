import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { DandiClient } from '../src/dandi/client';
import { KNOWN_INSTANCES, isHttpUrl, trimSlashes } from '../src/dandi/instances';
import { parseReference } from '../src/dandi/references';
import type { DandiInstance } from '../src/dandi/types';
import { runDownload } from '../src/download/engine';
import { buildPlan, targetFromResolved, writeDandisetYaml } from '../src/download/planner';
import type { DownloadProgress, DownloadSummary, ExistingFilePolicy } from '../src/download/types';

/**
 * The extension's download engine from the terminal, with `dandi download`'s command line:
 *   npm run download -- [--output-dir DIR] [--existing skip|overwrite|refresh] [--jobs N] [--api-url URL] URL...
 * Same reference grammar and layout as the extension; progress on stderr, a summary on stdout,
 * exit code 1 when anything failed. The API key comes from DANDI_API_KEY only.
 */

const USAGE = `usage: download [-o|--output-dir DIR] [-e|--existing skip|overwrite|refresh] [-J|--jobs N] [--api-url URL] [--verbose] URL...
  URL            any DANDI reference: DANDI:000027[/version], a dandiarchive.org or API URL, dandi://..., a DOI
  --output-dir   where the files go (default: the current folder), laid out like dandi download
  --existing     skip: leave existing files alone; overwrite: download everything again;
                 refresh (default): download again when size or dandi-etag differ
  --jobs         files downloaded at once (default 6)
  --api-url      the archive of references that do not name one (default: DANDI_API_URL, else the DANDI Archive)
Environment: DANDI_API_KEY (the API key; never on the command line), DANDI_API_URL.`;

/** The CLI's `--existing` values, as the engine's policies (see ExistingFilePolicy). */
const EXISTING: Record<string, ExistingFilePolicy> = {
  skip: 'keep',
  overwrite: 'overwrite',
  refresh: 'skip',
};

interface CliArgs {
  outputDir: string;
  existing: ExistingFilePolicy;
  jobs?: number;
  apiUrl?: string;
  verbose: boolean;
  references: string[];
}

/** A mistake on the command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const args: CliArgs = { outputDir: process.cwd(), existing: 'skip', verbose: false, references: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '-o':
      case '--output-dir':
        args.outputDir = resolve(value());
        break;
      case '-e':
      case '--existing': {
        const v = value();
        const policy = EXISTING[v];
        if (!policy) throw new UsageError(`--existing must be skip, overwrite or refresh, not "${v}"`);
        args.existing = policy;
        break;
      }
      case '-J':
      case '--jobs': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 32)
          throw new UsageError(`--jobs needs a whole number from 1 to 32, not "${v}"`);
        args.jobs = Number(v);
        break;
      }
      case '--api-url': {
        const v = value();
        if (!isHttpUrl(v)) throw new UsageError(`--api-url needs an http(s) URL, not "${v}"`);
        args.apiUrl = trimSlashes(v);
        break;
      }
      case '--api-key':
      case '-k':
        throw new UsageError(
          'the API key is not taken from the command line (other users can read it there): set DANDI_API_KEY instead',
        );
      case '--verbose':
        args.verbose = true;
        break;
      case '-h':
      case '--help':
        throw new UsageError('');
      default:
        if (name.startsWith('-') && name.length > 1) throw new UsageError(`unknown option "${name}"`);
        args.references.push(arg);
    }
  }
  if (args.references.length === 0) throw new UsageError('give at least one DANDI reference to download');
  if (!args.apiUrl && env.DANDI_API_URL) {
    if (!isHttpUrl(env.DANDI_API_URL)) throw new UsageError(`DANDI_API_URL is not an http(s) URL`);
    args.apiUrl = trimSlashes(env.DANDI_API_URL);
  }
  return args;
}

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function progressLine(p: DownloadProgress): string {
  const rate = p.rate > 0 ? ` · ${formatBytes(p.rate)}/s` : '';
  const eta = p.etaSeconds !== undefined && p.rate > 0 ? ` · ${Math.ceil(p.etaSeconds)} s left` : '';
  return `${p.filesDone}/${p.filesTotal} files · ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}${rate}${eta}`;
}

interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Rewrites progress in place (a terminal) rather than a line per report. */
  tty?: boolean;
  signal?: AbortSignal;
}

/**
 * Downloads every reference; returns the exit code (0 all verified or skipped, 1 anything failed
 * or cancelled, 2 a usage error).
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) io.stderr(`error: ${err.message}\n`);
    io.stderr(`${USAGE}\n`);
    return err.message ? 2 : 0;
  }
  const configured: DandiInstance = args.apiUrl
    ? { name: new URL(args.apiUrl).host, apiUrl: args.apiUrl, webUrl: null }
    : KNOWN_INSTANCES[0];
  const apiKey = env.DANDI_API_KEY?.trim() || undefined;
  // The key goes to the configured archive or a known one, never to a host a URL merely names.
  const keyFor = (instance: DandiInstance): string | undefined =>
    instance.apiUrl === configured.apiUrl || KNOWN_INSTANCES.some(k => k.apiUrl === instance.apiUrl)
      ? apiKey
      : undefined;

  let status = 0;
  let lastLength = 0;
  const clearProgress = (): void => {
    if (io.tty && lastLength > 0) io.stderr(`\r${' '.repeat(lastLength)}\r`);
    lastLength = 0;
  };
  let lastLine = 0;
  const onProgress = (p: DownloadProgress): void => {
    const line = progressLine(p);
    if (io.tty) {
      clearProgress();
      io.stderr(line);
      lastLength = line.length;
    } else if (Date.now() - lastLine >= 1000 || p.filesDone === p.filesTotal) {
      lastLine = Date.now();
      io.stderr(`${line}\n`);
    }
  };
  const log = (level: 'info' | 'warn' | 'error', message: string): void => {
    if (level === 'info' && !args.verbose && !/: waiting: /.test(message)) return;
    clearProgress();
    io.stderr(`${level}: ${message}\n`);
  };

  for (const text of args.references) {
    let summary: DownloadSummary;
    try {
      const reference = await parseReference(text, {
        defaultInstance: configured,
        instances: [configured],
        signal: io.signal,
      });
      const key = keyFor(reference.instance);
      if (apiKey && !key)
        log(
          'warn',
          `${text}: DANDI_API_KEY is not sent to ${reference.instance.apiUrl}, an archive you did not configure`,
        );
      const client = new DandiClient({ instance: reference.instance, apiKey: key });
      const resolved = await client.resolveReference(reference, io.signal);
      const plan = await buildPlan(client, targetFromResolved(resolved), io.signal);
      if (plan.dandisetYaml) await writeDandisetYaml(args.outputDir, plan.dandisetYaml);
      io.stderr(
        `${plan.title}: ${plan.files.length} files, ${formatBytes(plan.files.reduce((n, f) => n + f.size, 0))} into ${args.outputDir}\n`,
      );
      summary = await runDownload(plan.files, {
        destination: args.outputDir,
        existing: args.existing,
        parallelFiles: args.jobs,
        apiKey: key,
        signal: io.signal,
        reservedPaths: plan.dandisetYaml ? [plan.dandisetYaml.localPath] : [],
        onProgress,
        onLog: log,
      });
    } catch (err) {
      clearProgress();
      io.stderr(`error: ${text}: ${err instanceof Error ? err.message : String(err)}\n`);
      status = 1;
      continue;
    }
    clearProgress();
    const counts = [`${summary.downloaded.length} downloaded`, `${summary.skipped.length} skipped`];
    counts.push(`${summary.failed.length} failed`);
    io.stdout(`${text}: ${counts.join(', ')}${summary.cancelled ? ' (cancelled)' : ''}\n`);
    for (const f of summary.failed) io.stdout(`failed: ${f.path}: ${f.reason}\n`);
    if (summary.failed.length > 0 || summary.cancelled) status = 1;
    if (summary.cancelled) break;
  }
  return status;
}

async function main(): Promise<void> {
  const controller = new AbortController();
  // Every request of the run listens to this one signal: many at once is expected, not a leak.
  setMaxListeners(Infinity, controller.signal);
  // The first Ctrl+C stops cleanly (unfinished files resume next time); a second one exits at once.
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  process.on('SIGTERM', () => controller.abort());
  const code = await runCli(process.argv.slice(2), process.env, {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    tty: process.stderr.isTTY,
    signal: controller.signal,
  });
  process.exitCode = controller.signal.aborted ? 130 : code;
}

if (require.main === module) {
  main().catch(err => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
