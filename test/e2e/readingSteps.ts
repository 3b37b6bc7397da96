/**
 * Checks of what a person reads on the viewer's charts: every plot publishes the boxes of the
 * tick labels it drew (`.plot-area[data-x-ticks][data-y-ticks]`, canvas CSS pixels, measured
 * with the axis font) and its axis titles (`data-x-label`, `data-y-label`); these steps assert
 * that no two labels overlap and none is cut by the canvas edge.
 */
import type { FrameLocator } from 'playwright-core';
import { check } from './viewerSteps';

interface Box {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface PlotReading {
  xLabel: string;
  yLabel: string;
  xTicks: Box[];
  yTicks: Box[];
  width: number;
  height: number;
  scaleBar: string | null;
}

/** What each drawn plot of the view says about its axes. */
export async function readPlots(frame: FrameLocator): Promise<PlotReading[]> {
  const areas = frame.locator('#view .plot-area[data-x-ticks]');
  const out: PlotReading[] = [];
  for (let i = 0; i < (await areas.count()); i++) {
    const area = areas.nth(i);
    const attr = async (name: string): Promise<string> => (await area.getAttribute(name)) ?? '';
    out.push({
      xLabel: await attr('data-x-label'),
      yLabel: await attr('data-y-label'),
      xTicks: JSON.parse((await attr('data-x-ticks')) || '[]') as Box[],
      yTicks: JSON.parse((await attr('data-y-ticks')) || '[]') as Box[],
      width: Number(await attr('data-canvas-width')),
      height: Number(await attr('data-canvas-height')),
      scaleBar: await area.getAttribute('data-scale-bar'),
    });
  }
  return out;
}

/** Fails when tick labels of a plot overlap each other or reach past its canvas. */
export function checkTickLabels(plot: PlotReading, where: string): void {
  check(plot.xTicks.length >= 2, `${where}: fewer than two x tick labels (${JSON.stringify(plot.xTicks)})`);
  const xs = [...plot.xTicks].sort((a, b) => a.left - b.left);
  xs.forEach((b, i) => {
    check(
      b.left >= -0.5 && b.right <= plot.width + 0.5,
      `${where}: the x label "${b.text}" [${b.left}, ${b.right}] is cut by the canvas (0–${plot.width})`,
    );
    const next = xs[i + 1];
    if (next)
      check(
        next.left >= b.right,
        `${where}: x labels "${b.text}" and "${next.text}" overlap (${b.right} > ${next.left})`,
      );
  });
  const ys = [...plot.yTicks].sort((a, b) => a.top - b.top);
  ys.forEach((b, i) => {
    check(
      b.top >= -0.5 && b.bottom <= plot.height + 0.5,
      `${where}: the y label "${b.text}" [${b.top}, ${b.bottom}] is cut by the canvas (0–${plot.height})`,
    );
    const next = ys[i + 1];
    if (next)
      check(
        next.top >= b.bottom,
        `${where}: y labels "${b.text}" and "${next.text}" overlap (${b.bottom} > ${next.top})`,
      );
  });
}

/** Waits until the first plot of the view has been drawn `width` CSS pixels wide (after a resize). */
export async function waitForPlotWidth(
  frame: FrameLocator,
  test: (width: number) => boolean,
): Promise<number> {
  const area = frame.locator('#view .plot-area[data-x-ticks]').first();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const width = Number((await area.getAttribute('data-canvas-width')) ?? 0);
    if (test(width)) return width;
    if (Date.now() > deadline)
      throw new Error(`the plot was not redrawn at the new pane width (still ${width} px)`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
