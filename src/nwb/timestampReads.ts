/**
 * The background reads of a series' timestamps into its {@link BlockTimes}: the dataset once, in
 * runs of whole chunks (a bounded number in flight), before the data reads start, so the overview
 * maps time to blocks as soon as the data reach them. Resumes where it stopped.
 */
import type { NwbReader } from './reader';
import { TimestampsError, type BlockTimes } from './overviewTimes';

/** Reads in flight at once. */
const CONCURRENCY = 2;
/** Timestamps per read at most (8 bytes each as read). */
const READ_ELEMENTS = 1 << 21;

export class TimestampReads {
  private runs: { row: number; rows: number }[] | null = null;
  private done: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly reader: NwbReader,
    private readonly path: string,
    private readonly times: BlockTimes,
    private readonly maxElements: number,
  ) {}

  /** Reads every run not read yet; `onRead` after each. Throws a TimestampsError on bad times. */
  async readAll(signal: AbortSignal, onRead: () => void): Promise<void> {
    const runs = this.runs ?? (await this.plan());
    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        while (next < runs.length && this.done[next]) next++;
        if (next >= runs.length || signal.aborted) return;
        const index = next++;
        this.done[index] = 1;
        try {
          const { row, rows } = runs[index];
          const values = await this.reader.readNumbers(
            this.path,
            { start: [row], count: [rows] },
            { signal, maxElements: rows },
          );
          this.times.add(values, row);
        } catch (error) {
          this.done[index] = 0;
          throw error;
        }
        onRead();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    signal.throwIfAborted();
  }

  /** Runs of whole chunks covering the first `sampleCount` timestamps. */
  private async plan(): Promise<{ row: number; rows: number }[]> {
    const info = await this.reader.datasetInfo(this.path);
    const n = this.times.sampleCount;
    if (info.shape.length !== 1 || info.shape[0] < n)
      throw new TimestampsError(
        `its timestamps have shape [${info.shape.join(', ')}], not one per sample (${n})`,
      );
    const chunk = info.chunks?.[0] ?? 0;
    const limit = Math.max(1, Math.min(READ_ELEMENTS, this.maxElements));
    const rows = chunk > 0 && chunk <= limit ? Math.floor(limit / chunk) * chunk : limit;
    const runs: { row: number; rows: number }[] = [];
    for (let row = 0; row < n; row += rows) runs.push({ row, rows: Math.min(rows, n - row) });
    this.runs = runs;
    this.done = new Uint8Array(runs.length);
    return runs;
  }
}
