// Keyboard navigation of the webview's lists, kept free of the DOM so plain-Node tests load it.

/**
 * The index a list's arrow, Home or End key moves to from `current` (clamped to the list), or null
 * for any other key.
 */
export function listKeyTarget(key: string, current: number, length: number): number | null {
  const next =
    key === 'ArrowDown'
      ? current + 1
      : key === 'ArrowUp'
        ? current - 1
        : key === 'Home'
          ? 0
          : key === 'End'
            ? length - 1
            : null;
  return next === null ? null : Math.max(0, Math.min(length - 1, next));
}
