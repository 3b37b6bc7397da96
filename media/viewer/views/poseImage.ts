/**
 * Keypoints in image coordinates, as on the video: origin at the frame's top-left corner, y
 * growing downward, pixel rulers along the left and bottom edges (as the image view has), and the
 * frame's aspect ratio kept. Each keypoint's track is drawn faintly, the keypoints at the chosen
 * time as dots joined by the skeleton.
 */
import { polylineRuns, skeletonSegments } from '../chartGeometry';
import { categoricalColor } from '../colormaps';
import { h, hidpiCanvas } from '../dom';
import { formatNumber } from '../format';
import { COLORBAR_WIDTH, drawRuler, RULER_WIDTH } from '../imageAxes';
import { observeSize } from '../live';
import type { Disposable } from '../scope';

export interface PoseTrack {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface PosePoint {
  x: number;
  y: number;
}

export class PoseImagePlot implements Disposable {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly _xRuler = h('div', { class: 'image-ruler image-ruler-x', 'aria-hidden': 'true' });
  private readonly _yRuler = h('div', { class: 'image-ruler image-ruler-y', 'aria-hidden': 'true' });
  private readonly _readout = h('span', { class: 'muted plot-readout', 'aria-live': 'off' });
  private readonly _resize: Disposable;
  private _points: PosePoint[] = [];
  private _scale = 1;

  /** `frame` is the picture's size in pixels: the video's when known, else what holds the keypoints. */
  constructor(
    label: string,
    private readonly _frame: { width: number; height: number },
    private readonly _tracks: readonly PoseTrack[],
    private readonly _edges: readonly (readonly [number, number])[],
    /** The most height the picture may take (the room left in the pane, so its rulers stay in sight). */
    private readonly _maxCssHeight: () => number,
  ) {
    this.canvas = h('canvas', { class: 'image-canvas', role: 'img', 'aria-label': label });
    const plot = h(
      'div',
      { class: 'image-plot' },
      this._yRuler,
      this.canvas,
      h('span'),
      h('span'),
      this._xRuler,
    );
    this.element = h('div', { class: 'image-box pose-image' }, this._readout, plot);
    this._resize = observeSize(this.element, () => this.draw());
    this.element.addEventListener('pointermove', e => {
      const r = this.canvas.getBoundingClientRect();
      const inside =
        e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      const x = (e.clientX - r.left) / this._scale;
      const y = (e.clientY - r.top) / this._scale;
      this._readout.textContent = inside ? `x ${formatNumber(x)} px · y ${formatNumber(y)} px` : '';
    });
    this.element.addEventListener('pointerleave', () => (this._readout.textContent = ''));
  }

  /** The keypoints at the chosen time (NaN where a keypoint has no sample), in track order. */
  setPoints(points: PosePoint[]): void {
    this._points = points;
    this.draw();
  }

  draw(): void {
    const { width, height } = this._frame;
    const available = Math.max(64, (this.element.clientWidth || 600) - RULER_WIDTH - COLORBAR_WIDTH - 8);
    const maxHeight = Math.max(120, this._maxCssHeight());
    this._scale = Math.min(available / width, maxHeight / height);
    const cssW = Math.max(1, Math.round(width * this._scale));
    const cssH = Math.max(1, Math.round(height * this._scale));
    const ctx = hidpiCanvas(this.canvas, cssW, cssH);
    drawRuler(this._xRuler, width, cssW, 'x');
    drawRuler(this._yRuler, height, cssH, 'y');
    const s = this._scale;
    const toPx = (v: number): number => v * s;
    ctx.clearRect(0, 0, cssW, cssH);
    // The frame's border: where the video's picture ends.
    ctx.strokeStyle = getComputedStyle(this.element).color || '#888';
    ctx.globalAlpha = 0.35;
    ctx.strokeRect(0.5, 0.5, cssW - 1, cssH - 1);
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1;
    this._tracks.forEach((t, i) => {
      ctx.strokeStyle = categoricalColor(i, 0.3);
      ctx.beginPath();
      for (const run of polylineRuns(t.x, t.y, toPx, toPx)) {
        ctx.moveTo(run[0], run[1]);
        for (let k = 2; k < run.length; k += 2) ctx.lineTo(run[k], run[k + 1]);
      }
      ctx.stroke();
    });
    const points = this._points.map(p => ({ x: toPx(p.x), y: toPx(p.y) }));
    ctx.strokeStyle = getComputedStyle(this.element).color || '#ccc';
    ctx.lineWidth = 2;
    for (const [x0, y0, x1, y1] of skeletonSegments(points, this._edges)) {
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
    }
    ctx.lineWidth = 1;
    points.forEach((p, i) => {
      if (!Number.isFinite(p.x + p.y)) return;
      ctx.fillStyle = categoricalColor(i);
      ctx.beginPath();
      ctx.arc(p.x, p.y, 5, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
    });
  }

  dispose(): void {
    this._resize.dispose();
  }
}
