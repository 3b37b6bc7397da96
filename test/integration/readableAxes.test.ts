/**
 * Readable numbers in the real NWB viewer (VS Code, real webview): a file written here holds one
 * series per decade from 1e-12 to 1e3 in volts and amperes, series on an offset, one starting
 * 123.6 s into the session, stacked traces and an image. At two pane widths the test reads what
 * the webview drew (`test/readings`: axis titles, tick label boxes, scale bar, colourbar and
 * rulers) and asserts the SI prefix chosen, that no two labels overlap and none is cut, and that
 * time counts from a stated origin.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import type { PlotReading, ReadBox, ViewReadings } from '../../src/shared/protocol';
import {
  CLAMP_CURRENT,
  DC_OFFSET,
  DECADE_CASES,
  EPOCH_CLOCK,
  IMAGE,
  LATE_START,
  MEMBRANE,
  RAW_COUNTS,
  STACKED,
  writeReadableNumbers,
  type NumberCase,
} from '../fixtures/nwbgen/readableNumbers';
import { recorderOf } from '../suite/panelRecorder';
import { openInViewer, showInPanel, useViewer } from '../suite/viewerPanels';

/** The prefix a person writes for values reaching 3 × 10^k, k = -12 … 3 (engineering notation). */
const PREFIX_BY_DECADE: Readonly<Record<number, string>> = {
  [-12]: 'p',
  [-11]: 'p',
  [-10]: 'p',
  [-9]: 'n',
  [-8]: 'n',
  [-7]: 'n',
  [-6]: 'µ',
  [-5]: 'µ',
  [-4]: 'µ',
  [-3]: 'm',
  [-2]: 'm',
  [-1]: 'm',
  0: '',
  1: '',
  2: '',
  3: 'k',
};
const POWER: Readonly<Record<string, number>> = { p: -12, n: -9, µ: -6, m: -3, '': 0, k: 3 };
const SYMBOL = { volts: 'V', amperes: 'A' } as const;

/** The editor group's share of the editor area: the whole of it, then a narrow column. */
const WIDTHS = [
  { name: 'full width', share: 1 },
  { name: 'a narrow pane', share: 0.4 },
] as const;

async function setEditorShare(share: number): Promise<void> {
  const groups = share >= 1 ? [{}] : [{ size: share }, { size: 1 - share }];
  await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups });
}

const width = (b: ReadBox): number => b.right - b.left;

/** What the view drew, once two readings 200 ms apart agree (a resize may redraw after `rendered`). */
async function settledReadings(panel: ViewerPanel, path: string): Promise<ViewReadings> {
  const recorder = recorderOf(panel);
  let last = '';
  const deadline = Date.now() + 15_000;
  for (;;) {
    const reading = await recorder.ask('test/readings', {});
    const text = JSON.stringify(reading);
    if (reading.path === path && text === last) return reading;
    if (Date.now() > deadline) throw new Error(`the drawing of ${path} did not settle: ${text}`);
    last = text;
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** Labels along one direction: none overlaps the next, none is cut by [0, end]. */
function assertApart(
  labels: readonly (ReadBox & { text: string })[],
  along: 'x' | 'y',
  from: number,
  end: number,
  where: string,
): void {
  const [lo, hi] = along === 'x' ? (['left', 'right'] as const) : (['top', 'bottom'] as const);
  const sorted = [...labels].sort((a, b) => a[lo] - b[lo]);
  sorted.forEach((b, i) => {
    assert.ok(
      b[lo] >= from - 0.5 && b[hi] <= end + 0.5,
      `${where}: the label "${b.text}" [${b[lo]}, ${b[hi]}] is cut (visible ${from}–${end})`,
    );
    const next = sorted[i + 1];
    if (next)
      assert.ok(
        next[lo] >= b[hi],
        `${where}: labels "${b.text}" and "${next.text}" overlap (${b[hi]} > ${next[lo]})`,
      );
  });
  const texts = sorted.map(b => b.text);
  assert.equal(new Set(texts).size, texts.length, `${where}: labels repeat (${texts.join(' ')})`);
}

/** Every tick label of every chart apart and inside its canvas, every canvas inside the pane. */
function assertReadable(r: ViewReadings, where: string): void {
  assert.ok(r.plots.length > 0, `${where}: no chart drawn`);
  r.plots.forEach((p, i) => {
    const at = `${where}, chart ${i}`;
    assert.ok(p.xTicks.length >= 2, `${at}: ${p.xTicks.length} x tick labels`);
    assertApart(p.xTicks, 'x', 0, p.width, `${at} x axis`);
    assertApart(p.yTicks, 'y', 0, p.height, `${at} y axis`);
    // Across the axes too: each label wholly on the canvas, no x label on a y label.
    for (const b of [...p.xTicks, ...p.yTicks])
      assert.ok(
        b.left >= -0.5 && b.right <= p.width + 0.5 && b.top >= -0.5 && b.bottom <= p.height + 0.5,
        `${at}: the label "${b.text}" ${JSON.stringify(b)} is cut by the ${p.width} × ${p.height} canvas`,
      );
    for (const x of p.xTicks)
      for (const y of p.yTicks)
        assert.ok(
          x.right <= y.left || y.right <= x.left || x.bottom <= y.top || y.bottom <= x.top,
          `${at}: the x label "${x.text}" overlaps the y label "${y.text}"`,
        );
    assert.ok(
      p.canvas.left >= r.pane.left - 0.5 && p.canvas.right <= r.pane.right + 0.5,
      `${at}: the chart [${p.canvas.left}, ${p.canvas.right}] is cut by the pane [${r.pane.left}, ${r.pane.right}]`,
    );
  });
}

/** The prefix in a y title "TimeSeries (nA)" for `symbol`, asserting the title has one. */
function prefixOf(title: string, symbol: string, where: string): string {
  const m = new RegExp(`\\((p|n|µ|m|k|M|G|)${symbol}\\)$`).exec(title);
  assert.ok(m, `${where}: the y axis "${title}" names no unit in ${symbol}`);
  return m[1];
}

const numbers = (ticks: PlotReading['yTicks']): number[] => ticks.map(t => Number(t.text.replace('−', '-')));

/** The y ticks read in the prefix: numbers from 1 to 999, spanning the data and inside its range. */
function assertValueTicks(p: PlotReading, c: NumberCase, prefix: string, where: string): void {
  const values = numbers(p.yTicks);
  assert.ok(values.length >= 2, `${where}: ${values.length} y tick labels`);
  assert.ok(
    values.every(Number.isFinite),
    `${where}: y labels that are not plain numbers: ${p.yTicks.map(t => t.text).join(' ')}`,
  );
  const reach = Math.max(...values.map(Math.abs));
  assert.ok(reach >= 1 && reach < 1000, `${where}: ticks reach ${reach} ${prefix} (not 1–999)`);
  const factor = 10 ** POWER[prefix];
  const span = c.high - c.low;
  const [low, high] = [Math.min(...values) * factor, Math.max(...values) * factor];
  assert.ok(
    low >= c.low - span / 2 && high <= c.high + span / 2,
    `${where}: ticks ${p.yTicks.map(t => t.text).join(' ')} ${prefix} leave the data's range ${c.low}–${c.high}`,
  );
  assert.ok(
    high - low >= span / 2,
    `${where}: ticks ${p.yTicks.map(t => t.text).join(' ')} cover too little of the data`,
  );
}

describe('Readable numbers in the NWB viewer (VS Code)', function () {
  this.timeout(300_000);
  const suite = useViewer();
  let scratch: string;
  let file: vscode.Uri;
  /** The pane's width at full width, to check the narrow one is narrower. */
  let fullPane = 0;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'dandi-readable-'));
    file = vscode.Uri.file(join(scratch, 'readable-numbers.nwb'));
    await writeReadableNumbers(file.fsPath);
  });

  after(async () => {
    await setEditorShare(1);
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Opens the file at `share` of the editor area, shows `path` and reads what was drawn. */
  async function open(share: number): Promise<ViewerPanel> {
    await setEditorShare(share);
    await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
    return openInViewer(suite.provider, file);
  }

  async function read(panel: ViewerPanel, path: string, where: string, share: number): Promise<ViewReadings> {
    await showInPanel(panel, path);
    const r = await settledReadings(panel, path);
    const pane = width(r.pane);
    if (share >= 1) fullPane = pane;
    else if (fullPane > 0)
      assert.ok(pane < 0.7 * fullPane, `${where}: the pane is ${pane} px, not narrower than ${fullPane} px`);
    assertReadable(r, where);
    return r;
  }

  for (const { name, share } of WIDTHS) {
    it(`chooses the SI prefix for each decade from 1e-12 to 1e3 (V and A), ticks readable at ${name}`, async () => {
      const panel = await open(share);
      for (const c of DECADE_CASES) {
        const where = `${c.path} at ${name}`;
        const [p] = (await read(panel, c.path, where, share)).plots;
        const k = Math.round(Math.log10(c.high / 3));
        const prefix = prefixOf(p.yLabel, SYMBOL[c.unit], where);
        assert.equal(prefix, PREFIX_BY_DECADE[k], `${where}: values up to 3e${k} read in ${p.yLabel}`);
        assertValueTicks(p, c, prefix, where);
      }
    });

    it(`reads offsets and scaled raw counts in their prefix (1.2 nA ± 0.2 nA, -65 mV, 3.3 V ± 1 µV, int16 × 1e-13 A) at ${name}`, async () => {
      const panel = await open(share);
      for (const [c, prefix] of [
        [CLAMP_CURRENT, 'n'],
        [MEMBRANE, 'm'],
        [RAW_COUNTS, 'p'],
        [DC_OFFSET, ''],
      ] as const) {
        const where = `${c.path} at ${name}`;
        const [p] = (await read(panel, c.path, where, share)).plots;
        assert.equal(prefixOf(p.yLabel, SYMBOL[c.unit], where), prefix, `${where}: y axis "${p.yLabel}"`);
        assertValueTicks(p, c, prefix, where);
      }
    });

    it(`counts time from the series' start, stated once, for 400 µs at 123.6 s at ${name}`, async () => {
      const panel = await open(share);
      const where = `${LATE_START.path} at ${name}`;
      const r = await read(panel, LATE_START.path, where, share);
      const [p] = r.plots;
      // The header states the absolute times once, with the digits that tell its ends apart.
      const range = /(\d+(?:\.\d+)?) – (\d+(?:\.\d+)?) (s|ms)\b/.exec(r.header);
      assert.ok(range, `${where}: the header "${r.header}" states no time range`);
      const inSeconds = (text: string): number => Number(text) * (range[3] === 'ms' ? 1e-3 : 1);
      const [start, end] = [inSeconds(range[1]), inSeconds(range[2])];
      assert.ok(
        Math.abs(start - LATE_START.startingTime) < 1e-9,
        `${where}: the header starts at ${range[0]}`,
      );
      assert.ok(
        Math.abs(end - start - LATE_START.span) <= 15e-6,
        `${where}: the header's range ${range[0]} is not 400 µs long`,
      );
      const m = /^time \((µs|ms|s)\) · t = 0 at (\d+\.\d+) s$/.exec(p.xLabel);
      assert.ok(m, `${where}: the time axis is titled "${p.xLabel}"`);
      assert.equal(m[1], 'µs', `${where}: a 400 µs window in ${m[1]}`);
      assert.equal(Number(m[2]), LATE_START.startingTime, `${where}: t = 0 at ${m[2]} s`);
      const ticks = numbers(p.xTicks);
      assert.equal(ticks[0], 0, `${where}: the first tick is ${p.xTicks[0]?.text}, not the origin`);
      assert.ok(
        ticks.every(t => t >= 0 && t <= LATE_START.span * 1e6 + 1e-6),
        `${where}: ticks ${p.xTicks.map(t => t.text).join(' ')} are not 0–400 µs from the start`,
      );
      assert.ok(
        Math.max(...ticks) >= 300,
        `${where}: ticks ${p.xTicks.map(t => t.text).join(' ')} stop early`,
      );
    });

    it(`counts Unix-time timestamps (1.7e9 s) from the series' start at ${name}`, async () => {
      const panel = await open(share);
      const where = `${EPOCH_CLOCK.path} at ${name}`;
      const [p] = (await read(panel, EPOCH_CLOCK.path, where, share)).plots;
      const m = /^time \((ms|s)\) · t = 0 at (\d+(?:\.\d+)?) s$/.exec(p.xLabel);
      assert.ok(m, `${where}: the time axis is titled "${p.xLabel}"`);
      assert.equal(Number(m[2]), EPOCH_CLOCK.startingTime, `${where}: t = 0 at ${m[2]} s`);
      const seconds = numbers(p.xTicks).map(t => t * (m[1] === 'ms' ? 1e-3 : 1));
      assert.ok(
        seconds.every(t => t >= 0 && t <= EPOCH_CLOCK.span),
        `${where}: ticks ${p.xTicks.map(t => t.text).join(' ')} are not 0–2 s from the start`,
      );
    });

    it(`gives stacked traces an amplitude scale bar in µV at ${name}`, async () => {
      const panel = await open(share);
      const where = `${STACKED.path} at ${name}`;
      const [p] = (await read(panel, STACKED.path, where, share)).plots;
      const m = /^(\d+(?:\.\d+)?) (p|n|µ|m|)V$/.exec(p.scaleBar ?? '');
      assert.ok(m, `${where}: the scale bar reads "${p.scaleBar}"`);
      assert.equal(m[2], 'µ', `${where}: ±50 µV traces with a bar of ${p.scaleBar}`);
      const length = Number(m[1]);
      assert.ok(length >= 1 && length <= 100, `${where}: a bar of ${p.scaleBar} for ±50 µV traces`);
      assert.ok(/^[125]0*$/.test(m[1]), `${where}: the bar's length ${m[1]} is not 1, 2 or 5 × 10^k`);
      assert.equal(p.yLabel, 'channel', `${where}: rows named "${p.yLabel}"`);
    });

    it(`labels an image's colourbar in µV and its pixel rulers without overlap at ${name}`, async () => {
      const panel = await open(share);
      await showInPanel(panel, IMAGE.path);
      const r = await settledReadings(panel, IMAGE.path);
      const where = `${IMAGE.path} at ${name}`;
      const kinds = r.rulers.map(x => x.kind).sort();
      assert.deepEqual(kinds, ['colorbar', 'ruler-x', 'ruler-y'], `${where}: ${kinds.join(', ')}`);
      for (const ruler of r.rulers) {
        const at = `${where}, ${ruler.kind}`;
        assert.ok(ruler.labels.length >= 2, `${at}: ${ruler.labels.length} labels`);
        const along = ruler.kind === 'ruler-x' ? 'x' : 'y';
        const [from, end] = along === 'x' ? [r.pane.left, r.pane.right] : [-Infinity, Infinity];
        assertApart(ruler.labels, along, from, end, at);
        assert.ok(
          ruler.labels.every(l => l.left >= r.pane.left - 0.5 && l.right <= r.pane.right + 0.5),
          `${at}: a label is cut by the pane [${r.pane.left}, ${r.pane.right}]`,
        );
      }
      const bar = r.rulers.find(x => x.kind === 'colorbar');
      assert.ok(bar);
      assert.equal(bar.unit, 'µV', `${where}: colourbar in "${bar.unit}" for 2–8 µV`);
      const values = bar.labels.map(l => Number(l.text));
      assert.ok(
        values.every(v => v >= IMAGE.low * 1e6 - 1e-9 && v <= IMAGE.high * 1e6 + 1e-9),
        `${where}: colourbar labels ${bar.labels.map(l => l.text).join(' ')} µV leave 2–8 µV`,
      );
      const columns = r.rulers.find(x => x.kind === 'ruler-x');
      assert.ok(columns && Math.max(...columns.labels.map(l => Number(l.text))) <= IMAGE.width);
    });
  }
});
