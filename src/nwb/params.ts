/**
 * Checks of the parameters a webview sends, before any engine call: a malformed or hostile value
 * gets a clear error naming the parameter.
 */

/** Checks that a request names a path the way HDF5 does. */
export function checkPath(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 4096)
    throw new Error(`invalid path: ${String(path)}`);
  return path;
}

/** A finite number, or `fallback` when absent; anything else is refused. */
export function num(value: unknown, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`invalid ${name}: ${String(value)}`);
  return value;
}

export function optionalNum(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : num(value, name);
}

export function channelList(value: unknown): number[] {
  if (!Array.isArray(value) || value.length > 4096) throw new Error('invalid channels');
  return value.map(c => num(c, 'channel'));
}

export function columnList(value: unknown): string[] | undefined {
  if (value !== undefined && (!Array.isArray(value) || !value.every(c => typeof c === 'string')))
    throw new Error('invalid columns');
  return value;
}
