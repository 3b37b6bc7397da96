/**
 * Any group: its fields (the attributes that hold data, e.g. a Device's description and
 * manufacturer) and its children (links open them). Every attribute is also in the inspector.
 */
import type { Result } from '../api';
import { entrySummary } from '../hierarchy';
import { dataNote, setNote } from '../dataNote';
import { h } from '../dom';
import { valueText } from '../values';
import type { ViewContext } from './context';

/** Attributes that say what the object is rather than hold its data (shown in the inspector). */
const BOOKKEEPING = new Set([
  'neurodata_type',
  'namespace',
  'object_id',
  'data_type',
  'zarr_dtype',
  '.specloc',
]);

export async function renderGroup(ctx: ViewContext): Promise<void> {
  const [{ entries, total }, attributes] = await Promise.all([
    ctx.request('h5/children', { path: ctx.path, limit: 1000 }),
    ctx.request('h5/attributes', { path: ctx.path }),
  ]);
  const fields = attributes.filter(a => !BOOKKEEPING.has(a.name));
  ctx.root.appendChild(h('h2', { text: ctx.path === '/' ? '/' : (ctx.path.split('/').pop() ?? ctx.path) }));
  ctx.root.appendChild(
    h('p', {
      class: 'muted',
      text: `${ctx.resolution.neurodataType ?? 'group'} · ${total} children${ctx.resolution.inheritance.length > 1 ? ` · ${ctx.resolution.inheritance.join(' → ')}` : ''}`,
    }),
  );
  if (fields.length > 0) ctx.root.appendChild(fieldsTable(fields));
  if (entries.length === 0) {
    if (fields.length === 0) {
      const note = dataNote();
      setNote(note, `This ${ctx.resolution.neurodataType ?? 'group'} holds no fields and no children.`);
      ctx.root.appendChild(note);
    }
    return;
  }
  const table = h(
    'table',
    { class: 'attrs children', 'aria-label': 'Children' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', text: 'Name' }),
        h('th', { scope: 'col', text: 'Type' }),
        h('th', { scope: 'col', text: 'Summary' }),
      ),
    ),
  );
  const body = h('tbody');
  for (const e of entries) {
    const b = h('button', {
      type: 'button',
      class: 'btn link',
      'aria-label': `Open ${e.path}`,
      text: e.name,
    });
    b.addEventListener('click', () => ctx.navigate(e.path));
    body.appendChild(
      h(
        'tr',
        {},
        h('td', {}, b),
        h('td', {}, e.neurodataType ? h('span', { class: 'badge', text: e.neurodataType }) : e.kind),
        h('td', { class: 'muted', text: entrySummary(e) }),
      ),
    );
  }
  table.appendChild(body);
  ctx.root.appendChild(table);
  if (total > entries.length)
    ctx.root.appendChild(
      h('p', {
        class: 'muted',
        text: `first ${entries.length} of ${total}; the tree pages through all of them`,
      }),
    );
}

/** The group's fields: name and value, one row each. */
function fieldsTable(fields: Result<'h5/attributes'>): HTMLElement {
  const body = h('tbody');
  for (const f of fields) {
    const value = f.error ? `(unreadable: ${f.error})` : valueText(f.value, 50);
    body.appendChild(h('tr', {}, h('th', { scope: 'row', text: f.name }), h('td', { text: value })));
  }
  return h(
    'table',
    { class: 'attrs fields', 'aria-label': 'Fields' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col', text: 'Field' }), h('th', { scope: 'col', text: 'Value' })),
    ),
    body,
  );
}
