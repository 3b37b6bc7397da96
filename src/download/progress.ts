import type { DownloadProgress } from './types';

const WINDOW_MS = 5000;
const THROTTLE_MS = 200;

/** Counts files and bytes, derives rate and ETA over a sliding window, and throttles reports. */
export class ProgressTracker {
  filesDone = 0;
  bytesDone = 0;
  private samples: { t: number; bytes: number }[] = [];
  private lastReport = 0;
  private currentPath: string | undefined;

  constructor(
    public filesTotal: number,
    public bytesTotal: number,
    private readonly onProgress?: (p: DownloadProgress) => void,
    private readonly now: () => number = Date.now,
  ) {}

  addBytes(delta: number, path?: string): void {
    this.bytesDone += delta;
    if (path) this.currentPath = path;
    this.report(false);
  }

  fileDone(path?: string): void {
    this.filesDone++;
    if (path) this.currentPath = path;
    this.report(false);
  }

  snapshot(): DownloadProgress {
    const t = this.now();
    this.samples.push({ t, bytes: this.bytesDone });
    while (this.samples.length > 2 && t - this.samples[0].t > WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const elapsed = (t - first.t) / 1000;
    const rate = elapsed > 0.25 ? Math.max(0, (this.bytesDone - first.bytes) / elapsed) : 0;
    const left = Math.max(0, this.bytesTotal - this.bytesDone);
    return {
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      rate,
      etaSeconds: rate > 0 ? left / rate : undefined,
      currentPath: this.currentPath,
    };
  }

  /** Sends a progress event at most every 200 ms, or now when `force`. */
  report(force: boolean): void {
    if (!this.onProgress) return;
    const t = this.now();
    if (!force && t - this.lastReport < THROTTLE_MS) return;
    this.lastReport = t;
    this.onProgress(this.snapshot());
  }
}
