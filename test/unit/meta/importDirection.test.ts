/**
 * The import-direction lint (`npm run lint`): dependency-cruiser with the real
 * .dependency-cruiser.cjs, and ESLint's ban on `vscode` in core folders. The real src/ and media/
 * pass; a small tree crafted in a temporary folder with an upward import, cycles and a webview
 * reaching past src/shared fails with the rule that names each fault.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root: this bundle runs from dist/test/unit/meta/. */
function findRepoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'esbuild.mjs'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

interface CruiseOutcome {
  status: number | null;
  /** The `err` report, as `npm run lint` prints it. */
  report: string;
}

/** Runs the depcruise command of `npm run lint` in `cwd`. */
function cruise(root: string, cwd: string): CruiseOutcome {
  const bin = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const config = path.join(root, '.dependency-cruiser.cjs');
  const run = spawnSync(process.execPath, [bin, 'src', 'media', '--config', config, '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  return { status: run.status, report: `${run.stdout}${run.stderr}` };
}

/** True when the report has `rule` for the import from → to. */
function reports(outcome: CruiseOutcome, rule: string, from: string, to: string): boolean {
  return outcome.report.split('\n').some(line => line.trim() === `error ${rule}: ${from} → ${to}`);
}

/** The part of ESLint's Node API used here. */
type EslintClass = new (options: { cwd: string }) => {
  lintText(code: string, options: { filePath: string }): Promise<{ messages: { ruleId: string | null }[] }[]>;
};

/** Writes `files` (path → source) under a fresh temporary folder with a minimal tsconfig. */
function craftTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dandi-imports-'));
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true } }),
  );
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('import direction (lint)', function () {
  this.timeout(120_000);
  const root = findRepoRoot();
  const temporary: string[] = [];
  after(() => {
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes on the real src/ and media/', () => {
    const outcome = cruise(root, root);
    assert.equal(outcome.status, 0, outcome.report);
    assert.match(outcome.report, /no dependency violations found/);
  });

  it('fails on an upward import, a cycle between folders, and a webview reaching past src/shared', () => {
    const dir = craftTree({
      // Downward imports only: none of these may be reported.
      'src/util/text.ts': `export const upper = (s: string): string => s.toUpperCase();\n`,
      'src/dandi/client.ts': `import { upper } from '../util/text';\nexport const name = upper('dandi');\n`,
      'src/shared/contract.ts': `export interface Message { type: string }\n`,
      'media/page/main.ts': `import type { Message } from '../../src/shared/contract';\nexport const m: Message = { type: 'ready' };\n`,
      // Core importing a feature (upward).
      'src/session/state.ts': `import { view } from '../tree/view';\nexport const state = view;\n`,
      // tree → commands and commands → tree, through different modules: a folder cycle only.
      'src/tree/view.ts': `import { name } from '../dandi/client';\nexport const view = name;\n`,
      'src/tree/register.ts': `import { run } from '../commands/run';\nexport const register = run;\n`,
      'src/commands/run.ts': `import { view } from '../tree/view';\nexport const run = view;\n`,
      // Two modules importing each other inside one folder.
      'src/nwb/a.ts': `import { b } from './b';\nexport const a = (): number => b() + 1;\n`,
      'src/nwb/b.ts': `import { a } from './a';\nexport const b = (): number => (a ? 1 : 0);\n`,
      // A webview importing core directly.
      'media/page/peek.ts': `import { name } from '../../src/dandi/client';\nexport const peek = name;\n`,
    });
    temporary.push(dir);
    const outcome = cruise(root, dir);
    assert.notEqual(outcome.status, 0, 'depcruise must exit non-zero so npm run lint fails');
    const { report } = outcome;
    assert.ok(reports(outcome, 'upward-from-engines', 'src/session/state.ts', 'src/tree/view.ts'), report);
    assert.ok(
      reports(outcome, 'upward-from-features', 'src/tree/register.ts', 'src/commands/run.ts'),
      report,
    );
    assert.match(
      report,
      /error folder-cycle: src\/(tree|commands) → \s*src\/(tree|commands) →/,
      'the tree ↔ commands folder cycle',
    );
    assert.match(
      report,
      /error module-cycle: src\/nwb\/[ab]\.ts → \s*src\/nwb\/[ab]\.ts →/,
      'the a ↔ b module cycle',
    );
    assert.ok(reports(outcome, 'media-outside-shared', 'media/page/peek.ts', 'src/dandi/client.ts'), report);
    for (const clean of ['src/dandi/client.ts', 'src/util/text.ts', 'media/page/main.ts']) {
      assert.doesNotMatch(
        report,
        new RegExp(`error [\\w-]+: ${clean.replace(/[./]/g, '\\$&')} →`),
        `a downward import of ${clean} was reported`,
      );
    }
  });

  it('fails on a file in src/ that no layer names', () => {
    const dir = craftTree({
      'src/stray/thing.ts': `export const thing = 1;\n`,
      'src/tree/view.ts': `import { thing } from '../stray/thing';\nexport const view = thing;\n`,
      'media/page/main.ts': `export const ready = true;\n`,
    });
    temporary.push(dir);
    const outcome = cruise(root, dir);
    assert.notEqual(outcome.status, 0);
    assert.ok(reports(outcome, 'unlayered-src', 'src/tree/view.ts', 'src/stray/thing.ts'), outcome.report);
  });

  it('bans the vscode import, even a type-only one, in core folders and allows it in features', async () => {
    // ESLint from node_modules with the real config (not bundled into this test); the files need not exist.
    const { ESLint } = createRequire(path.join(root, 'package.json'))('eslint') as { ESLint: EslintClass };
    const eslint = new ESLint({ cwd: root });
    const restrictedImports = async (filePath: string): Promise<number> => {
      const code = `import type * as types from 'vscode';\nimport * as vscode from 'vscode';\nexport const version: types.Uri | string = vscode.version;\n`;
      const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
      return result.messages.filter(m => m.ruleId === 'no-restricted-imports').length;
    };
    for (const core of [
      'src/session/probe.ts',
      'src/net/probe.ts',
      'src/util/probe.ts',
      'src/dandi/probe.ts',
      'src/shared/probe.ts',
      'media/details/probe.ts',
    ]) {
      assert.equal(await restrictedImports(core), 2, `${core} may import vscode (at run time or for types)`);
    }
    assert.equal(
      await restrictedImports('src/tree/probe.ts'),
      0,
      'the tree (a VS Code feature) must be allowed vscode',
    );
    assert.equal(
      await restrictedImports('src/commands/session/probe.ts'),
      0,
      'the session wiring must be allowed vscode',
    );
  });
});
