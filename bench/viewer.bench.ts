// NWB viewer benchmark: what the host reads to plot a 10-million-sample ElectricalSeries of the
// generated 1 GiB file, streamed from the stand-in archive with 50 ms latency. Time to first plot
// (open + series info + overview window) and each zoom step (10× in, four times), in bytes and
// wall time, against reading every sample of each window (for the overview: the whole dataset),
// measured in the same run. One JSON object per line.
import { resolve } from 'node:path';
import { startArchive } from '../test/archive/server';
import { ensureLargeEphys } from '../test/fixtures/nwbgen';
import { openHdf5 } from '../src/hdf5/engine';
import type { Hdf5File } from '../src/hdf5/types';
import { NwbFile } from '../src/nwb/nwbFile';
import { seriesInfo, seriesWindow } from '../src/nwb/timeseries';
import type { SeriesInfo, SeriesWindowParams } from '../src/shared/protocol';

const WORKER = resolve(process.cwd(), 'dist', 'hdf5Worker.js');
const LATENCY_MS = 50;
const CHANNELS = [0, 1, 2, 3];
const PIXELS = 1200;
const ZOOM_STEPS = 4;
/** The viewer's default `dandi.viewer.maxSliceElements`. */
const BUDGET = 4_000_000;
/** The baseline "reads everything" with no budget at all. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

const progress = (text: string) => process.stderr.write(`[viewer.bench] ${text}\n`);
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

interface Step {
  name: string;
  params: SeriesWindowParams;
}

interface StepMeasure {
  bytes: number;
  requests: number;
  wallMs: number;
  mode: string;
  exact: boolean;
}

/** Windows centred in the recording: the whole series, then 10× narrower each step. */
function steps(info: SeriesInfo): Step[] {
  const out: Step[] = [
    {
      name: 'overview',
      params: { path: info.path, t0: info.tStart, t1: info.tEnd, channels: CHANNELS, pixels: PIXELS },
    },
  ];
  const centre = (info.tStart + info.tEnd) / 2;
  let span = info.tEnd - info.tStart;
  for (let k = 1; k <= ZOOM_STEPS; k++) {
    span /= 10;
    out.push({
      name: `zoom${k}`,
      params: {
        path: info.path,
        t0: centre - span / 2,
        t1: centre + span / 2,
        channels: CHANNELS,
        pixels: PIXELS,
      },
    });
  }
  return out;
}

type Spec = Parameters<typeof openHdf5>[0];

/** A fresh open (cold caches, like a new editor), then steps[0..upTo]; measures open + info and each step. */
async function session(
  spec: Spec,
  maxElements: number,
  label: string,
  only?: number,
): Promise<{ open: StepMeasure; steps: Map<string, StepMeasure> }> {
  const started = performance.now();
  const h5: Hdf5File = await openHdf5(spec, { workerPath: WORKER, deadlineMs: 600_000 });
  const nwb = new NwbFile(h5, { maxElements });
  const results = new Map<string, StepMeasure>();
  try {
    const info = await seriesInfo(nwb, '/acquisition/ElectricalSeries');
    const afterInfo = h5.stats();
    const open: StepMeasure = {
      bytes: afterInfo.bytesFetched,
      requests: afterInfo.requests,
      wallMs: Math.round(performance.now() - started),
      mode: 'info',
      exact: true,
    };
    const all = steps(info);
    for (const step of only === undefined ? all : [all[only]]) {
      const before = h5.stats();
      const t = performance.now();
      const w = await seriesWindow(nwb, info, step.params);
      const after = h5.stats();
      const m = {
        bytes: after.bytesFetched - before.bytesFetched,
        requests: after.requests - before.requests,
        wallMs: Math.round(performance.now() - t),
        mode: w.mode,
        exact: w.mode === 'raw' || w.exact,
      };
      results.set(step.name, m);
      progress(
        `${label} ${step.name}: ${w.mode}${m.exact ? '' : ' (sparse)'}, ${(m.bytes / 2 ** 20).toFixed(1)} MiB, ${m.requests} requests, ${m.wallMs} ms`,
      );
    }
    return { open, steps: results };
  } finally {
    await h5.close();
  }
}

async function main(): Promise<void> {
  progress('making sure the 1 GiB file exists (generated once, slow: several minutes)');
  const large = await ensureLargeEphys();
  const archive = await startArchive({ largeFiles: [large.path], latencyMs: LATENCY_MS });
  try {
    const listing = await fetch(
      `${archive.apiUrl}/dandisets/${archive.ids.large}/versions/draft/assets/?page_size=1000`,
    );
    const assets = ((await listing.json()) as { results: { asset_id: string; path: string; size: number }[] })
      .results;
    const asset = assets.find(a => a.path.endsWith('.nwb') && a.size === large.size);
    if (!asset) throw new Error(`the archive does not serve ${large.path}`);
    const spec = {
      kind: 'dandi' as const,
      apiUrl: archive.apiUrl,
      assetId: asset.asset_id,
      size: asset.size,
    };

    // The viewer as a person uses it: one open, first plot, then four zoom steps (caches warm).
    const ours = await session(spec, BUDGET, 'viewer');
    // Each step again from a cold open, the viewer and the baseline (every sample of the window).
    const coldOurs = new Map<string, StepMeasure>();
    const coldBase = new Map<string, StepMeasure>();
    let baseOpen: StepMeasure | undefined;
    for (let k = 0; k <= ZOOM_STEPS; k++) {
      const o = await session(spec, BUDGET, 'viewer (cold)', k);
      const b = await session(spec, UNLIMITED, 'baseline (cold)', k);
      baseOpen ??= b.open;
      for (const [name, m] of o.steps) coldOurs.set(name, m);
      for (const [name, m] of b.steps) coldBase.set(name, m);
    }
    const file = 'ecephys-1gib.nwb';
    const firstPlot = ours.steps.get('overview') as StepMeasure;
    const baseFirst = coldBase.get('overview') as StepMeasure;
    const open = baseOpen as StepMeasure;
    emit({
      bench: 'viewer.firstPlot',
      file,
      samples: large.shape[0],
      channels: CHANNELS.length,
      pixels: PIXELS,
      bytes: ours.open.bytes + firstPlot.bytes,
      requests: ours.open.requests + firstPlot.requests,
      wallMs: ours.open.wallMs + firstPlot.wallMs,
      exact: firstPlot.exact,
      baselineBytes: open.bytes + baseFirst.bytes,
      baselineRequests: open.requests + baseFirst.requests,
      baselineWallMs: open.wallMs + baseFirst.wallMs,
      latencyMs: LATENCY_MS,
      target: 'first plot of a 10-million-sample series reads < 5% of what reading the whole dataset reads',
      met: ours.open.bytes + firstPlot.bytes < 0.05 * (open.bytes + baseFirst.bytes),
    });
    for (let k = 1; k <= ZOOM_STEPS; k++) {
      const name = `zoom${k}`;
      const warm = ours.steps.get(name) as StepMeasure;
      const cold = coldOurs.get(name) as StepMeasure;
      const b = coldBase.get(name) as StepMeasure;
      emit({
        bench: `viewer.${name}`,
        file,
        windowSamples: Math.round(large.shape[0] / 10 ** k),
        mode: cold.mode,
        exact: cold.exact,
        bytes: cold.bytes,
        requests: cold.requests,
        wallMs: cold.wallMs,
        warmBytes: warm.bytes,
        warmWallMs: warm.wallMs,
        baselineBytes: b.bytes,
        baselineRequests: b.requests,
        baselineWallMs: b.wallMs,
        latencyMs: LATENCY_MS,
        target: 'a zoom step from a cold cache reads no more than every sample of its window',
        met: cold.bytes <= b.bytes,
      });
    }
  } finally {
    await archive.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
