// Trial-aligned spikes benchmark: one unit of 3 million spikes (a day of firing at ~35 Hz) against
// 5,000 trials, aligned and binned as the PSTH view asks (1 s before, 2 s after, 10 ms bins), by
// the host's binary search per trial (src/nwb/psthMath.ts) against a scan of every spike for each
// trial (on the first SCANNED trials only: all 5,000 would take minutes), measured in the same run.
// One JSON object per line.
import { alignSpikes, psthWindow } from '../src/nwb/psthMath';

const SPIKES = 3_000_000;
const TRIALS = 5_000;
const SCANNED = 50;
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

/** A deterministic pseudo-random sequence in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function timed<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

const next = random(1);
const duration = SPIKES / 35;
const spikes = Float64Array.from({ length: SPIKES }, () => next() * duration).sort();
const events = Array.from({ length: TRIALS }, (_, i) => ((i + 0.5) * duration) / TRIALS);
const window = psthWindow(1, 2, 0.01);

const host = timed(() => alignSpikes(spikes, events, window));
const hostScanned = alignSpikes(spikes, events.slice(0, SCANNED), window);
const scan = timed(() => {
  const counts = new Uint32Array(window.binCount);
  for (const e of events.slice(0, SCANNED))
    for (const t of spikes) {
      const rel = t - e;
      if (rel >= -window.pre && rel < window.post) counts[Math.floor((rel + window.pre) / window.binWidth)]++;
    }
  return counts;
});
const same = hostScanned.counts.every((c, i) => c === scan.result[i]);
const hostPerTrial = host.ms / TRIALS;
const scanPerTrial = scan.ms / SCANNED;
emit({
  bench: 'psth',
  case: `${SPIKES} spikes × ${TRIALS} trials, ${window.binCount} bins`,
  hostMs: Math.round(host.ms),
  hostUsPerTrial: Math.round(hostPerTrial * 1000),
  scanUsPerTrial: Math.round(scanPerTrial * 1000),
  speedup: Math.round(scanPerTrial / Math.max(1e-6, hostPerTrial)),
  spikesInWindows: host.result.times.length,
  sameCounts: same,
});
if (!same) process.exit(1);
