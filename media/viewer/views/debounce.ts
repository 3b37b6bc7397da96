/**
 * Debounced redraws that still report `loading` at once: the view state must not read `ready`
 * between an interaction (wheel, key, slider) and the request it schedules, or tests and screen
 * readers would see a stale picture as final.
 */
import type { ViewContext } from './context';

interface Waiting {
  resolve(): void;
  reject(e: unknown): void;
}

export function debouncedRedraw<T>(
  ctx: ViewContext,
  ms: number,
  run: (arg: T) => Promise<void>,
  onError: (e: unknown) => void,
): (arg: T) => void {
  let timer = 0;
  let latest: T;
  let waiting: Waiting | null = null;
  ctx.onDispose(() => {
    window.clearTimeout(timer);
    waiting?.resolve();
  });
  return (arg: T) => {
    latest = arg;
    if (!waiting) {
      // One tracked placeholder per burst of calls; it settles with the run that ends the burst.
      const placeholder = new Promise<void>((resolve, reject) => (waiting = { resolve, reject }));
      void ctx.track(placeholder).catch(onError);
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      const current = waiting;
      waiting = null;
      run(latest).then(
        () => current?.resolve(),
        e => current?.reject(e),
      );
    }, ms);
  };
}
