/** Any group: its children (links open them) — attributes are in the inspector. */
import { entrySummary } from '../hierarchy';
import { h, message } from '../dom';
import type { ViewContext } from './context';

export async function renderGroup(ctx: ViewContext): Promise<void> {
  const { entries, total } = await ctx.request('h5/children', { path: ctx.path, limit: 1000 });
  ctx.root.appendChild(h('h2', { text: ctx.path === '/' ? '/' : (ctx.path.split('/').pop() ?? ctx.path) }));
  ctx.root.appendChild(
    h('p', {
      class: 'muted',
      text: `${ctx.resolution.neurodataType ?? 'group'} · ${total} children${ctx.resolution.inheritance.length > 1 ? ` · ${ctx.resolution.inheritance.join(' → ')}` : ''}`,
    }),
  );
  if (entries.length === 0) {
    ctx.root.appendChild(message('empty', 'This group is empty.'));
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
