/**
 * The data note: one strip in a view saying what its values are when a drawing alone would
 * mislead (empty, all NaN, constant, partly NaN, stored elsewhere), from the statistics the host
 * sends with the data (src/shared/valueStats.ts). Hidden while there is nothing to say.
 */
import type { ValueStats } from '../../src/shared/protocol';
import { describeValues, type ValueScope } from '../../src/shared/valueStats';
import { h } from './dom';

/** An empty, hidden note to place where the view wants it. */
export function dataNote(): HTMLElement {
  const note = h('p', { class: 'data-note', role: 'status' });
  note.hidden = true;
  return note;
}

export function setNote(note: HTMLElement, text: string | null): void {
  note.textContent = text ?? '';
  note.hidden = !text;
}

/** Says what `stats` show (or hides the note when they need no comment). */
export function noteValues(note: HTMLElement, stats: ValueStats, scope: ValueScope, unit?: string): void {
  setNote(note, describeValues(stats, scope, unit));
}
