/**
 * Trial-aligned spikes in a real VS Code: psth.nwb streamed from the stand-in archive (the demo
 * Dandiset), the host's PSTH bin counts and raster times checked against counts made here from the
 * generator's own spike list and trial times; the same file opened locally gives the same answer.
 */
import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { ViewTypes } from '../../src/constants';
import { formatAssetUri } from '../../src/dandi/assetUri';
import type { NwbEditorProvider } from '../../src/editor/nwbEditorProvider';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import { PROTOCOL_VERSION, type PsthParams, type PsthResult } from '../../src/shared/protocol';
import { PSTH_TRIAL_COUNT, psthTrial, psthUnitSpikes } from '../fixtures/nwbgen/index';
import { recorderOf } from '../suite/panelRecorder';
import { useViewer } from '../suite/viewerPanels';

interface ArchiveInfo {
  apiUrl: string;
  ids: { nwbDemo: string };
}

/** Resolves when `condition` holds, re-checked on each provider change. */
function when(provider: NwbEditorProvider, condition: () => boolean, what: string): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((done, fail) => {
    const timer = setTimeout(() => (sub.dispose(), fail(new Error(`timed out waiting for ${what}`))), 60_000);
    const sub = provider.onDidChange(() => {
      if (!condition()) return;
      clearTimeout(timer);
      sub.dispose();
      done();
    });
  });
}

async function openPanel(provider: NwbEditorProvider, uri: vscode.Uri): Promise<ViewerPanel> {
  await vscode.commands.executeCommand('vscode.openWith', uri, ViewTypes.nwbViewer);
  const find = () => provider.panels.find(p => p.document.uri.toString() === uri.toString());
  await when(provider, () => find() !== undefined, `a panel for ${uri.toString(true)}`);
  return find() as ViewerPanel;
}

/** What the PSTH must hold, counted here over every spike and trial, with no binary search. */
function expectedCounts(
  unit: number,
  p: PsthParams,
  condition: string,
): { counts: number[]; times: number[] } {
  const binCount = Math.round((p.pre + p.post) / p.binWidth);
  const counts = new Array<number>(binCount).fill(0);
  const times: number[] = [];
  for (let i = 0; i < PSTH_TRIAL_COUNT; i++) {
    const trial = psthTrial(i);
    if (trial.condition !== condition) continue;
    for (const t of psthUnitSpikes(unit)) {
      const rel = t - trial.stimOn;
      if (rel < -p.pre || rel >= p.post) continue;
      counts[Math.floor((rel + p.pre) / p.binWidth)]++;
      times.push(rel);
    }
  }
  return { counts, times };
}

function checkAgainstGenerator(result: PsthResult, p: PsthParams): void {
  assert.deepEqual(
    result.groups.map(g => g.label),
    ['A', 'B'],
  );
  assert.equal(result.trialCount, PSTH_TRIAL_COUNT);
  p.unitRows.forEach((unit, u) =>
    result.groups.forEach((g, gi) => {
      const { counts, times } = expectedCounts(unit, p, g.label);
      const got = result.perUnit[u].groups[gi];
      assert.deepEqual(Array.from(new Uint32Array(got.counts)), counts, `unit ${unit} ${g.label} counts`);
      assert.deepEqual(Array.from(new Float64Array(got.times)), times, `unit ${unit} ${g.label} times`);
      const trials = new Uint32Array(g.trials).length;
      assert.deepEqual(
        Array.from(new Float64Array(got.rate)),
        counts.map(c => c / (trials * p.binWidth)),
      );
    }),
  );
}

describe('Trial-aligned spikes (VS Code)', function () {
  this.timeout(180_000);
  const suite = useViewer();
  const archiveJson = process.env.DANDI_TEST_ARCHIVE;
  const archive = archiveJson ? (JSON.parse(archiveJson) as ArchiveInfo) : undefined;
  const params: PsthParams = {
    units: '/units',
    unitRows: [0, 1, 2, 3],
    intervals: '/intervals/trials',
    align: 'stim_on_time',
    groupBy: 'condition',
    pre: 0.2,
    post: 0.3,
    binWidth: 0.01,
  };

  it('counts the PSTH bins of psth.nwb streamed from the archive as the generator placed the spikes', async () => {
    assert.ok(archive, 'the suite runs with the stand-in archive (DANDI_TEST_ARCHIVE)');
    const url = `${archive.apiUrl}/dandisets/${archive.ids.nwbDemo}/versions/draft/assets/?path=psth.nwb`;
    const page = (await (await fetch(url)).json()) as {
      results: { asset_id: string; path: string; size: number }[];
    };
    const asset = page.results.find(a => a.path === 'psth.nwb');
    assert.ok(asset, 'the demo Dandiset has psth.nwb');
    const uri = vscode.Uri.parse(
      formatAssetUri({
        apiUrl: archive.apiUrl,
        assetId: asset.asset_id,
        path: asset.path,
        dandisetId: archive.ids.nwbDemo,
        version: 'draft',
        size: asset.size,
      }),
    );
    const panel = await openPanel(suite.provider, uri);
    const rpc = recorderOf(panel);
    assert.equal((await rpc.request('init', { protocol: PROTOCOL_VERSION })).file.source.kind, 'dandi');
    const options = await rpc.request('psth/options', {});
    assert.deepEqual(
      options.intervals.map(t => t.path),
      ['/intervals/trials'],
    );
    const good = await rpc.request('psth/units', {
      path: '/units',
      filters: [{ column: 'quality', op: '==', value: 'good' }],
    });
    assert.deepEqual(
      good.units.map(u => u.row),
      [0, 1, 3],
    );
    checkAgainstGenerator(await rpc.request('psth', params), params);
  });

  it('gives the same PSTH for the file opened locally', async () => {
    const panel = await openPanel(
      suite.provider,
      vscode.Uri.file(resolve(suite.repo, '.cache', 'nwb', 'psth.nwb')),
    );
    const rpc = recorderOf(panel);
    await rpc.request('init', { protocol: PROTOCOL_VERSION });
    checkAgainstGenerator(await rpc.request('psth', params), params);
    await assert.rejects(rpc.request('psth', { ...params, unitRows: [] }), /pick 1 to 16 units/);
  });
});
