// Starts the stand-in DANDI archive (dist/tools/archive.js) as a child process for the VS Code
// runners and `npm start -- --demo`, generating the project's NWB fixtures (and the videos of
// .cache/video) first when missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startProcess, unlessExited } from './processes.mjs';

/** Folder of the generated NWB fixtures (`node dist/tools/genFixtures.js` writes it). */
export const generatedDir = repoRoot => join(repoRoot, '.cache', 'nwb');
/** The generated 1 GiB ElectricalSeries (`npm run fixtures -- --large`), served when present. */
const largeFile = repoRoot => join(repoRoot, '.cache', 'large', 'ecephys-1gib.nwb');
/** The real-world NWB corpus beside the checkout (present in CI and on the dev machines). */
export const corpusDir = repoRoot => resolve(repoRoot, '..', 'shared', 'fixtures', 'nwb');

function hasFiles(dir) {
  return existsSync(dir) && readdirSync(dir).length > 0;
}

/**
 * Runs the fixture generator, which rewrites only files whose stamp is out of date (about 0.3 s when
 * all are current), so a checkout that gains a fixture gets it without clearing .cache/nwb; throws
 * with its output on failure.
 */
export function ensureGeneratedFixtures(repoRoot, { large = false } = {}) {
  const tool = join(repoRoot, 'dist', 'tools', 'genFixtures.js');
  if (!existsSync(tool)) {
    throw new Error(`${tool} is missing: build first (node esbuild.mjs --only=tools)`);
  }
  console.log(`[fixtures] bringing the NWB fixtures in ${generatedDir(repoRoot)} and the videos up to date`);
  const started = Date.now();
  // --large: also the 1 GiB series the suite's exact-overview test streams (written once, minutes).
  const r = spawnSync(process.execPath, [tool, ...(large ? ['--large'] : [])], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`node ${tool} failed (exit code ${r.status}, signal ${r.signal})`);
  console.log(`[fixtures] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/**
 * Starts the archive and resolves with its `--json` line once it is listening. `extraArgs` go to the
 * archive's command line (e.g. `['--https']`, whose JSON then has `caFile`).
 * @returns {Promise<{info: import('../e2e/types').ArchiveInfo, json: string, child: import('node:child_process').ChildProcess}>}
 */
export async function startArchive(
  repoRoot,
  { logFile, timeoutMs = 60_000, extraArgs = [], name = 'archive' } = {},
) {
  // DANDI_ARCHIVE_TOOL: run another build of the archive CLI (same flags and --json line).
  const tool = process.env.DANDI_ARCHIVE_TOOL ?? join(repoRoot, 'dist', 'tools', 'archive.js');
  if (!existsSync(tool)) throw new Error(`${tool} is missing: build first (node esbuild.mjs --only=tools)`);
  const args = [tool, '--json', '--port', '0'];
  if (hasFiles(corpusDir(repoRoot))) args.push('--corpus', corpusDir(repoRoot));
  if (hasFiles(generatedDir(repoRoot))) args.push('--generated', generatedDir(repoRoot));
  if (existsSync(largeFile(repoRoot))) args.push('--large', largeFile(repoRoot));
  args.push(...extraArgs);

  let buffered = '';
  let resolveLine;
  const firstLine = new Promise(r => (resolveLine = r));
  const child = startProcess(name, process.execPath, args, {
    cwd: repoRoot,
    logFile,
    onStdout: text => {
      if (!resolveLine) return;
      buffered += text;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        resolveLine(buffered.slice(0, newline).trim());
        resolveLine = undefined;
      }
    },
  });
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the stand-in archive printed nothing within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  let json;
  try {
    json = await unlessExited(
      child,
      Promise.race([firstLine, deadline]),
      'the stand-in archive exited before it was ready',
    );
  } catch (err) {
    throw new Error(`${err.message}\n--- ${logFile} (tail) ---\n${tail(logFile)}`);
  } finally {
    clearTimeout(timer);
  }
  let info;
  try {
    info = JSON.parse(json);
  } catch {
    throw new Error(`the stand-in archive's first line is not JSON: ${json.slice(0, 300)}`);
  }
  if (typeof info?.apiUrl !== 'string')
    throw new Error(`the stand-in archive's JSON has no apiUrl: ${json.slice(0, 300)}`);
  return { info, json, child };
}

/** The last lines of a log file, for error messages. */
export function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
