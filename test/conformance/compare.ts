/** Compares two canonical dumps and sorts the differences into known gaps and failures. */
import type { CanonFile } from './canonical';

export interface Difference {
  /** HDF5 object path. */
  path: string;
  /** Dotted field inside the object, e.g. `attributes.unit.values[0]` or `dtype.size`. */
  field: string;
  judge: unknown;
  engine: unknown;
}

export interface KnownGap {
  /** Matched against the file's name. */
  file: RegExp;
  path: RegExp;
  field: RegExp;
  /** When given, only differences whose two values it accepts. */
  values?: (libhdf5: unknown, engine: unknown) => boolean;
  /** The issue row that tracks it. */
  row: string;
  reason: string;
}

/** Every leaf where the two differ; a refusal by both readers (`{error}` on both sides) is agreement. */
export function compareDumps(judge: CanonFile, engine: CanonFile): Difference[] {
  const out: Difference[] = [];
  const paths = new Set([...Object.keys(judge.objects), ...Object.keys(engine.objects)]);
  for (const path of [...paths].sort()) {
    const a = judge.objects[path];
    const b = engine.objects[path];
    if (!a || !b) out.push({ path, field: '(object)', judge: a?.kind, engine: b?.kind });
    else
      diff(a, b, '', (field, judgeValue, engineValue) =>
        out.push({ path, field, judge: judgeValue, engine: engineValue }),
      );
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRefusal(v: unknown): boolean {
  return isRecord(v) && Object.keys(v).length === 1 && typeof v.error === 'string';
}

function diff(
  a: unknown,
  b: unknown,
  field: string,
  report: (field: string, a: unknown, b: unknown) => void,
): void {
  if (Object.is(a, b)) return;
  if (isRefusal(a) && isRefusal(b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return report(`${field}.length`, a.length, b.length);
    a.forEach((x, i) => diff(x, b[i], `${field}[${i}]`, report));
    return;
  }
  if (isRecord(a) && isRecord(b) && !isRefusal(a) && !isRefusal(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      diff(a[key], b[key], field ? `${field}.${key}` : key, report);
    return;
  }
  report(field, a, b);
}

export interface Verdict {
  /** Differences no known gap explains. */
  unexplained: Difference[];
  /** Known gaps for this file that no difference showed (fixed: remove them from the list). */
  stale: KnownGap[];
}

export function judge(fileName: string, differences: Difference[], gaps: readonly KnownGap[]): Verdict {
  const mine = gaps.filter(g => g.file.test(fileName));
  const seen = new Set<KnownGap>();
  const unexplained = differences.filter(d => {
    const gap = mine.find(
      g => g.path.test(d.path) && g.field.test(d.field) && (!g.values || g.values(d.judge, d.engine)),
    );
    if (gap) seen.add(gap);
    return !gap;
  });
  return { unexplained, stale: mine.filter(g => !seen.has(g)) };
}

/** Differences as lines for a failure message (the first `limit`, then a count). */
export function describe(fileName: string, differences: Difference[], limit = 40): string {
  const text = (v: unknown) => {
    const s = JSON.stringify(v) ?? 'undefined';
    return s.length > 160 ? `${s.slice(0, 160)}…` : s;
  };
  const lines = differences
    .slice(0, limit)
    .map(d => `  ${fileName} ${d.path} ${d.field}: libhdf5 ${text(d.judge)}, engine ${text(d.engine)}`);
  if (differences.length > limit) lines.push(`  … and ${differences.length - limit} more`);
  return lines.join('\n');
}
