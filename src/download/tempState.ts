import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { partLayout, partRange } from '../dandi/etag';
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

const MD5_HEX = /^[0-9a-f]{32}$/;
const INDEX = /^(?:0|[1-9]\d*)$/;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The parsed state.json when every number in it is what this blob's layout allows: finite whole
 * numbers, part indices that exist, MD5s of the right form, partial lengths inside their part and
 * no part both complete and partial. Anything else is not our state (damaged, edited, or written
 * by something else) and the download starts over.
 */
function validState(
  value: unknown,
  expected: { size: number; etag: string; partSize: number },
): DownloadState | undefined {
  if (!isRecord(value) || value.version !== 1) return undefined;
  if (value.size !== expected.size || value.etag !== expected.etag || value.partSize !== expected.partSize)
    return undefined;
  if (!isCount(expected.size) || !isCount(expected.partSize)) return undefined;
  const { completed, partial } = value;
  if (!isRecord(completed) || !isRecord(partial)) return undefined;
  const layout = partLayout(expected.size);
  const partLength = (key: string): number | undefined => {
    if (!INDEX.test(key) || Number(key) >= layout.count) return undefined;
    const { start, end } = partRange(expected.size, Number(key));
    return end - start;
  };
  const state: DownloadState = { ...(value as unknown as DownloadState), completed: {}, partial: {} };
  for (const [key, md5] of Object.entries(completed)) {
    if (partLength(key) === undefined || typeof md5 !== 'string' || !MD5_HEX.test(md5)) return undefined;
    state.completed[key] = md5;
  }
  for (const [key, bytes] of Object.entries(partial)) {
    const length = partLength(key);
    if (length === undefined || key in state.completed) return undefined;
    if (!isCount(bytes) || bytes === 0 || bytes >= length) return undefined;
    state.partial[key] = bytes;
  }
  return state;
}

/**
 * The saved state when it describes the same blob (size, etag, part size) and every number in it
 * is valid for that blob; undefined otherwise.
 */
export async function loadState(
  target: string,
  expected: { size: number; etag: string; partSize: number },
): Promise<DownloadState | undefined> {
  const paths = tempPaths(target);
  try {
    return validState(JSON.parse(await readFile(paths.state, 'utf8')), expected);
  } catch {
    return undefined; // No state or unreadable: start over.
  }
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

/**
 * Removes the temp data and state. The folder itself stays while it holds the target's lock
 * (lock.ts): the lock's release removes it.
 */
export async function removeTemp(target: string): Promise<void> {
  const paths = tempPaths(target);
  await rm(paths.data, { force: true });
  await rm(paths.state, { force: true });
  await rm(`${paths.state}.tmp`, { force: true });
  await rmdir(paths.dir).catch(() => undefined);
}
