// Trial-aligned spikes benchmark: one unit of 3 million spikes (a day of firing at ~35 Hz) against
// 5,000 trials, aligned and binned as the PSTH view asks (1 s before, 2 s after, 10 ms bins), by
// the host's binary search per trial (src/nwb/psthMath.ts), against the peer a Python user writes:
// numpy (`searchsorted` per trial, then `floor` + `bincount`), on the same numbers in the same run.
// One JSON object per line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignSpikes, psthWindow } from '../src/nwb/psthMath';
import { ensureDebianPackages } from '../test/support/debianPackages';

const SPIKES = 3_000_000;
const TRIALS = 5_000;
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

const NUMPY_PEER = `
import json, sys, time
import numpy as np
spikes = np.fromfile(sys.argv[1], dtype='<f8')
events = np.fromfile(sys.argv[2], dtype='<f8')
pre, bw, n = float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
start = time.perf_counter()
lo = np.searchsorted(spikes, events - pre)
hi = np.searchsorted(spikes, events - pre + n * bw)
rel = np.concatenate([spikes[a:b] - e for a, b, e in zip(lo, hi, events)])
bins = np.floor((rel + pre) / bw).astype(np.int64)
counts = np.bincount(bins[(bins >= 0) & (bins < n)], minlength=n)
ms = (time.perf_counter() - start) * 1000
print(json.dumps({"ms": ms, "counts": counts.tolist()}))
`;

/** numpy's answer and time for the same alignment (compute only, as the host's figure is). */
function numpyPeer(): { ms: number; counts: number[] } {
  ensureDebianPackages(['python3-numpy']);
  const dir = mkdtempSync(join(tmpdir(), 'psth-bench-'));
  try {
    writeFileSync(join(dir, 'spikes.f8'), spikes);
    writeFileSync(join(dir, 'events.f8'), Float64Array.from(events));
    const args = [
      join(dir, 'spikes.f8'),
      join(dir, 'events.f8'),
      String(window.pre),
      String(window.binWidth),
    ];
    const run = spawnSync('python3', ['-c', NUMPY_PEER, ...args, String(window.binCount)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`numpy peer failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as { ms: number; counts: number[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const host = timed(() => alignSpikes(spikes, events, window));
const peer = numpyPeer();
const differingBins = peer.counts.filter((c, i) => c !== host.result.counts[i]).length;
emit({
  bench: 'psth',
  case: `align ${SPIKES} spikes on ${TRIALS} trials, ${window.binCount} bins`,
  ours: { ms: Math.round(host.ms), spikesInWindows: host.result.times.length },
  peer: { name: 'numpy searchsorted + bincount', ms: Math.round(peer.ms) },
  differingBins,
});
if (differingBins > 0) process.exit(1);
