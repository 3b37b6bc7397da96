import { lstat, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DownloadError } from './types';
import { INDEX_RELATIVE_PATH } from './verifiedIndex';

/**
 * Asset paths come from archive metadata and are untrusted: anything that could escape the
 * destination or cannot be written on every OS is refused (we validate for Windows everywhere so a
 * download behaves the same on every machine).
 */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])(\..*)?$/i;
const WINDOWS_FORBIDDEN = /[<>:"|?*\\]/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_PATH_LENGTH = 512;
/** Suffix of the temporary folder beside a target (`<target>.dandidownload/`), as dandi-cli names it. */
export const TEMP_SUFFIX = '.dandidownload';

/** Why a relative `/`-separated path is unsafe to write, or undefined when it is fine. */
export function unsafePathReason(path: string): string | undefined {
  if (path.length === 0) return 'the path is empty';
  if (path.length > MAX_PATH_LENGTH) return `the path is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.startsWith('/') || isAbsolute(path) || /^[a-zA-Z]:/.test(path)) return 'the path is absolute';
  if (CONTROL.test(path)) return 'the path contains control characters';
  const segments = path.split('/');
  // The downloader's own files beside the targets: an asset there would overwrite them.
  if (segments[0] === INDEX_RELATIVE_PATH.split('/')[0])
    return `"${segments[0]}" is where downloads keep their records`;
  for (const segment of segments) {
    if (segment === '') return 'the path has an empty segment (// or a trailing /)';
    if (segment.endsWith(TEMP_SUFFIX))
      return `"${segment}" ends like the downloader's temporary folders (${TEMP_SUFFIX})`;
    if (segment === '..' || segment === '.') return `the path contains a "${segment}" segment`;
    if (WINDOWS_FORBIDDEN.test(segment))
      return `"${segment}" contains a character not allowed in file names (<>:"|?*\\)`;
    if (WINDOWS_RESERVED.test(segment)) return `"${segment}" is a reserved device name on Windows`;
    if (/[. ]$/.test(segment)) return `"${segment}" ends with a dot or a space`;
  }
  return undefined;
}

export function assertSafeRelativePath(path: string, what = 'asset path'): void {
  const reason = unsafePathReason(path);
  if (reason) throw new DownloadError(`Refused ${what} ${JSON.stringify(path)}: ${reason}.`);
}

/** `child` is `root` or inside it (both absolute, already resolved). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/**
 * Absolute target for a validated relative path. Creates the parent folders one at a time, and
 * before going through an existing link checks that it leads inside the destination: nothing is
 * created (not even an empty folder) through a link that leads out.
 */
export async function prepareTarget(destination: string, localPath: string): Promise<string> {
  assertSafeRelativePath(localPath, 'target path');
  const root = resolve(destination);
  const target = resolve(root, ...localPath.split('/'));
  if (!isInside(root, target) || target === root) {
    throw new DownloadError(
      `Refused target ${JSON.stringify(localPath)}: it resolves outside the destination.`,
    );
  }
  await mkdir(root, { recursive: true });
  const realRoot = await realpath(root);
  const leadsOut = () =>
    new DownloadError(
      `Refused target ${JSON.stringify(localPath)}: a folder on its way is a link that leads outside the destination.`,
    );
  let folder = root;
  for (const part of relative(root, dirname(target)).split(sep).filter(Boolean)) {
    folder = join(folder, part);
    const info = await lstat(folder).catch(() => undefined);
    if (!info) {
      await mkdir(folder).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    } else if (info.isSymbolicLink()) {
      const real = await realpath(folder).catch(() => undefined);
      if (!real || !isInside(realRoot, real)) throw leadsOut();
    } else if (!info.isDirectory()) {
      throw new DownloadError(
        `Cannot write ${JSON.stringify(localPath)}: ${folder} is a file, not a folder.`,
      );
    }
  }
  // Once more for the whole chain (a folder swapped for a link meanwhile).
  if (!isInside(realRoot, await realpath(dirname(target)))) throw leadsOut();
  return target;
}

/** A path that must be a real folder (not a symbolic link) if it exists; created otherwise. */
export async function ensureRealDirectory(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new DownloadError(`Cannot use ${path}: it exists and is not a folder.`);
  }
  if (!info) await mkdir(path);
}

/** How a file system compares names: whether it folds case, and Unicode normalization forms. */
export interface NameFolding {
  foldsCase: boolean;
  foldsUnicode: boolean;
}

/** Probes `folder` (created if missing) once with a throwaway file. */
export async function nameFolding(folder: string): Promise<NameFolding> {
  let probe: string;
  try {
    await mkdir(folder, { recursive: true });
    probe = await mkdtemp(join(folder, '.dandi-probe-'));
  } catch {
    // Not writable (the downloads will say so): guess from the platform.
    const folds = process.platform === 'win32' || process.platform === 'darwin';
    return { foldsCase: folds, foldsUnicode: process.platform === 'darwin' };
  }
  try {
    // "É" in NFC; its lower-case and NFD spellings name the same file only where the FS folds them.
    const name = 'Probe-\u00c9';
    await writeFile(join(probe, name), '');
    const exists = (other: string) =>
      lstat(join(probe, other)).then(
        () => true,
        () => false,
      );
    return { foldsCase: await exists(name.toLowerCase()), foldsUnicode: await exists(name.normalize('NFD')) };
  } finally {
    await rm(probe, { recursive: true, force: true });
  }
}

/** The name as the file system sees it: equal keys are one file there. */
export function nameKey(path: string, folding: NameFolding): string {
  const form = folding.foldsUnicode ? path.normalize('NFC') : path;
  return folding.foldsCase ? form.toLowerCase() : form;
}
