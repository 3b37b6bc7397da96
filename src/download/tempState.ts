import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureRealDirectory, TEMP_SUFFIX } from './paths';

/**
 * Resumable downloads keep their bytes beside the target in `<target>.dandidownload/`:
 * `data` (the file being assembled with positional writes) and `state.json` (what is expected and
 * which dandi-etag parts are complete, with their MD5s). A later run for the same blob resumes;
 * anything that does not match starts over.
 */
export interface DownloadState {
  version: 1;
  size: number;
  etag: string;
  partSize: number;
  /** Part index → MD5 hex of a part that is fully on disk. */
  completed: Record<string, string>;
  /** Part index → bytes of that part on disk from its start (the rest is still missing). */
  partial: Record<string, number>;
}

export { TEMP_SUFFIX };

export function tempPaths(target: string): { dir: string; data: string; state: string } {
  const dir = `${target}${TEMP_SUFFIX}`;
  return { dir, data: join(dir, 'data'), state: join(dir, 'state.json') };
}

function isState(value: unknown): value is DownloadState {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<DownloadState>;
  return (
    v.version === 1 &&
    typeof v.size === 'number' &&
    typeof v.etag === 'string' &&
    typeof v.partSize === 'number' &&
    !!v.completed &&
    typeof v.completed === 'object' &&
    !!v.partial &&
    typeof v.partial === 'object'
  );
}

/** The saved state when it describes the same blob (size, etag, part size); undefined otherwise. */
export async function loadState(
  target: string,
  expected: { size: number; etag: string; partSize: number },
): Promise<DownloadState | undefined> {
  const paths = tempPaths(target);
  try {
    const parsed: unknown = JSON.parse(await readFile(paths.state, 'utf8'));
    if (
      isState(parsed) &&
      parsed.size === expected.size &&
      parsed.etag === expected.etag &&
      parsed.partSize === expected.partSize
    ) {
      return parsed;
    }
  } catch {
    // No state or unreadable: start over.
  }
  return undefined;
}

/** Creates the temp folder (refusing a link or file in its place); clears it unless resuming. */
export async function prepareTempDir(target: string, resume: boolean): Promise<void> {
  const paths = tempPaths(target);
  await ensureRealDirectory(paths.dir);
  if (!resume) {
    await rm(paths.data, { force: true });
    await rm(paths.state, { force: true });
  }
}

/** Writes state.json atomically (write + rename), one write at a time. */
export class StateWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly target: string) {}

  save(state: DownloadState): Promise<void> {
    const snapshot = JSON.stringify(state);
    const paths = tempPaths(this.target);
    this.chain = this.chain
      .catch(() => undefined)
      .then(async () => {
        await mkdir(paths.dir, { recursive: true });
        await writeFile(`${paths.state}.tmp`, snapshot);
        await rename(`${paths.state}.tmp`, paths.state);
      });
    return this.chain;
  }
}

export async function removeTemp(target: string): Promise<void> {
  await rm(tempPaths(target).dir, { recursive: true, force: true });
}
