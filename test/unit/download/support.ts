import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DandiClient } from '../../../src/dandi/client';
import { DandiEtagHasher } from '../../../src/dandi/etag';
import { buildPlan, type DownloadTarget } from '../../../src/download/planner';
import type { PlannedFile } from '../../../src/download/types';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import type { DownloadOptions } from '../../../src/download/types';

/** Helpers shared by the download tests (not a test file itself). */

export function clientFor(archive: StandInArchive, apiKey?: string): DandiClient {
  return new DandiClient({
    instance: { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl },
    apiKey,
    retry: { attempts: 3, baseDelayMs: 50 },
  });
}

export async function plan(
  archive: StandInArchive,
  target: DownloadTarget,
  apiKey?: string,
): Promise<PlannedFile[]> {
  return (await buildPlan(clientFor(archive, apiKey), target)).files;
}

/** One asset of a Dandiset's draft by path, planned as a single-asset download. */
export async function planAsset(
  archive: StandInArchive,
  dandisetId: string,
  path: string,
  apiKey?: string,
): Promise<PlannedFile> {
  const files = await plan(archive, { kind: 'glob', dandisetId, version: 'draft', path }, apiKey);
  const file = files.find(f => f.path === path);
  if (!file) throw new Error(`no asset ${path} in ${dandisetId}`);
  return { ...file, localPath: path.slice(path.lastIndexOf('/') + 1) };
}

export async function etagOfFile(path: string): Promise<string> {
  const { size } = await stat(path);
  const hasher = new DandiEtagHasher(size);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
    hasher.update(chunk as Buffer);
  return hasher.digest();
}

export async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/**
 * The mocha hooks every download suite needs: one stand-in archive for the suite, faults and
 * the request log reset before each test, temporary destinations removed after it.
 */
export function useArchive(onReset?: () => void): {
  archive: () => StandInArchive;
  temps: TempDirs;
  options: (destination: string, extra?: Partial<DownloadOptions>) => DownloadOptions;
} {
  let archive: StandInArchive | undefined;
  const temps = new TempDirs();
  before(async () => {
    archive = await startArchive();
  });
  after(async () => {
    await archive?.close();
  });
  beforeEach(() => {
    archive?.faults.reset();
    archive?.clearLog();
    onReset?.();
  });
  afterEach(() => temps.cleanup());
  return {
    archive: () => {
      if (!archive) throw new Error('the archive starts in before()');
      return archive;
    },
    temps,
    options: (destination, extra = {}) => ({ destination, maxBackoffMs: 200, ...extra }),
  };
}

export class TempDirs {
  private dirs: string[] = [];

  async make(prefix = 'dandi-dl-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.map(d => rm(d, { recursive: true, force: true })));
    this.dirs = [];
  }
}
