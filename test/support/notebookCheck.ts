// Checks a generated notebook the way Jupyter would take it: Debian's python3-nbformat validates it
// against the nbformat schema, and every code cell compiles (`python3 -m py_compile`) once its
// IPython magics (`%pip ...`, `!cmd`) are stripped. Debian's packages are installed when missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages } from './debianPackages';

/** Debian's interpreter: python3-nbformat is installed for it, not for another python3 on PATH. */
const PYTHON = '/usr/bin/python3';

function run(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(PYTHON, args, { encoding: 'utf8', input });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** IPython line magics and shell escapes are not Python; a commented-out one is already a comment. */
function stripMagics(source: string): string {
  return source
    .split('\n')
    .map(line => (/^\s*[%!]/.test(line) ? '' : line))
    .join('\n');
}

/**
 * Validates `ipynb` (the notebook's JSON text) against the nbformat 4 schema and compiles each
 * code cell; throws with python's message on the first failure. Returns the code cells' sources.
 */
export function checkNotebook(ipynb: string): string[] {
  ensureDebianPackages(['python3-nbformat']);
  const dir = mkdtempSync(join(tmpdir(), 'notebook-check-'));
  try {
    const file = join(dir, 'notebook.ipynb');
    writeFileSync(file, ipynb);
    const cells = (JSON.parse(ipynb) as { cells: { cell_type: string; source: string | string[] }[] }).cells;
    const sources = cells
      .filter(cell => cell.cell_type === 'code')
      .map(cell => (Array.isArray(cell.source) ? cell.source.join('') : cell.source));
    const cellFiles = sources.map((source, i) => {
      const cellFile = join(dir, `cell_${i + 1}.py`);
      writeFileSync(cellFile, stripMagics(source));
      return cellFile;
    });
    // One interpreter for the notebook: nbformat's validation, then py_compile of each cell.
    const check = run([
      '-c',
      [
        'import nbformat, py_compile, sys',
        'nbformat.validate(nbformat.read(sys.argv[1], 4))',
        'for cell in sys.argv[2:]:',
        '    py_compile.compile(cell, doraise=True)',
      ].join('\n'),
      file,
      ...cellFiles,
    ]);
    if (check.status !== 0)
      throw new Error(`the notebook is not valid or a cell does not compile: ${check.stderr}`);
    return sources;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Evaluates Python string literals with `ast.literal_eval` (what Python reads from each). */
export function evaluatePythonStrings(literals: readonly string[]): string[] {
  const script =
    'import ast, json, sys\nprint(json.dumps([ast.literal_eval(l) for l in json.load(sys.stdin)]))';
  const result = run(['-c', script], JSON.stringify(literals));
  if (result.status !== 0) throw new Error(`python could not read the literals: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}
