/** `/`-separated relative paths, the same for local folders and Dandiset asset paths. */

export const VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.webm', '.mkv', '.avi'];

export function posixBasename(path: string): string {
  return path.replace(/\\/g, '/').split('/').filter(Boolean).pop() ?? '';
}

export function posixDirname(path: string): string {
  const parts = path.split('/').filter(Boolean);
  parts.pop();
  return parts.join('/');
}

/** `target` (as an NWB file writes it: relative, `./x`, `../x`, or absolute) against `folder`. */
export function resolveRelative(folder: string, target: string): string | undefined {
  const t = target.replace(/\\/g, '/');
  if (t.startsWith('/') || /^[a-z]+:/i.test(t)) return undefined;
  const parts = folder.split('/').filter(Boolean);
  for (const part of t.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

export function isVideoPath(path: string): boolean {
  const lower = path.toLowerCase();
  return VIDEO_EXTENSIONS.some(ext => lower.endsWith(ext));
}

/** The name without its last extension: `a/b.mp4` → `b`. */
export function stem(path: string): string {
  const name = posixBasename(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
