/**
 * Icephys sweeps in a real VS Code: every icephys file of the shared fixtures (ipfx, MIES NWB 1.x
 * and 2.x, the PyNWB SweepTable and IZeroClampSeries files, a MatNWB file without sweeps) and the
 * generated icephys.nwb (NWB 2.4 table hierarchy) opened in the viewer; the sweeps the host sends
 * for each stimulus group are checked against libhdf5's reading through h5py
 * (test/integration/icephysSweeps.py), and the generated file's stimulus amplitudes and onsets
 * against the formulas that wrote it.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { ViewTypes } from '../../src/constants';
import type { NwbEditorProvider } from '../../src/editor/nwbEditorProvider';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import type { IcephysSweeps } from '../../src/shared/protocol';
import { ICEPHYS_RATE, STEP_START, SWEEPS } from '../fixtures/nwbgen/icephys';
import { ensureDebianPackages } from '../support/debianPackages';
import { recorderOf } from '../suite/panelRecorder';
import { useViewer } from '../suite/viewerPanels';

const REAL = [
  'ipfx__2018_03_20_0005.nwb',
  'ipfx__UntitledExperiment-2018_12_03_234957-compressed.nwb',
  'mies__AB_SweepsFromMultipleDevices-V2.nwb',
  'nwbexplorer__test_SweepTable.nwb',
  'nwbexplorer__test_IZeroClampSeries.nwb',
  'matnwb__membrane_potential.nwb',
];

interface H5pySweeps {
  sweeps: number;
  groups: Record<string, (number | null)[]>;
}

function readWithH5py(script: string, files: string[]): Record<string, H5pySweeps> {
  ensureDebianPackages(['python3-h5py']);
  const run = spawnSync('/usr/bin/python3', [script, ...files], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, H5pySweeps>;
}

/** The host's groups as h5py's script writes them: name → sorted sweep numbers (null when none). */
function groupsOf(reply: IcephysSweeps): Record<string, (number | null)[]> {
  const out: Record<string, (number | null)[]> = {};
  for (const g of reply.groups) {
    out[g.stimulusName] = g.sweeps
      .map(i => reply.sweeps[i].sweepNumber ?? null)
      .sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
  }
  return out;
}

async function openPanel(provider: NwbEditorProvider, uri: vscode.Uri): Promise<ViewerPanel> {
  await vscode.commands.executeCommand('vscode.openWith', uri, ViewTypes.nwbViewer);
  const find = () => provider.panels.find(p => p.document.uri.toString() === uri.toString());
  return new Promise((resolveWait, reject) => {
    if (find()) return resolveWait(find() as ViewerPanel);
    const timer = setTimeout(() => reject(new Error(`no panel for ${uri.fsPath}`)), 60_000);
    const sub = provider.onDidChange(() => {
      const panel = find();
      if (!panel) return;
      clearTimeout(timer);
      sub.dispose();
      resolveWait(panel);
    });
  });
}

describe('Icephys sweeps (VS Code)', function () {
  this.timeout(300_000);
  const suite = useViewer();

  it('sends the sweeps of each stimulus group that h5py reads from every icephys file', async () => {
    const files = [
      ...REAL.map(name => resolve(suite.repo, '..', 'shared', 'fixtures', 'nwb', name)),
      join(suite.repo, '.cache', 'nwb', 'icephys.nwb'),
    ];
    const expected = readWithH5py(join(suite.repo, 'test', 'integration', 'icephysSweeps.py'), files);
    for (const file of files) {
      const panel = await openPanel(suite.provider, vscode.Uri.file(file));
      const reply = await recorderOf(panel).request('icephys/sweeps', { path: '/' });
      const want = expected[file];
      assert.equal(reply.sweeps.length, want.sweeps, `${file}: sweep count`);
      assert.deepEqual(groupsOf(reply), want.groups, `${file}: sweeps per stimulus`);
      for (const s of reply.sweeps)
        assert.ok(s.response || s.stimulus, `${file}: sweep ${s.index} has a series`);
    }
  });

  it('measures the generated steps: amplitude, baseline and onset from the formulas that wrote them', async () => {
    const panel = await openPanel(
      suite.provider,
      vscode.Uri.file(join(suite.repo, '.cache', 'nwb', 'icephys.nwb')),
    );
    const reply = await recorderOf(panel).request('icephys/sweeps', { path: '/' });
    assert.equal(reply.source, 'intracellular_recordings');
    for (const expected of SWEEPS) {
      const sweep = reply.sweeps.find(s => s.sweepNumber === expected.sweepNumber);
      assert.ok(sweep?.shape, `sweep ${expected.sweepNumber} measured`);
      const current = expected.clamp === 'current';
      // Stored in pA (current clamp) or mV (voltage clamp, on a -70 mV holding level).
      const unit = current ? 1e-12 : 1e-3;
      assert.equal(sweep.clampMode, expected.clamp);
      assert.equal(sweep.shape.method, 'plateau');
      assert.ok(
        Math.abs(sweep.shape.amplitude - expected.amplitude * unit) <
          1e-6 * Math.abs(expected.amplitude * unit),
      );
      assert.ok(Math.abs(sweep.shape.baseline - (current ? 0 : -70 * unit)) < 1e-9);
      const onset = 10 * expected.sweepNumber + STEP_START / ICEPHYS_RATE;
      assert.ok(
        Math.abs((sweep.shape.onset ?? NaN) - onset) < 1e-9,
        `onset ${sweep.shape.onset} vs ${onset}`,
      );
      assert.equal(
        sweep.columns?.['sequential_recordings.stimulus_type'],
        current ? 'current step' : 'voltage step',
      );
      assert.equal(
        sweep.columns?.['intracellular_recordings.recording_tag'],
        `${expected.clamp}-clamp sweep ${expected.sweepNumber}`,
      );
    }
  });
});
