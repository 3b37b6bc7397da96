/**
 * The tests' reading of what the shown view drew (the host's `test/readings` request): each
 * chart's axis titles and tick label boxes as published by axes.ts, its canvas on screen, and the
 * labels of image rulers and colourbars as laid out. Read from the DOM, so a test sees what a
 * person would, after any resize.
 */
import type { PlotReading, ReadBox, RulerReading, ViewReadings } from '../../src/shared/protocol';

const RULERS: readonly [RulerReading['kind'], string][] = [
  ['colorbar', '.colorbar-labels'],
  ['ruler-x', '.image-ruler-x'],
  ['ruler-y', '.image-ruler-y'],
];

function boxOf(el: Element): ReadBox {
  const r = el.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
}

function parseBoxes(json: string | undefined): PlotReading['xTicks'] {
  try {
    const parsed: unknown = JSON.parse(json || '[]');
    return Array.isArray(parsed) ? (parsed as PlotReading['xTicks']) : [];
  } catch {
    return [];
  }
}

function parseRuns(json: string): [number, number][] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as [number, number][]) : [];
  } catch {
    return [];
  }
}

function readPlot(area: HTMLElement): PlotReading {
  const d = area.dataset;
  return {
    xLabel: d.xLabel ?? '',
    yLabel: d.yLabel ?? '',
    xTicks: parseBoxes(d.xTicks),
    yTicks: parseBoxes(d.yTicks),
    width: Number(d.canvasWidth ?? 0),
    height: Number(d.canvasHeight ?? 0),
    scaleBar: d.scaleBar ?? null,
    canvas: boxOf(area.querySelector('canvas') ?? area),
    ...(d.lineRuns ? { lines: parseRuns(d.lineRuns) } : {}),
  };
}

/** Visible labels of the image rulers and colourbars in `root`. */
function readRulers(root: HTMLElement): RulerReading[] {
  const out: RulerReading[] = [];
  for (const [kind, selector] of RULERS) {
    for (const holder of Array.from(root.querySelectorAll<HTMLElement>(selector))) {
      if (holder.offsetParent === null) continue;
      const bar = kind === 'colorbar' ? holder.closest('.colorbar') : null;
      out.push({
        kind,
        unit: bar?.querySelector('.colorbar-unit')?.textContent ?? '',
        labels: Array.from(holder.querySelectorAll<HTMLElement>('.ruler-label')).map(l => ({
          text: l.textContent ?? '',
          ...boxOf(l),
        })),
      });
    }
  }
  return out;
}

/** What the view in `root` shows now. */
export function readView(root: HTMLElement): ViewReadings {
  return {
    path: root.dataset.path ?? '',
    pane: boxOf(root),
    header: root.querySelector('.view-header')?.textContent ?? '',
    plots: Array.from(root.querySelectorAll<HTMLElement>('.plot-area[data-x-ticks]')).map(readPlot),
    rulers: readRulers(root),
    overview: root.querySelector('.overview-status')?.textContent ?? '',
  };
}
