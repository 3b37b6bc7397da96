/** Sweeps grouped by stimulus: the families a PatchSeq user overlays (pure, no file access). */
import type { Sweep, SweepGroup } from '../shared/protocol';

/** Stands for sweeps whose stimulus has no name. */
export const UNNAMED_STIMULUS = '(unnamed stimulus)';

/**
 * One group per stimulus name in order of first appearance; within a group, sweeps by amplitude
 * (unmeasured last), then sweep number, then position.
 */
export function groupSweeps(sweeps: readonly Sweep[]): SweepGroup[] {
  const groups = new Map<string, number[]>();
  sweeps.forEach((s, i) => {
    const name = s.stimulusName ?? UNNAMED_STIMULUS;
    groups.set(name, [...(groups.get(name) ?? []), i]);
  });
  const amplitude = (i: number): number => sweeps[i].shape?.amplitude ?? Infinity;
  return [...groups].map(([stimulusName, members]) => ({
    stimulusName,
    sweeps: members.sort(
      (a, b) =>
        amplitude(a) - amplitude(b) ||
        (sweeps[a].sweepNumber ?? Infinity) - (sweeps[b].sweepNumber ?? Infinity) ||
        a - b,
    ),
  }));
}

/** Names that say "no stimulus name" (ipfx writes `NA` on stimulus series). */
export function meaningfulName(text: string | undefined): string | undefined {
  const t = text?.trim();
  return t && !/^(n\/?a|none|null|unknown|no description)$/i.test(t) ? t : undefined;
}
