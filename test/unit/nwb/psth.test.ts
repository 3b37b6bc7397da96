/**
 * Trial-aligned spikes computed in the host on the generated psth.nwb (each condition's peak where
 * the generator put it) and on real files (the view is offered where units and intervals meet).
 */
import * as assert from 'node:assert/strict';
import { psth, psthOptions } from '../../../src/nwb/psth';
import { filteredUnits, passes } from '../../../src/nwb/psthTables';
import { resolveView } from '../../../src/nwb/views';
import type { PsthResult } from '../../../src/shared/protocol';
import {
  ensureGeneratedNwb,
  PSTH_RESPONSE,
  PSTH_TRIAL_COUNT,
  psthTrial,
  psthUnitSpikes,
} from '../../fixtures/nwbgen/index';
import { fixture, openNwb } from './helpers';

type Opened = Awaited<ReturnType<typeof openNwb>>;

const counts = (r: PsthResult, unit: number, group: number): number[] =>
  Array.from(new Uint32Array(r.perUnit[unit].groups[group].counts));

describe('trial-aligned spikes (host)', function () {
  this.timeout(120_000);
  let nwb: Opened;
  before(async () => {
    nwb = await openNwb((await ensureGeneratedNwb()).psth);
  });
  after(() => nwb?.close());

  it('lists the Units and TimeIntervals tables with their columns by use', async () => {
    const options = await psthOptions(nwb);
    assert.deepEqual(
      options.units.map(t => t.path),
      ['/units'],
    );
    assert.deepEqual(options.units[0].numberColumns, ['isi_violations']);
    assert.deepEqual(options.units[0].groupColumns, ['quality', 'isi_violations']);
    assert.deepEqual(options.intervals, [
      {
        path: '/intervals/trials',
        rowCount: PSTH_TRIAL_COUNT,
        numberColumns: ['start_time', 'stop_time', 'stim_on_time'],
        groupColumns: ['start_time', 'stop_time', 'stim_on_time', 'condition'],
      },
    ]);
  });

  it('offers the view on the units and on the trials', async () => {
    for (const path of ['/units', '/intervals/trials']) {
      const r = await resolveView(nwb, path);
      assert.ok(r.alternatives.includes('psth'), `${path}: ${r.alternatives.join(', ')}`);
      assert.notEqual(r.view, 'psth');
    }
  });

  it('filters units on text and number columns', async () => {
    const good = await filteredUnits(nwb, '/units', [{ column: 'quality', op: '==', value: 'good' }]);
    assert.deepEqual(
      good.units.map(u => u.row),
      [0, 1, 3],
    );
    const clean = await filteredUnits(nwb, '/units', [
      { column: 'quality', op: '!=', value: 'noise' },
      { column: 'isi_violations', op: '<', value: 0.25 },
    ]);
    assert.deepEqual(
      clean.units.map(u => u.row),
      [0, 3],
    );
    assert.equal(passes(Number.NaN, { column: 'x', op: '<', value: 1 }), false);
    assert.equal(passes('mua', { column: 'x', op: '>=', value: 'good' }), true);
  });

  it('peaks 20–40 ms after stimulus onset in condition A and 60–80 ms in condition B', async () => {
    const r = await psth(nwb, {
      units: '/units',
      unitRows: [0, 1, 2],
      intervals: '/intervals/trials',
      align: 'stim_on_time',
      groupBy: 'condition',
      pre: 0.1,
      post: 0.2,
      binWidth: 0.01,
    });
    assert.deepEqual(
      r.groups.map(g => g.label),
      ['A', 'B'],
    );
    assert.deepEqual(
      r.groups.map(g => new Uint32Array(g.trials).length),
      [PSTH_TRIAL_COUNT / 2, PSTH_TRIAL_COUNT / 2],
    );
    assert.equal(r.binCount, 30);
    for (const [u, row] of [0, 1].entries()) {
      r.groups.forEach((g, gi) => {
        const c = counts(r, u, gi);
        const [from, to] = PSTH_RESPONSE[g.label];
        const peakBins = [Math.round((from + 0.1) / 0.01), Math.round((to + 0.1) / 0.01) - 1];
        const top = c.indexOf(Math.max(...c));
        assert.ok(top >= peakBins[0] && top <= peakBins[1], `unit ${row} ${g.label}: peak in bin ${top}`);
        // Every trial put 3 + row spikes in the response window, on top of the background.
        const evoked = c[peakBins[0]] + c[peakBins[1]];
        assert.ok(evoked >= (3 + row) * (PSTH_TRIAL_COUNT / 2), `unit ${row} ${g.label}: ${evoked}`);
        const rate = Array.from(new Float64Array(r.perUnit[u].groups[gi].rate));
        assert.deepEqual(
          rate,
          c.map(n => n / ((PSTH_TRIAL_COUNT / 2) * 0.01)),
        );
      });
    }
    // The mua unit does not respond: no bin stands out.
    const flat = counts(r, 2, 0);
    assert.ok(Math.max(...flat) <= 6, `mua unit counts ${flat.join(',')}`);
  });

  it('matches counts made from the generator’s spikes, aligned on trial start, all trials together', async () => {
    const r = await psth(nwb, {
      units: '/units',
      unitRows: [3],
      intervals: '/intervals/trials',
      align: 'start_time',
      pre: 0.25,
      post: 1,
      binWidth: 0.025,
    });
    assert.deepEqual(
      r.groups.map(g => g.label),
      ['all trials'],
    );
    const expected = new Array<number>(r.binCount).fill(0);
    const relative: number[] = [];
    for (let i = 0; i < PSTH_TRIAL_COUNT; i++) {
      for (const t of psthUnitSpikes(3)) {
        const rel = t - psthTrial(i).start;
        if (rel >= -0.25 && rel < 1) {
          expected[Math.floor((rel + 0.25) / 0.025)]++;
          relative.push(rel);
        }
      }
    }
    assert.deepEqual(counts(r, 0, 0), expected);
    assert.deepEqual(Array.from(new Float64Array(r.perUnit[0].groups[0].times)), relative);
  });

  it('refuses unknown columns, rows out of range and windows of too many bins', async () => {
    const base = {
      units: '/units',
      unitRows: [0],
      intervals: '/intervals/trials',
      align: 'start_time',
      pre: 0.5,
      post: 1,
      binWidth: 0.01,
    };
    await assert.rejects(psth(nwb, { ...base, align: 'nope' }), /no column nope/);
    await assert.rejects(psth(nwb, { ...base, unitRows: [99] }), /out of range/);
    await assert.rejects(psth(nwb, { ...base, binWidth: 1e-6 }), /at most/);
  });
});

describe('trial-aligned spikes on real files', function () {
  this.timeout(300_000);
  const files = [
    'matnwb__ecephys_tutorial.nwb',
    'nwblinkml__aibs.nwb',
    'pynapple__A8604-211122.nwb',
    'pynapple__sub-4_ses-4_ecephys+image.nwb',
  ];

  for (const name of files) {
    it(`aligns the units of ${name} on each of its intervals tables, grouped by a column`, async () => {
      const nwb = await openNwb(fixture(name));
      try {
        const options = await psthOptions(nwb);
        assert.ok(options.units.length > 0 && options.intervals.length > 0, JSON.stringify(options));
        const units = options.units[0];
        for (const intervals of options.intervals) {
          const times = new Set(intervals.numberColumns.filter(c => c.endsWith('_time')));
          const groupBy = intervals.groupColumns.find(c => !times.has(c));
          const r = await psth(nwb, {
            units: units.path,
            unitRows: [0, Math.min(1, units.rowCount - 1)],
            intervals: intervals.path,
            align: intervals.numberColumns[0],
            ...(groupBy ? { groupBy } : {}),
            pre: 0.5,
            post: 1,
            binWidth: 0.05,
          });
          const where = `${name} ${intervals.path} by ${groupBy ?? 'nothing'}`;
          assert.equal(r.trialCount + r.skippedTrials, intervals.rowCount, where);
          const trials = r.groups.map(g => new Uint32Array(g.trials).length);
          assert.equal(
            trials.reduce((a, b) => a + b, 0),
            r.trialCount,
            where,
          );
          assert.ok(r.groups.length <= 24, where);
          // Subset files (nwb-linkml) keep index entries past the end of spike_times: some units are empty.
          assert.ok(
            r.perUnit.some(u => u.spikeCount > 0),
            `${where}: no unit has spikes`,
          );
          for (const unit of r.perUnit) {
            unit.groups.forEach((g, gi) => {
              const counts = new Uint32Array(g.counts);
              const offsets = new Uint32Array(g.offsets);
              assert.equal(counts.length, r.binCount, where);
              assert.equal(offsets.length, trials[gi] + 1, where);
              // The raster holds exactly the spikes the histogram counts (nothing was cut here).
              assert.equal(
                counts.reduce((a, b) => a + b, 0),
                offsets[offsets.length - 1],
                where,
              );
            });
          }
        }
      } finally {
        await nwb.close();
      }
    });
  }
});
