/**
 * What the overview badge above a plot says: which overview it shows (every sample `exact`, probes
 * `sparse`, or `refining n%`), and when the exact one could not be kept for the next open. Apart
 * from the view so the wording, which people and tests read, is checked without a DOM.
 */
import type { OverviewStatus } from '../../src/shared/protocol';

export interface OverviewBadge {
  state: OverviewStatus['state'];
  text: string;
  title: string;
}

/**
 * The badge for `overview` (absent: a window read whole, exact); `notKept` is why the series'
 * exact overview was not saved, remembered from the refinement's last answer.
 */
export function overviewBadge(overview: OverviewStatus | undefined, notKept?: string): OverviewBadge {
  const state = overview?.state ?? 'exact';
  if (state === 'refining')
    return {
      state,
      text: `refining ${Math.floor((overview?.progress ?? 0) * 100)}%`,
      title: 'Refining: exact where the background reads have reached, probes elsewhere',
    };
  if (state === 'sparse')
    return { state, text: 'sparse', title: 'Sparse: sampled at probes; zoom in for every sample' };
  const exact = 'Exact: the min/max of every sample in each pixel column';
  return notKept
    ? {
        state,
        text: 'exact, not kept',
        title: `${exact}. Not kept for the next open, which reads the data again: ${notKept}`,
      }
    : { state, text: 'exact', title: exact };
}
