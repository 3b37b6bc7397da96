/** The header: what file this is, where it is read from, bytes fetched (live), and the actions. */
import type { InitResult } from '../../src/shared/protocol';
import { button, h } from './dom';
import { formatBytes } from './format';

export interface HeaderActions {
  copySnippet(): void;
  openNotebook(): void;
  exportPng(): void;
  exportCsv(): void;
  download(): void;
}

export class Header {
  readonly element: HTMLElement;
  private readonly _fetched: HTMLElement;
  private readonly _status: HTMLElement;

  constructor(init: InitResult, actions: HeaderActions) {
    const f = init.file;
    this._fetched = h('span', { class: 'fetched', 'aria-live': 'off', text: formatBytes(f.bytesFetched) });
    this._status = h('span', { class: 'header-status', role: 'status', 'aria-live': 'polite' });
    // The host's label already says "DANDI <id>/<version> <path>" for assets; local files get a prefix.
    const where = f.source.kind === 'dandi' ? f.sourceLabel : `Local file: ${f.sourceLabel}`;
    const info = h(
      'div',
      { class: 'header-info' },
      h('h1', { class: 'file-name', text: f.name, title: f.name }),
      h('span', { class: 'chip', title: 'File size', text: formatBytes(f.size) }),
      h('span', { class: 'chip', title: 'NWB version', text: f.nwbVersion ? `NWB ${f.nwbVersion}` : 'HDF5' }),
      h('span', { class: 'chip source', title: f.sourceLabel, text: where }),
      h(
        'span',
        { class: 'chip', title: 'Bytes read from disk or network so far' },
        'fetched ',
        this._fetched,
      ),
    );
    const tools = h('div', { class: 'header-actions', role: 'toolbar', 'aria-label': 'File actions' });
    tools.append(
      button('Copy Python snippet', () => actions.copySnippet()),
      button('Open as notebook', () => actions.openNotebook()),
      button('Export PNG', () => actions.exportPng()),
      button('Export CSV', () => actions.exportCsv()),
    );
    if (f.source.kind === 'dandi')
      tools.append(button('Download', () => actions.download(), { class: 'btn primary' }));
    this.element = h('header', { class: 'header' }, info, tools, this._status);
  }

  setFetched(bytes: number): void {
    this._fetched.textContent = formatBytes(bytes);
  }

  /** A short, polite status line (export saved, snippet copied, errors of header actions). */
  say(text: string): void {
    this._status.textContent = text;
  }
}
