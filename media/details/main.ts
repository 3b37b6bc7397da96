import './details.css';
import type {
  DandisetDetails,
  DetailsHostEvent,
  DetailsHostMethods,
  DetailsPageEvent,
  DetailsPageMethods,
} from '../../src/shared/detailsProtocol';
import { formatBytes } from '../../src/shared/format';
import { Messenger } from '../../src/shared/messenger';

/** The Dandiset details page. Every archive string goes in through textContent, never innerHTML. */
const vscode = acquireVsCodeApi();
// The viewer's RPC: anything that is not a valid envelope is dropped before it reaches the page.
const messenger = new Messenger<DetailsPageMethods, DetailsHostMethods, DetailsPageEvent, DetailsHostEvent>({
  post: message => vscode.postMessage(message),
  onDiagnostic: text => console.debug(`[dandiset details] ${text}`),
});
window.addEventListener('message', (event: MessageEvent<unknown>) => messenger.handle(event.data));
const post = (event: DetailsPageEvent) => messenger.notify(event);

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function section(title: string, ...children: Node[]): HTMLElement {
  const s = el('section');
  s.append(el('h2', title), ...children);
  return s;
}

function chips(values: string[]): HTMLElement {
  const list = el('ul', undefined, 'chips');
  if (!values.length) list.append(el('li', '—', 'muted'));
  for (const v of values) list.append(el('li', v));
  return list;
}

function button(label: string, message: DetailsPageEvent): HTMLButtonElement {
  const b = el('button', label);
  b.type = 'button';
  b.addEventListener('click', () => post(message));
  return b;
}

function render(d: DandisetDetails): void {
  const root = document.getElementById('root');
  if (!root) return;
  root.replaceChildren();
  const header = el('header');
  header.append(
    el('div', `DANDI:${d.identifier} · ${d.version}${d.embargoed ? ' · embargoed' : ''}`, 'muted'),
    el('h1', d.name || '(untitled)'),
  );
  const actions = el('div', undefined, 'actions');
  actions.append(button('Copy reference', { type: 'copy', what: 'reference' }));
  if (d.doi) actions.append(button('Copy DOI', { type: 'copy', what: 'doi' }));
  if (d.webUrl) actions.append(button('Open on the web', { type: 'openWeb' }));
  header.append(actions);
  root.append(header);

  const description = el('p', d.description || 'No description.', 'description');
  root.append(section('Description', description));

  const facts = el('dl', undefined, 'facts');
  const fact = (k: string, v: string) => facts.append(el('dt', k), el('dd', v));
  fact('Files', d.files !== null ? d.files.toLocaleString('en-US') : '—');
  fact('Size', d.bytes !== null ? formatBytes(d.bytes) : '—');
  fact('Subjects', d.subjects !== null ? d.subjects.toLocaleString('en-US') : '—');
  fact('License', d.license.join(', ') || '—');
  fact('DOI', d.doi || '—');
  root.append(section('Assets summary', facts));
  root.append(
    section('Species', chips(d.species)),
    section('Approaches', chips(d.approaches)),
    section('Techniques', chips(d.techniques)),
    section('Keywords', chips(d.keywords)),
  );

  const people = el('ul', undefined, 'people');
  if (!d.contributors.length) people.append(el('li', '—', 'muted'));
  for (const c of d.contributors) {
    const li = el('li');
    li.append(el('span', c.name || '(unnamed)', 'name'));
    if (c.roles.length) li.append(el('span', ` — ${c.roles.join(', ')}`, 'muted'));
    if (c.affiliation) li.append(el('div', c.affiliation, 'muted'));
    people.append(li);
  }
  root.append(section('Contributors', people));

  const citation = el('blockquote', d.citation || 'No citation.', 'citation');
  const copyCitation = button('Copy citation', { type: 'copy', what: 'citation' });
  copyCitation.disabled = !d.citation;
  root.append(section('Citation', citation, copyCitation));
}

function showError(message: string): void {
  document.getElementById('root')?.replaceChildren(el('p', message, 'error'));
}

// The first request is the ready handshake: the host answers once the metadata is in.
messenger
  .request('details', null)
  .then(render, (e: unknown) => showError(e instanceof Error ? e.message : String(e)));
