// The text a region reference's selection shows as in values. Apart from regions.ts, which decodes
// them with the format reader: values.ts, which the format reader uses, must not import it back.
import type { H5Region } from './types';

/** The selection as text, numpy style: `[0:4]`, `[0:4, 2:3] ∪ …`, `points (1), (5)`. */
export function regionText(region: H5Region): string {
  switch (region.kind) {
    case 'all':
    case 'none':
      return region.kind;
    case 'points':
      return `points ${region.points.map(p => `(${p.join(', ')})`).join(', ')}`;
    case 'hyperslab':
      return region.blocks
        .map(b => `[${b.start.map((s, d) => `${s}:${s + b.count[d]}`).join(', ')}]`)
        .join(' ∪ ');
    case 'error':
      return `unreadable selection (${region.message})`;
  }
}
