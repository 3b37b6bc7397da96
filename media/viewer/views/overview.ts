/** The NWBFile overview, as pynwb prints it: fields, subject, devices, then each section's objects. */
import type { ObjectSummary, OverviewField } from '../../../src/shared/protocol';
import { h } from '../dom';
import type { ViewContext } from './context';

export async function renderOverview(ctx: ViewContext): Promise<void> {
  const o = await ctx.request('nwb/overview', {});
  ctx.root.appendChild(h('h2', { text: `root NWBFile${o.nwbVersion ? ` (NWB ${o.nwbVersion})` : ''}` }));
  ctx.root.appendChild(h('h3', { text: 'Fields' }));
  ctx.root.appendChild(fieldList(o.fields, 'NWBFile fields'));
  if (o.subject.length) {
    ctx.root.appendChild(h('h3', { text: 'subject' }));
    ctx.root.appendChild(fieldList(o.subject, 'Subject'));
  }
  if (o.devices.length) ctx.root.appendChild(section('devices', o.devices, ctx));
  for (const s of o.sections) ctx.root.appendChild(section(s.label || s.name, s.items, ctx, s.path));
  if (o.namespaces.length) {
    ctx.root.appendChild(h('h3', { text: 'Namespaces' }));
    ctx.root.appendChild(h('p', { class: 'muted', text: o.namespaces.join(', ') }));
  }
}

function fieldList(fields: OverviewField[], label: string): HTMLElement {
  const dl = h('dl', { class: 'props overview-fields', 'aria-label': label });
  for (const f of fields)
    dl.append(h('dt', { title: f.label, text: f.name }), h('dd', { title: f.path, text: f.value }));
  return dl;
}

function section(title: string, items: ObjectSummary[], ctx: ViewContext, path?: string): HTMLElement {
  const box = h('section', { class: 'overview-section', 'aria-label': title });
  box.appendChild(
    h(
      'h3',
      { text: `${title} (${items.length})` },
      path ? h('span', { class: 'muted path', text: ` ${path}` }) : null,
    ),
  );
  const list = h('ul', { class: 'object-list' });
  for (const item of items) {
    const b = h('button', {
      type: 'button',
      class: 'btn link',
      'aria-label': `Open ${item.path}`,
      text: item.name,
    });
    b.addEventListener('click', () => ctx.navigate(item.path));
    list.appendChild(
      h(
        'li',
        {},
        b,
        item.neurodataType ? h('span', { class: 'badge', text: item.neurodataType }) : null,
        h('span', { class: 'summary', text: item.summary }),
      ),
    );
  }
  box.appendChild(list);
  return box;
}
