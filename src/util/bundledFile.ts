import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A file built beside dist/extension.js (a worker bundle), found from the running bundle: beside
 * it, or up to three folders above (the tools, tests and benchmarks are bundled into
 * subfolders of dist/).
 */
export function findBundledFile(name: string): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(__dirname, name);
}
