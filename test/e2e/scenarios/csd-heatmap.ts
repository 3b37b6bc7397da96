/**
 * Current source density (AllenSDK EcephysCSD in a real file) as a depth × time heatmap: time on
 * x relative to a stated origin, the channels on y (the file's subset keeps too few virtual
 * electrode positions, which the view says), a diverging colour scale centred on 0 with its
 * prefixed unit, the hover naming time, channel and value; the series inside switches to its
 * stacked traces and back, and a many-channel LFP offers the same heatmap beside its traces.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Scenario } from '../types';
import {
  acceptSaveDialog,
  PNG_SIGNATURE,
  check,
  openLocalNwb,
  openPath,
  realNwb,
  viewButton,
  waitForRedraw,
} from '../viewerSteps';

const csd = '/processing/current_source_density/ecephys_csd';
const series = `${csd}/current_source_density`;
const lfp = '/acquisition/probe_769322820_lfp/probe_769322820_lfp_data';

const scenario: Scenario = {
  name: 'csd-heatmap',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, realNwb('nwblinkml__aibs_ecephys.nwb'));
    await openPath(frame, csd, 'depthHeatmap');
    const text = await frame.locator('#view').innerText();
    check(/rows by channel index/.test(text), `the rows say what they are: ${text.slice(0, 300)}`);
    check(
      /virtual_electrode_y_positions holds 10 values for 384 channels/.test(text),
      `the view says why the file's positions are not used: ${text.slice(0, 400)}`,
    );
    const range = (await frame.locator('.colorbar').getAttribute('data-range')) ?? '';
    const [low, high] = range.split(' – ').map(part => Number.parseFloat(part.replace('−', '-')));
    check(low < 0 && high > 0 && Math.abs(low + high) < 1e-9, `a colour scale centred on 0: "${range}"`);
    check(/kV\/cm²/.test(range), `the colourbar reads in a prefixed unit: "${range}"`);
    const over = await frame.locator('.plot-area .u-over').boundingBox();
    check(over !== null, 'the heatmap has a plotting area');
    if (over) await ctx.page.mouse.move(over.x + over.width / 2, over.y + over.height / 2);
    const readout = await frame.locator('.plot-readout').innerText();
    check(
      /s · channel \d+ · -?[\d.]+ kV\/cm²/.test(readout),
      `hovering names time, channel and value: "${readout}"`,
    );
    const shot = await ctx.screenshot('csd-heatmap');

    // The exported picture carries the colourbar (its scale, labels and unit) right of the plot.
    const plotWidth = await frame
      .locator('#view .view-body canvas')
      .first()
      .evaluate(c => (c as { width: number }).width);
    await frame.getByRole('button', { name: 'Export PNG' }).click();
    const png = await acceptSaveDialog(ctx, 'ecephys_csd.png');
    check(png.subarray(0, 8).equals(PNG_SIGNATURE), 'the export is a PNG');
    const exportedWidth = png.readUInt32BE(16);
    check(
      exportedWidth > plotWidth + 60,
      `the PNG (${exportedWidth} px wide) has room for the colourbar beside the plot (${plotWidth} px)`,
    );
    fs.writeFileSync(path.join(path.dirname(shot), 'csd-heatmap-export.png'), png);

    // The series itself: the heatmap first, the stacked traces one click away.
    await openPath(frame, series, 'depthHeatmap');
    const labels = await frame.locator('#view > .view-switcher button').allInnerTexts();
    check(
      labels[0] === 'Depth × time' &&
        labels.includes('Time series') &&
        !labels.some(l => /[a-z][A-Z]/.test(l)),
      `the view buttons read as words, the view shown first: ${JSON.stringify(labels)}`,
    );
    await waitForRedraw(frame, () => viewButton(frame, 'timeseries').click(), {
      path: series,
      view: 'timeseries',
    });
    await waitForRedraw(frame, () => viewButton(frame, 'depthHeatmap').click(), {
      path: series,
      view: 'depthHeatmap',
    });

    // A many-channel LFP: traces first, the heatmap beside them.
    await openPath(frame, lfp, 'timeseries');
    await waitForRedraw(frame, () => viewButton(frame, 'channelHeatmap').click(), {
      path: lfp,
      view: 'channelHeatmap',
    });
    await ctx.screenshot('lfp-heatmap');
  },
};

export default scenario;
