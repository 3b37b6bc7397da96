/** Time lookup for trajectories and keypoints (pure, no DOM). */

/** Index of the last sample at or before t (binary search), clamped to the array. */
export function sampleAt(time: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = time.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (time[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
