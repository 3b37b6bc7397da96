/**
 * Tiny DOM helpers. Text from files always goes through textContent (never innerHTML), and
 * styles are set through element.style, which the CSP allows.
 */

type Attrs = Record<string, string | number | boolean | undefined | null>;
type Child = Node | string | null | undefined | false;

/** Creates an element; attributes with null/undefined/false are skipped; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = String(value);
    else if (name === 'text') element.textContent = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/** A button with an accessible name (aria-label and title when the visible text is a symbol). */
export function button(
  label: string,
  onClick: (ev: MouseEvent) => void,
  options: { text?: string; class?: string } = {},
): HTMLButtonElement {
  const b = h(
    'button',
    { type: 'button', class: options.class ?? 'btn', 'aria-label': label, title: label },
    options.text ?? label,
  );
  b.addEventListener('click', onClick);
  return b;
}

/** A labelled <select>. */
export function select(
  label: string,
  options: readonly { value: string; text: string }[],
  value: string,
  onChange: (value: string) => void,
): HTMLLabelElement {
  const s = h('select', { 'aria-label': label });
  for (const o of options) s.appendChild(h('option', { value: o.value, text: o.text }));
  s.value = value;
  s.addEventListener('change', () => onChange(s.value));
  return h('label', { class: 'field' }, h('span', { text: label }), s);
}

/** A labelled range slider; `onInput` fires while dragging. */
export function slider(
  label: string,
  min: number,
  max: number,
  value: number,
  onInput: (value: number) => void,
  step = 1,
): { root: HTMLLabelElement; input: HTMLInputElement; output: HTMLOutputElement } {
  const input = h('input', { type: 'range', min, max, step, value, 'aria-label': label });
  const output = h('output', { text: String(value) });
  input.addEventListener('input', () => {
    // Callers may replace the text (e.g. with a value in physical units) inside onInput.
    output.textContent = input.value;
    onInput(Number(input.value));
  });
  return {
    root: h('label', { class: 'field slider' }, h('span', { text: label }), input, output),
    input,
    output,
  };
}

/** A message in place of a view (progress, empty, error). Errors get role=alert. */
export function message(kind: 'loading' | 'empty' | 'error', text: string): HTMLElement {
  const box = h('div', { class: `message message-${kind}`, role: kind === 'error' ? 'alert' : 'status' });
  if (kind === 'loading') box.appendChild(h('span', { class: 'spinner', 'aria-hidden': 'true' }));
  box.appendChild(h('span', { text }));
  return box;
}

/** The value of a --vscode-* theme variable (canvas drawing cannot use var()). */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** A canvas sized for crisp drawing on high-DPI screens; returns its 2-D context scaled to CSS pixels. */
export function hidpiCanvas(
  canvas: HTMLCanvasElement,
  cssWidth: number,
  cssHeight: number,
): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(cssWidth * dpr));
  canvas.height = Math.max(1, Math.round(cssHeight * dpr));
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas context');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
