/**
 * Readable numbers on real files: stacked LFP traces of neuroconv's test file fit the pane with a
 * scale bar and the time axis in sight; an icephys sweep reads in mV / pA, a voltage clamp sweep
 * in nA or pA; tick labels never overlap or clip at two pane widths; a waveform_mean is in µV
 * and ms from the spike.
 */
import type { Scenario } from '../types';
import { checkTickLabels, readPlots, waitForPlotWidth } from '../readingSteps';
import { check, generatedNwb, openLocalNwb, openPath, realNwb, waitForRedraw } from '../viewerSteps';

const lfp = '/processing/ecephys/LFP/ElectricalSeries_lfp';

const scenario: Scenario = {
  name: 'readable-axes',
  async run(ctx) {
    let frame = await openLocalNwb(ctx, realNwb('neuroconv__test.nwb'));
    await openPath(frame, lfp, 'timeseries');
    const [traces] = await readPlots(frame);
    check(traces !== undefined, 'the LFP drew no plot');
    checkTickLabels(traces, 'LFP at 1400 px');
    check(
      /^\d+(\.\d+)? (p|n|µ|m|)V$/.test(traces.scaleBar ?? ''),
      `the stacked LFP has no amplitude scale bar in volts (${traces.scaleBar})`,
    );
    check(/^time \((s|ms|µs)\)/.test(traces.xLabel), `the time axis is titled "${traces.xLabel}"`);
    // The time axis is in sight: the plot's bottom is inside the view pane, above the details.
    const fits = await frame.locator('#view').evaluate(view => {
      const pane = (
        view as unknown as { getBoundingClientRect(): { bottom: number } }
      ).getBoundingClientRect();
      const area = (
        view as unknown as {
          querySelector(s: string): { getBoundingClientRect(): { bottom: number } } | null;
        }
      ).querySelector('.plot-area canvas');
      return area ? area.getBoundingClientRect().bottom <= pane.bottom + 1 : false;
    });
    check(fits, 'the stacked LFP is taller than the pane: its time axis is hidden');
    await ctx.screenshot('readable-axes-lfp');
    const wide = traces.width;
    try {
      await ctx.page.setViewportSize({ width: 1000, height: 900 });
      await waitForPlotWidth(frame, w => w > 0 && w < wide - 200);
      const [narrow] = await readPlots(frame);
      checkTickLabels(narrow, 'LFP at 1000 px');
      await ctx.screenshot('readable-axes-lfp-narrow');
    } finally {
      await ctx.page.setViewportSize({ width: 1400, height: 900 });
    }

    frame = await openLocalNwb(ctx, generatedNwb('icephys.nwb'));
    await openPath(frame, '/general/intracellular_ephys/intracellular_recordings', 'icephys');
    const clamp = await readPlots(frame);
    check(clamp.length === 2, `a current clamp sweep drew ${clamp.length} plots, not response and stimulus`);
    check(/^response \(mV\)$/.test(clamp[0].yLabel), `the current clamp response reads "${clamp[0].yLabel}"`);
    check(
      /^stimulus \((pA|nA)\)$/.test(clamp[1].yLabel),
      `the current clamp stimulus reads "${clamp[1].yLabel}"`,
    );
    clamp.forEach((p, i) => checkTickLabels(p, `icephys plot ${i}`));
    await waitForRedraw(frame, () => frame.getByText('VoltageClampSeries003').click());
    const voltageClamp = await readPlots(frame);
    check(
      /^response \((pA|nA)\)$/.test(voltageClamp[0]?.yLabel ?? ''),
      `the voltage clamp response reads "${voltageClamp[0]?.yLabel}", not pA or nA`,
    );
    voltageClamp.forEach((p, i) => checkTickLabels(p, `voltage clamp plot ${i}`));
    await ctx.screenshot('readable-axes-voltage-clamp');

    frame = await openLocalNwb(ctx, generatedNwb('ecephys.nwb'));
    await openPath(frame, '/units', 'units');
    await waitForRedraw(frame, () => frame.getByRole('tab', { name: 'Waveform' }).click(), {
      path: '/units',
    });
    const [waveform] = await readPlots(frame);
    check(waveform?.xLabel === 'time from spike (ms)', `the waveform's x axis is "${waveform?.xLabel}"`);
    check(
      /^amplitude \(µV\)$/.test(waveform?.yLabel ?? ''),
      `the waveform's y axis is "${waveform?.yLabel}"`,
    );
    check(
      waveform.xTicks.some(t => t.text === '0' || /^0\.0+$/.test(t.text)),
      `the waveform is not centred on the spike (no tick at 0: ${waveform.xTicks.map(t => t.text).join(' ')})`,
    );
    checkTickLabels(waveform, 'waveform');
    await ctx.screenshot('readable-axes-waveform');

    // An image has pixel rulers and a colourbar whose labels do not overlap.
    frame = await openLocalNwb(ctx, generatedNwb('ophys.nwb'));
    await openPath(frame, '/acquisition/TwoPhotonSeries', 'imageSeries');
    for (const selector of ['.colorbar-labels', '.image-ruler-y', '.image-ruler-x']) {
      const boxes = await frame.locator(`#view ${selector} .ruler-label`).evaluateAll(nodes =>
        nodes.map(n => {
          const el = n as unknown as {
            textContent: string;
            getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
          };
          // DOMRect's sides are getters: a spread would copy none of them.
          const r = el.getBoundingClientRect();
          return { text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        }),
      );
      check(boxes.length >= 2, `${selector} shows ${boxes.length} labels`);
      const vertical = selector !== '.image-ruler-x';
      const sorted = [...boxes].sort((a, b) => (vertical ? a.top - b.top : a.left - b.left));
      sorted.slice(1).forEach((b, i) => {
        const prev = sorted[i];
        check(
          vertical ? b.top >= prev.bottom : b.left >= prev.right,
          `${selector}: labels "${prev.text}" and "${b.text}" overlap`,
        );
      });
    }
    await frame.locator('#view .image-box').scrollIntoViewIfNeeded();
    await ctx.screenshot('readable-axes-image');
  },
};

export default scenario;
