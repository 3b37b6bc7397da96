import * as assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { runDownload } from '../../../src/download/engine';
import { ZARR_MARKER } from '../../../src/download/paths';
import type { DownloadOptions, PlannedFile } from '../../../src/download/types';
import { plan, useArchive } from './support';

describe('Zarr clean-up only in a folder this extension made', function () {
  this.timeout(60_000);
  const logs: string[] = [];
  const env = useArchive(() => {
    logs.length = 0;
  });
  const options = (destination: string, extra: Partial<DownloadOptions> = {}): DownloadOptions =>
    env.options(destination, { onLog: (level, message) => logs.push(`${level}: ${message}`), ...extra });

  async function zarrPlan(): Promise<PlannedFile[]> {
    const files = await plan(env.archive(), {
      kind: 'glob',
      dandisetId: env.archive().ids.zarr,
      version: 'draft',
      path: '*.zarr',
    });
    assert.equal(files.length, 1);
    return files;
  }

  async function filesUnder(root: string): Promise<string[]> {
    const all = await readdir(root, { recursive: true, withFileTypes: true });
    return all
      .filter(d => !d.isDirectory())
      .map(d => relative(root, join(d.parentPath, d.name)).split(sep).join('/'))
      .sort();
  }

  /** A folder with the Zarr's name that the user had before the download. */
  async function userFolder(destination: string, file: PlannedFile): Promise<string> {
    const root = join(destination, ...file.localPath.split('/'));
    await mkdir(join(root, 'analysis'), { recursive: true });
    await writeFile(join(root, 'notes.txt'), 'my notes');
    await writeFile(join(root, 'analysis', 'fit.py'), 'print(1)');
    return root;
  }

  it("leaves the user's own files in a folder that has the Zarr's name, and says so", async () => {
    const destination = await env.temps.make();
    const files = await zarrPlan();
    const root = await userFolder(destination, files[0]);
    const summary = await runDownload(files, options(destination));
    assert.deepEqual(summary.failed, []);
    assert.equal(await readFile(join(root, 'notes.txt'), 'utf8'), 'my notes');
    assert.equal(await readFile(join(root, 'analysis', 'fit.py'), 'utf8'), 'print(1)');
    assert.ok((await filesUnder(root)).includes('.zattrs'), 'the Zarr arrived beside them');
    assert.ok(
      logs.some(l => l.includes(`2 files not in the Zarr were left in ${root}`)),
      logs.join('\n'),
    );
    assert.ok(!(await filesUnder(root)).includes(ZARR_MARKER), 'no claim on a folder we did not make');
    // A second run leaves them too.
    await runDownload(files, options(destination));
    assert.equal(await readFile(join(root, 'notes.txt'), 'utf8'), 'my notes');
  });

  it('asks before deleting from a folder it did not make, and deletes only on yes', async () => {
    const destination = await env.temps.make();
    const files = await zarrPlan();
    const root = await userFolder(destination, files[0]);
    const asked: string[][] = [];
    await runDownload(
      files,
      options(destination, {
        confirmStrayRemoval: async (folder, strays) => {
          assert.equal(folder, root);
          asked.push([...strays].sort());
          return false;
        },
      }),
    );
    assert.deepEqual(asked, [['analysis/fit.py', 'notes.txt']]);
    assert.equal(await readFile(join(root, 'notes.txt'), 'utf8'), 'my notes');
    await runDownload(files, options(destination, { confirmStrayRemoval: async () => true }));
    const left = await filesUnder(root);
    assert.ok(!left.includes('notes.txt') && !left.includes('analysis/fit.py'), left.join(', '));
    assert.deepEqual(await readdir(root).then(n => n.includes('analysis')), false, 'emptied folder removed');
  });

  it('removes strays in its own folder (marked), never the marker, and not for another Zarr', async () => {
    const destination = await env.temps.make();
    const files = await zarrPlan();
    const root = join(destination, ...files[0].localPath.split('/'));
    await runDownload(files, options(destination));
    const marker = JSON.parse(await readFile(join(root, ZARR_MARKER), 'utf8')) as { zarrId: string };
    assert.equal(marker.zarrId, files[0].zarr?.zarrId);
    const clean = await filesUnder(root);
    await writeFile(join(root, 'stale.bin'), 'old');
    let asked = false;
    const confirmStrayRemoval = async () => (asked = true);
    await runDownload(files, options(destination, { confirmStrayRemoval }));
    assert.deepEqual(await filesUnder(root), clean, 'the stray went, the marker stayed');
    assert.equal(asked, false, 'no question for our own folder');
    assert.ok(logs.some(l => /removed 1 local files the Zarr does not have \(stale\.bin\)/.test(l)));
    // A marker naming another Zarr is not ours.
    await writeFile(join(root, ZARR_MARKER), JSON.stringify({ zarrId: 'another' }));
    await writeFile(join(root, 'mine.txt'), 'mine');
    await runDownload(files, options(destination));
    assert.equal(await readFile(join(root, 'mine.txt'), 'utf8'), 'mine');
  });
});
