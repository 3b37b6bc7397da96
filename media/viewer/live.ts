/**
 * Counts of the live charts and ResizeObservers the views hold, published on
 * `<body data-live-charts data-live-observers>` so end-to-end tests can prove that leaving or
 * switching a view releases them (a leak shows as a count that only grows).
 */
import type { Disposable } from './scope';

type Kind = 'charts' | 'observers';
const counts: Record<Kind, number> = { charts: 0, observers: 0 };

function publish(): void {
  document.body.dataset.liveCharts = String(counts.charts);
  document.body.dataset.liveObservers = String(counts.observers);
}

/** Counts one live resource of `kind`; the returned function (idempotent) counts it out. */
export function countLive(kind: Kind): () => void {
  counts[kind]++;
  publish();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    counts[kind]--;
    publish();
  };
}

/** A ResizeObserver on `element`, counted while live; dispose disconnects it. */
export function observeSize(element: Element, onResize: () => void): Disposable {
  const observer = new ResizeObserver(() => onResize());
  observer.observe(element);
  const release = countLive('observers');
  return {
    dispose: () => {
      observer.disconnect();
      release();
    },
  };
}
