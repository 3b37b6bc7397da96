import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDownload } from '../../../src/download/engine';
import { tempPaths } from '../../../src/download/tempState';
import type { DownloadOptions } from '../../../src/download/types';
import { openPositionalWriter } from '../../../src/download/writer';
import { HOSTILE_NORMAL_PATHS, HOSTILE_PATHS } from '../../archive/seedGenerated';
import { etagOfFile, exists, plan, planAsset, useArchive } from './support';

describe('hostile archive paths against a workspace of its own', function () {
  this.timeout(60_000);
  const env = useArchive();
  const options = (destination: string, extra: Partial<DownloadOptions> = {}): DownloadOptions =>
    env.options(destination, extra);

  /** A workspace with the user's own git and VS Code settings, as a download may find it. */
  async function workspace(): Promise<{ root: string; own: Map<string, string> }> {
    const root = await env.temps.make();
    const own = new Map([
      ['.git/config', '[core]\n\trepositoryformatversion = 0\n'],
      ['.git/HEAD', 'ref: refs/heads/trunk\n'],
      ['.vscode/settings.json', '{"editor.tabSize": 2}\n'],
    ]);
    for (const [path, text] of own) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return { root, own };
  }

  for (const layout of ['glob', 'dandiset'] as const) {
    it(`refuses every hostile path with its reason and leaves the workspace's own files (${layout})`, async () => {
      const { root, own } = await workspace();
      const dandisetId = env.archive().hostileId;
      const files = await plan(
        env.archive(),
        layout === 'glob'
          ? { kind: 'glob', dandisetId, version: 'draft', path: '*' }
          : { kind: 'dandiset', dandisetId, version: 'draft' },
      );
      assert.equal(files.length, HOSTILE_PATHS.length + HOSTILE_NORMAL_PATHS.length);
      const summary = await runDownload(files, options(root, { existing: 'overwrite' }));
      const refused = new Map(summary.failed.map(f => [f.path, f.reason]));
      assert.deepEqual([...refused.keys()].sort(), [...HOSTILE_PATHS].sort());
      for (const reason of refused.values()) assert.match(reason, /^refused: /);
      const controlFolder = (name: string) => new RegExp(`may be taken for, \\.${name} `);
      for (const path of HOSTILE_PATHS.filter(p => /^\.?(g\u200cit|git|GIT~1|\.GIT~1)\//i.test(p)))
        assert.match(refused.get(path) ?? '', controlFolder('git'), path);
      assert.match(refused.get('.vscode/tasks.json') ?? '', controlFolder('vscode'));
      assert.match(refused.get('CONIN$') ?? '', /reserved device name/);
      assert.match(refused.get('sub-01/report\u202Eslx.nwb') ?? '', /bidirectional control/);
      assert.deepEqual(summary.downloaded.sort(), [...HOSTILE_NORMAL_PATHS].sort());
      for (const file of files.filter(f => HOSTILE_NORMAL_PATHS.includes(f.path))) {
        const target = join(root, ...file.localPath.split('/'));
        assert.equal(await etagOfFile(target), file.etag, `${file.path} verified`);
      }
      for (const [path, text] of own) assert.equal(await readFile(join(root, path), 'utf8'), text, path);
      assert.deepEqual((await readdir(join(root, '.git'))).sort(), ['HEAD', 'config']);
      assert.deepEqual(await readdir(join(root, '.vscode')), ['settings.json']);
      const top = (await readdir(root)).sort();
      const expected =
        layout === 'glob'
          ? ['.dandi', '.git', '.vscode', 'sub-01', 'sub-02']
          : ['.dandi', '.git', '.vscode', dandisetId];
      assert.deepEqual(top, expected.sort());
    });
  }

  it('keeps the verified download when the rename is not permitted (EPERM, an immutable folder)', async () => {
    const destination = await env.temps.make();
    const file = await planAsset(env.archive(), env.archive().hostileId, 'sub-01/ok.nwb');
    const target = join(destination, file.localPath);
    try {
      const summary = await runDownload(
        [file],
        options(destination, {
          openWriter: async (path, opts) => {
            const writer = await openPositionalWriter(path, opts);
            return {
              write: (data, position) => writer.write(data, position),
              close: async () => {
                await writer.close();
                // chattr +i needs root on ext4 (the suite's tmpfs test needs root too).
                execFileSync('chattr', ['+i', destination]);
              },
            };
          },
        }),
      );
      assert.match(summary.failed[0]?.reason ?? '', /complete and verified .*\(EPERM\); it is kept at /);
    } finally {
      execFileSync('chattr', ['-i', destination]);
    }
    assert.equal(await etagOfFile(tempPaths(target).data), file.etag);
    assert.equal(await exists(target), false);
  });

  it('keeps a complete verified download in its temp folder when the final rename fails', async () => {
    const destination = await env.temps.make();
    const file = await planAsset(env.archive(), env.archive().hostileId, 'sub-01/ok.nwb');
    const target = join(destination, file.localPath);
    const summary = await runDownload(
      [file],
      options(destination, {
        openWriter: async (path, opts) => {
          const writer = await openPositionalWriter(path, opts);
          return {
            write: (data, position) => writer.write(data, position),
            // Something takes the target's place (a folder with content) just before the rename.
            close: async () => {
              await writer.close();
              await mkdir(join(target, 'inside'), { recursive: true });
            },
          };
        },
      }),
    );
    const data = tempPaths(target).data;
    assert.equal(summary.failed.length, 1);
    assert.match(summary.failed[0].reason, /complete and verified but could not be moved/);
    assert.ok(summary.failed[0].reason.includes(data), 'says where the data is');
    assert.equal((await stat(data)).size, file.size);
    assert.equal(await etagOfFile(data), file.etag);
    assert.ok(await exists(join(target, 'inside')), 'the folder in the way is untouched');
  });
});
