/**
 * A series with timestamps (generated gapped.nwb: 2 M samples at about 1 kHz in two segments 60 s
 * apart): its plot says which overview it shows, becomes exact, and the 60 s pause is drawn as a
 * gap (the trace's line stops before it and starts again after it).
 */
import type { Scenario } from '../types';
import { check, generatedNwb, openLocalNwb, openPath } from '../viewerSteps';

const path = '/acquisition/gapped';
const REFINE_TIMEOUT_MS = 120_000;
/** The last sample before the pause and the first after it (gapped.ts: 10 + i / 1000 + jitter). */
const PAUSE: [number, number] = [1209.999, 1270.0];

const scenario: Scenario = {
  name: 'timestamps-overview',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, generatedNwb('gapped.nwb'));
    await openPath(frame, path, 'timeseries');
    const badge = frame.locator('#view .overview-status');
    const deadline = Date.now() + REFINE_TIMEOUT_MS;
    for (;;) {
      const text = (await badge.innerText()).trim();
      check(
        /^(sparse|refining \d+%|exact)$/.test(text),
        `the plot does not say which overview it shows: "${text}"`,
      );
      if (text === 'exact') break;
      check(Date.now() < deadline, `the overview did not become exact (it says "${text}")`);
      await ctx.page.waitForTimeout(500);
    }
    const runs = JSON.parse(
      (await frame.locator('#view .plot-area').first().getAttribute('data-line-runs')) ?? '[]',
    ) as [number, number][];
    check(
      runs.every(([a, b]) => !(a < PAUSE[0] && b > PAUSE[1])),
      `a line crosses the pause: ${JSON.stringify(runs)}`,
    );
    check(runs.length >= 2, `the trace is one unbroken line: ${JSON.stringify(runs)}`);
    await ctx.screenshot('timestamps-overview');
  },
};

export default scenario;
