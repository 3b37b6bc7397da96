/** The units table's per-row actions ("Raster", "PSTH"): a cell of buttons that get the table row index. */
import type { H5Value } from '../../../src/shared/protocolTypes';
import { h } from '../dom';

/** A button on every row (the units table's "Raster" and "PSTH"); `run` gets the table row index. */
export interface RowAction {
  label: string;
  run(row: number): void;
}

/** A row as the table shows it. */
export interface ShownRow {
  id: number;
  /** The row's index in the table (differs from its position when sorted). */
  index: number;
  columns: string[];
  values: H5Value[];
}

export function actionsCell(actions: readonly RowAction[], row: ShownRow, colIndex: number): HTMLElement {
  const cell = h('div', { class: 'grid-cell grid-actions', role: 'gridcell', 'aria-colindex': colIndex });
  for (const action of actions) {
    const b = h('button', {
      type: 'button',
      class: 'btn link',
      'aria-label': `${action.label} of row ${row.index} (id ${row.id})`,
      text: action.label,
    });
    b.addEventListener('click', () => action.run(row.index));
    cell.appendChild(b);
  }
  return cell;
}
