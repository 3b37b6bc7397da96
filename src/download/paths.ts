import { lstat, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DownloadError } from './types';
import { INDEX_RELATIVE_PATH } from './verifiedIndex';

/**
 * Asset paths come from archive metadata and are untrusted: anything that could escape the
 * destination, land in a tool's control folder, or cannot be written on every OS is refused (we
 * validate for Windows and macOS everywhere so a download behaves the same on every machine).
 */
const WINDOWS_RESERVED =
  /^(con|prn|aux|nul|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3]|conin\$|conout\$|clock\$) *(\..*)?$/i;
const WINDOWS_FORBIDDEN = /[<>:"|?*\\]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Marks that reorder the text around them: a name could show `exe.txt` while being `txt.exe`. */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Code points HFS+ and many renderers ignore (git's is_hfs_dotgit list is a subset). */
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const MAX_PATH_LENGTH = 512;
/**
 * Folders whose content a tool acts on when it finds them: git (hooks, `core.fsmonitor`), Mercurial,
 * Subversion, VS Code (tasks, settings). An archive may not write into them.
 */
const PROTECTED_FOLDERS = ['.git', '.hg', '.svn', '.vscode'];
/** Suffix of the temporary folder beside a target (`<target>.dandidownload/`), as dandi-cli names it. */
export const TEMP_SUFFIX = '.dandidownload';
/** The marker a Zarr folder created by this extension holds (see zarr.ts). */
export const ZARR_MARKER = '.dandi-zarr.json';

/** Both ways a file system may fold names; the default where the destination was not probed. */
const FOLDS_ALL: NameFolding = { foldsCase: true, foldsUnicode: true };

/**
 * The segment as the strictest file system sees it, as git's `is_ntfs_dotgit`/`is_hfs_dotgit` do:
 * compatibility forms (NFKC) and case folded, ignorable code points dropped (HFS+), an NTFS stream
 * suffix (`:$INDEX_ALLOCATION`) and trailing dots and spaces cut (Windows).
 */
function strictName(segment: string): string {
  const folded = segment.normalize('NFKC').replace(IGNORABLE, '').normalize('NFKC').toLowerCase();
  const stream = folded.indexOf(':');
  return (stream < 0 ? folded : folded.slice(0, stream)).replace(/[. ]+$/, '');
}

/** The protected folder a segment is, or may be taken for (including a Windows 8.3 short name). */
function protectedFolder(segment: string): string | undefined {
  const name = strictName(segment);
  for (const folder of PROTECTED_FOLDERS) {
    if (name === folder) return folder;
    // 8.3 short names: up to six characters of the long name without its dot, `~`, a number.
    const short = folder.slice(1, 7);
    if (new RegExp(`^\\.?${short}~[0-9]+$`).test(name)) return folder;
  }
  return undefined;
}

/**
 * Why a relative `/`-separated path is unsafe to write, or undefined when it is fine. `folding`
 * says how the destination compares names, for the downloader's own reserved names (the strictest
 * folding when not given).
 */
export function unsafePathReason(path: string, folding: NameFolding = FOLDS_ALL): string | undefined {
  if (path.length === 0) return 'the path is empty';
  if (path.length > MAX_PATH_LENGTH) return `the path is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.startsWith('/') || isAbsolute(path) || /^[a-zA-Z]:/.test(path)) return 'the path is absolute';
  if (CONTROL.test(path)) return 'the path contains control characters';
  if (BIDI_CONTROL.test(path))
    return 'the path contains bidirectional control characters (the name shown would differ from the name written)';
  const segments = path.split('/');
  const ours = (segment: string) => nameKey(segment, folding);
  // The downloader's own files beside the targets: an asset there would overwrite them.
  const indexFolder = INDEX_RELATIVE_PATH.split('/')[0];
  if (ours(segments[0]) === ours(indexFolder))
    return `"${segments[0]}" is where downloads keep their records`;
  for (const segment of segments) {
    if (segment === '') return 'the path has an empty segment (// or a trailing /)';
    if (ours(segment).endsWith(ours(TEMP_SUFFIX)))
      return `"${segment}" ends like the downloader's temporary folders (${TEMP_SUFFIX})`;
    if (segment === '..' || segment === '.') return `the path contains a "${segment}" segment`;
    const folder = protectedFolder(segment);
    if (folder)
      return `"${segment}" is, or may be taken for, ${folder} (a folder whose content a tool runs or obeys)`;
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
