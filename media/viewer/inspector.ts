/** The inspector panel: attributes, dtype, shape, chunking, compression, storage and type docs. */
import type { Inspection } from '../../src/shared/protocol';
import { errorText, isCancelled, type ViewerApi } from './api';
import { clear, h, message } from './dom';
import { formatBytes, formatShape } from './format';
import { valueText } from './values';

export class Inspector {
  readonly element: HTMLElement;
  private _controller: AbortController | null = null;

  constructor(private readonly _api: ViewerApi) {
    this._body = h('div', { class: 'inspector-body' });
    const toggle = h('button', {
      type: 'button',
      class: 'btn inspector-toggle',
      'aria-expanded': 'true',
      'aria-controls': 'inspector-body',
      text: 'Details ▾',
    });
    this._body.id = 'inspector-body';
    toggle.addEventListener('click', () => {
      const open = this._body.hidden;
      this._body.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      toggle.textContent = open ? 'Details ▾' : 'Details ▸';
      this.element.classList.toggle('collapsed', !open);
    });
    this.element = h('section', { class: 'inspector', 'aria-label': 'Inspector' }, toggle, this._body);
  }

  private readonly _body: HTMLElement;

  async show(path: string): Promise<void> {
    this._controller?.abort();
    const controller = new AbortController();
    this._controller = controller;
    clear(this._body);
    this._body.appendChild(message('loading', 'Loading details…'));
    try {
      const info = await this._api.request('inspect', { path }, { signal: controller.signal });
      if (controller.signal.aborted) return;
      clear(this._body);
      this._render(info);
    } catch (e) {
      if (isCancelled(e)) return;
      clear(this._body);
      this._body.appendChild(message('error', `Details unavailable: ${errorText(e)}`));
    }
  }

  private _render(info: Inspection): void {
    const { entry, dataset } = info;
    const rows: [string, string][] = [
      ['Path', entry.path],
      ['Kind', entry.kind],
    ];
    if (entry.target) rows.push(['Target', entry.target]);
    if (info.typeChain.length > 0)
      rows.push(['Type', info.typeChain.map(t => `${t.neurodataType} (${t.namespace})`).join(' → ')]);
    if (dataset) {
      rows.push(['dtype', dataset.dtype.display]);
      rows.push(['Shape', formatShape(dataset.shape)]);
      if (dataset.maxshape) {
        const dims = dataset.maxshape.map(d => (d === null ? 'None' : String(d)));
        rows.push(['Max shape', dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`]);
      }
      rows.push(['Chunks', dataset.chunks ? formatShape(dataset.chunks) : 'contiguous']);
      rows.push([
        'Filters',
        dataset.filters.length
          ? dataset.filters.map(f => `${f.name} (${f.id})${f.supported ? '' : ' — unsupported'}`).join(', ')
          : 'none',
      ]);
      if (dataset.storageSize !== undefined) rows.push(['Storage', formatBytes(dataset.storageSize)]);
      if (info.compressionRatio !== undefined)
        rows.push(['Compression', `${info.compressionRatio.toFixed(3)} of raw size`]);
      rows.push(['Elements', String(dataset.size)]);
    } else if (entry.childCount !== undefined) {
      rows.push(['Children', String(entry.childCount)]);
    }
    this._body.appendChild(definitionList(rows));
    this._body.appendChild(h('h2', { text: `Attributes (${info.attributes.length})` }));
    if (info.attributes.length === 0)
      this._body.appendChild(h('p', { class: 'muted', text: 'No attributes.' }));
    else {
      const table = h(
        'table',
        { class: 'attrs' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', text: 'Name' }),
            h('th', { scope: 'col', text: 'Value' }),
            h('th', { scope: 'col', text: 'dtype' }),
          ),
        ),
      );
      const body = h('tbody');
      for (const a of info.attributes) {
        body.appendChild(
          h(
            'tr',
            {},
            h('th', { scope: 'row', text: a.name, title: a.name }),
            h('td', { class: 'value' }, h('div', { class: 'attr-value', text: valueText(a.value) })),
            h('td', { class: 'muted dtype', text: a.dtype.display }),
          ),
        );
      }
      table.appendChild(body);
      this._body.appendChild(table);
    }
    for (const doc of info.typeChain) {
      const details = h(
        'details',
        { class: 'typedoc' },
        h('summary', { text: `${doc.neurodataType}${doc.parent ? ` extends ${doc.parent}` : ''}` }),
      );
      details.appendChild(h('p', { text: doc.doc }));
      if (doc.fields.length) {
        details.appendChild(definitionList(doc.fields.map(f => [`${f.name} (${f.kind})`, f.doc])));
      }
      this._body.appendChild(details);
    }
    const first = this._body.querySelector('details');
    if (first) first.open = true;
  }
}

function definitionList(rows: [string, string][]): HTMLElement {
  const dl = h('dl', { class: 'props' });
  for (const [k, v] of rows) dl.append(h('dt', { text: k }), h('dd', { text: v }));
  return dl;
}
