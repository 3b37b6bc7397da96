/**
 * Draws an ImageFrame on a canvas that is crisp on high-DPI screens: the frame is rendered at its
 * own resolution into an offscreen canvas, then scaled to the device-pixel size with smoothing
 * off. Grayscale data go through a colormap and a contrast window; RGB/RGBA are shown as is.
 * An optional RGBA overlay (ROI masks) of the same size is drawn on top.
 */
import type { ImageFrame } from '../../src/shared/protocol';
import { applyColormap, rgbToRgba, type ColormapName } from './colormaps';
import { hidpiCanvas, h } from './dom';
import { Colorbar, COLORBAR_WIDTH, drawRuler, RULER_WIDTH, withColorbar } from './imageAxes';
import type { Range } from './contrast';
import { observeSize } from './live';
import type { Disposable } from './scope';

/** Beyond this width:height (or height:width) an array is stretched rather than drawn with square pixels. */
const MAX_SQUARE_ASPECT = 8;

export class ImageCanvas implements Disposable {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private _frame: ImageFrame | null = null;
  private _pixels: Float32Array | null = null;
  private _overlay: Uint8ClampedArray | null = null;
  private _colormap: ColormapName = 'viridis';
  private _window: Range = { min: 0, max: 1 };
  private _scaleX = 1;
  private _scaleY = 1;
  private readonly _resize: Disposable;
  private readonly _xRuler = h('div', { class: 'image-ruler image-ruler-x', 'aria-hidden': 'true' });
  private readonly _yRuler = h('div', { class: 'image-ruler image-ruler-y', 'aria-hidden': 'true' });
  private readonly _colorbar = new Colorbar();

  constructor(
    label: string,
    private readonly _maxCssHeight = 560,
  ) {
    this.canvas = h('canvas', { class: 'image-canvas', role: 'img', 'aria-label': label });
    // Pixel rulers left of and below the image, the colourbar on its right.
    const plot = h(
      'div',
      { class: 'image-plot' },
      this._yRuler,
      this.canvas,
      this._colorbar.element,
      h('span'),
      this._xRuler,
    );
    this.element = h('div', { class: 'image-box' }, plot);
    this._resize = observeSize(this.element, () => this.draw());
  }

  setFrame(frame: ImageFrame): void {
    this._frame = frame;
    this._pixels = new Float32Array(frame.data);
  }

  /** The image as exported: with its colourbar, labels and unit (single-channel data). */
  exportCanvas(): HTMLCanvasElement {
    return withColorbar(this.canvas, this._colorbar);
  }

  get frame(): ImageFrame | null {
    return this._frame;
  }

  setColormap(name: ColormapName): void {
    this._colormap = name;
  }

  setWindow(w: Range): void {
    this._window = w;
  }

  setOverlay(rgba: Uint8ClampedArray | null): void {
    this._overlay = rgba;
  }

  /** Image pixel (column, row) under a mouse event, or null outside the image. */
  pixelAt(e: MouseEvent): { x: number; y: number } | null {
    if (!this._frame) return null;
    const rect = this.canvas.getBoundingClientRect();
    const x = Math.floor((e.clientX - rect.left) / this._scaleX);
    const y = Math.floor((e.clientY - rect.top) / this._scaleY);
    return x >= 0 && y >= 0 && x < this._frame.width && y < this._frame.height ? { x, y } : null;
  }

  draw(): void {
    const frame = this._frame;
    const pixels = this._pixels;
    if (!frame || !pixels) return;
    const availableWidth = Math.max(64, (this.element.clientWidth || 600) - RULER_WIDTH - COLORBAR_WIDTH - 8);
    const maxHeight = Math.min(this._maxCssHeight, Math.max(160, window.innerHeight * 0.5));
    const scale = Math.min(availableWidth / frame.width, maxHeight / frame.height);
    const rounded = scale > 1 ? Math.floor(scale * 100) / 100 : scale;
    let cssW = Math.round(frame.width * rounded);
    let cssH = Math.round(frame.height * rounded);
    // Very tall or wide arrays (e.g. samples × channels) are stretched to a readable size; a
    // picture of ordinary proportions, however small (a 4 × 2 frame), keeps square pixels.
    if (Math.max(frame.width / frame.height, frame.height / frame.width) > MAX_SQUARE_ASPECT) {
      cssW = Math.max(Math.min(availableWidth, 240), cssW);
      cssH = Math.max(Math.min(maxHeight, 160), cssH);
    }
    this._scaleX = cssW / frame.width;
    this._scaleY = cssH / frame.height;
    const ctx = hidpiCanvas(this.canvas, cssW, cssH);
    drawRuler(this._xRuler, frame.width, cssW, 'x');
    drawRuler(this._yRuler, frame.height, cssH, 'y');
    this._colorbar.update(
      frame.channels === 1
        ? { colormap: this._colormap, window: this._window, unit: frame.unit, height: cssH }
        : null,
    );
    const rgba =
      frame.channels === 1
        ? applyColormap(pixels, this._window.min, this._window.max, this._colormap)
        : rgbToRgba(pixels, frame.channels, this._window.min, this._window.max);
    const source = document.createElement('canvas');
    source.width = frame.width;
    source.height = frame.height;
    const sctx = source.getContext('2d');
    if (!sctx) return;
    sctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), frame.width, frame.height), 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, cssW, cssH);
    ctx.drawImage(source, 0, 0, cssW, cssH);
    if (this._overlay && this._overlay.length === frame.width * frame.height * 4) {
      sctx.clearRect(0, 0, frame.width, frame.height);
      sctx.putImageData(new ImageData(new Uint8ClampedArray(this._overlay), frame.width, frame.height), 0, 0);
      ctx.drawImage(source, 0, 0, cssW, cssH);
    }
  }

  dispose(): void {
    this._resize.dispose();
  }
}
