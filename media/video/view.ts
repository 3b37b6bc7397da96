/** The video viewer's static DOM: built with createElement and textContent only (no HTML strings). */

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function button(label: string, title: string, id: string): HTMLButtonElement {
  return el('button', { type: 'button', textContent: label, title, id });
}

export interface VideoView {
  root: HTMLElement;
  title: HTMLElement;
  status: HTMLElement;
  message: HTMLElement;
  warnings: HTMLElement;
  stage: HTMLElement;
  frameCanvas: HTMLCanvasElement;
  overlayCanvas: HTMLCanvasElement;
  slider: HTMLInputElement;
  frameInput: HTMLInputElement;
  timeInput: HTMLInputElement;
  frameCount: HTMLElement;
  back1s: HTMLButtonElement;
  back1: HTMLButtonElement;
  play: HTMLButtonElement;
  forward1: HTMLButtonElement;
  forward1s: HTMLButtonElement;
  poseFrom: HTMLButtonElement;
  exportPng: HTMLButtonElement;
  snippet: HTMLButtonElement;
  posePanel: HTMLElement;
  poseLabel: HTMLElement;
  threshold: HTMLInputElement;
  thresholdValue: HTMLElement;
  trail: HTMLInputElement;
  legend: HTMLElement;
}

export function buildView(): VideoView {
  const frameCanvas = el('canvas', { id: 'frame' });
  const overlayCanvas = el('canvas', { id: 'overlay' });
  const stage = el('div', { id: 'stage' }, frameCanvas, overlayCanvas);
  const slider = el('input', { type: 'range', id: 'slider', min: '0', max: '0', value: '0', title: 'Frame' });
  const frameInput = el('input', {
    type: 'number',
    id: 'frame-number',
    min: '0',
    step: '1',
    title: 'Frame number',
  });
  const timeInput = el('input', {
    type: 'number',
    id: 'frame-time',
    min: '0',
    step: '0.001',
    title: 'Time (s)',
  });
  const frameCount = el('span', { className: 'muted', id: 'frame-count' });
  const back1s = button('−1 s', 'Back one second (Shift+←)', 'back-1s');
  const back1 = button('−1', 'Previous frame (←)', 'back-1');
  const play = button('Play', 'Play / pause (Space)', 'play');
  const forward1 = button('+1', 'Next frame (→)', 'forward-1');
  const forward1s = button('+1 s', 'Forward one second (Shift+→)', 'forward-1s');
  const poseFrom = button('Show pose from…', 'Attach a pose file (NWB ndx-pose or SLEAP .slp)', 'pose-from');
  const exportPng = button('Export PNG', 'Save the shown frame with the overlay', 'export-png');
  const snippet = button('Copy Python snippet', 'Python (OpenCV) that reads this frame', 'copy-snippet');
  const threshold = el('input', {
    type: 'range',
    id: 'threshold',
    min: '0',
    max: '1',
    step: '0.01',
    value: '0',
  });
  const thresholdValue = el('span', { className: 'muted', id: 'threshold-value', textContent: '0.00' });
  const trail = el('input', { type: 'number', id: 'trail', min: '0', max: '300', step: '1', value: '0' });
  const legend = el('div', { id: 'legend' });
  const poseLabel = el('div', { className: 'muted', id: 'pose-label' });
  const posePanel = el(
    'div',
    { id: 'pose-panel', hidden: true },
    poseLabel,
    el('label', {}, 'Confidence ≥ ', threshold, ' ', thresholdValue),
    el('label', {}, 'Trail (frames) ', trail),
    legend,
  );
  const title = el('h1', { id: 'title' });
  const status = el('div', { className: 'muted', id: 'status' });
  const message = el('div', { id: 'message', hidden: true });
  const warnings = el('div', { id: 'warnings', hidden: true });
  const controls = el(
    'div',
    { id: 'controls' },
    slider,
    el(
      'div',
      { className: 'row' },
      back1s,
      back1,
      play,
      forward1,
      forward1s,
      el('label', {}, 'Frame ', frameInput),
      frameCount,
      el('label', {}, 'Time ', timeInput, ' s'),
    ),
    el('div', { className: 'row' }, poseFrom, exportPng, snippet),
  );
  const root = el(
    'main',
    { id: 'video', tabIndex: 0 },
    el('header', {}, title, status),
    message,
    warnings,
    el('div', { id: 'body' }, stage, posePanel),
    controls,
  );
  root.dataset.state = 'loading';
  document.body.append(root);
  return {
    root,
    title,
    status,
    message,
    warnings,
    stage,
    frameCanvas,
    overlayCanvas,
    slider,
    frameInput,
    timeInput,
    frameCount,
    back1s,
    back1,
    play,
    forward1,
    forward1s,
    poseFrom,
    exportPng,
    snippet,
    posePanel,
    poseLabel,
    threshold,
    thresholdValue,
    trail,
    legend,
  };
}

/** Replaces `parent`'s children with one swatch + label per legend entry. */
export function renderLegend(parent: HTMLElement, entries: Array<{ label: string; colour: string }>): void {
  parent.replaceChildren(
    ...entries.map(entry => {
      const swatch = el('span', { className: 'swatch' });
      swatch.style.setProperty('--swatch', entry.colour);
      return el('div', { className: 'legend-entry' }, swatch, entry.label);
    }),
  );
}
