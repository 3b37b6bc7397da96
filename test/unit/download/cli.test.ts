import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, runCli } from '../../../scripts/download';
import { buildPlan } from '../../../src/download/planner';
import type { PlannedFile } from '../../../src/download/types';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { clientFor, etagOfFile, TempDirs } from './support';

const TOOL = join('dist', 'tools', 'download.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run download` as a child process (the tool bundle, as the npm script runs it). */
function download(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TOOL, ...args], {
      env: { ...process.env, DANDI_API_KEY: '', DANDI_API_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

async function planned(archive: StandInArchive, dandisetId: string, apiKey?: string): Promise<PlannedFile[]> {
  const plan = await buildPlan(clientFor(archive, apiKey), {
    kind: 'dandiset',
    dandisetId,
    version: 'draft',
  });
  return plan.files;
}

async function assertAllVerified(destination: string, files: readonly PlannedFile[]): Promise<void> {
  assert.ok(files.length > 0, 'the Dandiset has files');
  for (const f of files) {
    const target = join(destination, ...f.localPath.split('/'));
    assert.equal((await stat(target)).size, f.size, f.path);
    assert.equal(await etagOfFile(target), f.etag, f.path);
  }
}

describe('npm run download (the engine from the terminal)', function () {
  this.timeout(180_000);
  let archive: StandInArchive | undefined;
  const temps = new TempDirs();
  const stand = (): StandInArchive => {
    if (!archive) throw new Error('the archive starts in before()');
    return archive;
  };

  before(async function () {
    this.timeout(120_000);
    // The tool and the hash worker it loads, current with the sources.
    execFileSync(process.execPath, ['esbuild.mjs', '--only=tools,extension', '--filter=download'], {
      stdio: 'inherit',
    });
    // Presigned URLs live one second: every wait for a 429 outlasts them.
    archive = await startArchive({ presignExpirySeconds: 1 });
  });
  after(async () => {
    await archive?.close();
  });
  afterEach(async () => {
    archive?.faults.reset();
    await temps.cleanup();
  });

  it('takes dandi download options, and refuses an API key on the command line', async () => {
    const args = parseArgs(['-o', '/tmp/x', '--existing', 'skip', '--jobs=3', 'DANDI:000027'], {});
    assert.deepEqual(args, {
      outputDir: '/tmp/x',
      existing: 'keep',
      jobs: 3,
      verbose: false,
      references: ['DANDI:000027'],
    });
    assert.equal(parseArgs(['--existing', 'refresh', '000027'], {}).existing, 'skip');
    assert.equal(
      parseArgs(['000027'], { DANDI_API_URL: 'http://127.0.0.1:9/api/' }).apiUrl,
      'http://127.0.0.1:9/api',
    );
    const errors: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => errors.push(t) };
    assert.equal(await runCli(['--api-key', 'secret', '000027'], {}, io), 2);
    assert.match(errors.join(''), /set DANDI_API_KEY instead/);
    assert.ok(!errors.join('').includes('secret'), 'the key is not echoed');
    for (const bad of [
      ['--jobs', '0', '1'],
      ['--existing', 'error', '1'],
      [],
      ['--api-url', 'ftp://x', '1'],
    ]) {
      errors.length = 0;
      assert.equal(await runCli(bad, {}, io), 2, bad.join(' '));
      assert.match(errors[0] ?? '', /^error: /);
    }
  });

  it('downloads whole Dandisets through resets, a 429 storm and expired URLs, every file verified', async () => {
    const destination = await temps.make();
    const { ids, apiKeys, apiUrl } = stand();
    stand().faults.set({
      rateLimit: { count: 6, retryAfterSeconds: 2, scope: 'blob' },
      resetMidBody: { count: 4, afterBytes: 3000 },
    });
    // The embargoed Dandiset first: read through presigned URLs only, with the owner's key.
    const run = await download(
      [
        '--output-dir',
        destination,
        '--api-url',
        apiUrl,
        '--jobs',
        '3',
        `${ids.embargoed}/draft`,
        `${ids.nwbDemo}/draft`,
      ],
      { DANDI_API_KEY: apiKeys.owner },
    );
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    await assertAllVerified(destination, await planned(stand(), ids.embargoed, apiKeys.owner));
    await assertAllVerified(destination, await planned(stand(), ids.nwbDemo));
    assert.match(await readFile(join(destination, ids.nwbDemo, 'dandiset.yaml'), 'utf8'), /^# DO NOT EDIT/);
    assert.match(run.stdout, new RegExp(`${ids.embargoed}/draft: 2 downloaded, 0 skipped, 0 failed`));
    const blob = stand().log.filter(e => e.origin === 'blob');
    assert.ok(
      blob.some(e => e.status === 429),
      'a 429 storm was served',
    );
    assert.ok(
      blob.some(e => e.status === 403),
      'an expired URL was refused',
    );
    assert.match(run.stderr, /files · .* of /, 'progress on stderr');
    assert.ok(!run.stderr.includes(apiKeys.owner), 'the key never reaches a message');
  });

  it('runs twice at once on one folder: both end verified, or one says the target is in use', async () => {
    const destination = await temps.make();
    const { ids, apiUrl } = stand();
    // Slow enough that the two runs overlap on the same files.
    stand().faults.set({ bandwidthBytesPerSec: 4 * 1024 * 1024 });
    const args = ['--output-dir', destination, '--api-url', apiUrl, '--jobs', '2', `${ids.nwbDemo}/draft`];
    const [a, b] = await Promise.all([download(args), download(args)]);
    for (const run of [a, b]) {
      const failures = run.stdout.split('\n').filter(l => l.startsWith('failed: '));
      assert.ok(
        run.code === 0 ||
          (failures.length > 0 && failures.every(l => /in use by another download \(pid \d+/.test(l))),
        `${run.stdout}\n${run.stderr}`,
      );
    }
    assert.ok(
      /waiting: its target is in use by another download/.test(a.stderr + b.stderr),
      'one run waited for the other',
    );
    await assertAllVerified(destination, await planned(stand(), ids.nwbDemo));
  });
});
