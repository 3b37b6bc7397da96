/**
 * Issue 20's sweep: every object with a neurodata type in every real file of
 * ../shared/fixtures/nwb (NWB and HDF5 files, the hdmf-zarr stores), shown in the viewer and
 * judged from what it drew (see ../sweep.ts). Writes test-results/sweep.json and fails on any
 * `error`, `blank` or `timeout`, listing them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { judge, reveal, sweepFiles, typedObjects, writeSweep, type SweepRecord } from '../sweep';
import type { E2EContext, Scenario } from '../types';
import { openLocalNwb, repoRoot } from '../viewerSteps';

/** Pictures of the objects not shown honestly, for a person to look at (the records cover all). */
const MAX_PROBLEM_SCREENSHOTS = 30;

/** A view that has not settled in this long is a `timeout` (the issue measured ~160 ms per view). */
const VIEW_TIMEOUT_MS = 20_000;

/**
 * Opens a `.zarr` folder or an `.h5` file (copied into the workspace) from the Explorer's context
 * menu: neither opens in the viewer by default.
 */
async function openFromExplorer(ctx: E2EContext, source: string, command: string): Promise<void> {
  const name = path.basename(source);
  const target = path.join(ctx.workspaceDir, name);
  if (!fs.existsSync(target)) fs.cpSync(source, target, { recursive: true });
  await ctx.runCommand('File: Focus on Files Explorer');
  await ctx.runCommand('Refresh Explorer');
  const row = ctx.page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 }).catch(() => {
    throw new Error(`the Explorer shows no ${name}`);
  });
  await ctx.runContextMenuItem(row, command);
}

const scenario: Scenario = {
  name: 'object-sweep',
  // About 1,000 objects: some 7 minutes on a quiet 2-core machine, more when it is shared.
  timeoutMs: 30 * 60_000,
  async run(ctx) {
    const root = repoRoot();
    const fixtures = path.resolve(root, '..', 'shared', 'fixtures', 'nwb');
    const worker = path.join(root, 'dist', 'hdf5Worker.js');
    const records: SweepRecord[] = [];
    let pictures = 0;
    // DANDI_SWEEP_FILES limits the files (a regexp on names); DANDI_SWEEP_SHOW takes a picture of
    // every object whose `<file><path>` matches, whatever its state.
    const only = process.env.DANDI_SWEEP_FILES ? new RegExp(process.env.DANDI_SWEEP_FILES) : null;
    const show = process.env.DANDI_SWEEP_SHOW ? new RegExp(process.env.DANDI_SWEEP_SHOW) : null;
    for (const name of sweepFiles(fixtures).filter(n => !only || only.test(n))) {
      const file = path.join(fixtures, name);
      const objects = await typedObjects(file, worker);
      if (objects.length === 0) continue;
      const started = Date.now();
      // The first view may be an error (a file whose root cannot be shown): the sweep records it.
      if (name.endsWith('.zarr')) await openFromExplorer(ctx, file, 'Open Zarr');
      else if (name.endsWith('.h5')) await openFromExplorer(ctx, file, 'Open in NWB Viewer');
      else await openLocalNwb(ctx, file).catch(() => undefined);
      const frame = await ctx.activeWebview();
      await frame.locator('#view[data-state]').first().waitFor({ state: 'attached', timeout: 60_000 });
      for (const object of objects) {
        await reveal(frame, object.path);
        const record = await judge(frame, name, object, VIEW_TIMEOUT_MS);
        records.push(record);
        const wanted = show?.test(`${name}${object.path}`) ?? false;
        if (wanted || (record.state !== 'ready' && pictures < MAX_PROBLEM_SCREENSHOTS)) {
          pictures++;
          await ctx.screenshot(`sweep-${record.state}-${name}${object.path}`.replace(/[^\w.-]+/g, '_'));
        }
      }
      console.log(
        `sweep: ${name}: ${objects.length} objects in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      writeSweep(path.join(root, 'test-results'), records);
      await ctx.reset();
    }
    const out = writeSweep(path.join(root, 'test-results'), records);
    const bad = records.filter(r => r.state === 'error' || r.state === 'blank' || r.state === 'timeout');
    const counts = ['ready', 'said', 'error', 'blank', 'timeout']
      .map(s => `${records.filter(r => r.state === s).length} ${s}`)
      .join(', ');
    console.log(`sweep: ${records.length} objects (${counts}) → ${path.relative(root, out)}`);
    if (bad.length > 0) {
      throw new Error(
        `${bad.length} of ${records.length} objects are not shown honestly:\n` +
          bad.map(r => `  ${r.state} ${r.file} ${r.path} (${r.type}, ${r.view}): ${r.message}`).join('\n'),
      );
    }
  },
};

export default scenario;
