/**
 * The OME-Zarr image view: a canvas with pan and zoom over physical coordinates. For the viewport
 * it picks the level (coarsest that still resolves a screen pixel), asks the scheduler for the
 * visible chunks of that level (after the coarsest level's, drawn first), and draws what is cached,
 * coarse under fine. Everything the tests read sits on `#view` as data attributes.
 */
import {
  axisIndex,
  chooseLevel,
  chunkBlock,
  scaleBarLength,
  visibleChunks,
  type OmeImageInfo,
  type OmeLevel,
  type PhysicalRect,
  type TileRequest,
} from '../../src/shared/omeProtocol';
import { composite, formatLength, type ChannelStyle } from './render';
import { tileKey, type TileCache, type TileScheduler, type TileValues } from './tiles';

export interface ViewState {
  /** Physical centre. */
  cy: number;
  cx: number;
  /** Screen (CSS) pixels per physical unit. */
  zoom: number;
}

export class ImageView {
  state: ViewState = { cy: 0, cx: 0, zoom: 1 };
  z = 0;
  t = 0;
  styles: ChannelStyle[] = [];
  level = 0;
  private readonly _ctx: CanvasRenderingContext2D;
  private readonly _blocks = new Map<string, HTMLCanvasElement>();
  private _frame = 0;
  private readonly _ax;

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly host: HTMLElement,
    readonly image: OmeImageInfo,
    private readonly _cache: TileCache,
    private readonly _scheduler: TileScheduler,
    private readonly _onDrawn: (complete: boolean, tiles: number) => void,
  ) {
    this._ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    this._ax = axisIndex(image.axes);
  }

  get axes(): ReturnType<typeof axisIndex> {
    return this._ax;
  }

  private get _size(): { w: number; h: number } {
    return { w: this.host.clientWidth || 800, h: this.host.clientHeight || 600 };
  }

  /** Physical extent of level 0. */
  extent(): PhysicalRect {
    const l0 = this.image.levels[0] as OmeLevel;
    const { y, x } = this._ax;
    const t = l0.translation;
    return {
      y0: t[y] as number,
      y1: (t[y] as number) + (l0.shape[y] as number) * (l0.scale[y] as number),
      x0: t[x] as number,
      x1: (t[x] as number) + (l0.shape[x] as number) * (l0.scale[x] as number),
    };
  }

  fit(): void {
    const e = this.extent();
    const { w, h } = this._size;
    this.state = {
      cy: (e.y0 + e.y1) / 2,
      cx: (e.x0 + e.x1) / 2,
      zoom: Math.min(w / (e.x1 - e.x0), h / (e.y1 - e.y0)),
    };
    this.update();
  }

  /** One level-0 pixel per screen pixel. */
  oneToOne(): void {
    const l0 = this.image.levels[0] as OmeLevel;
    this.state = { ...this.state, zoom: 1 / (l0.scale[this._ax.x] as number) };
    this.update();
  }

  zoomAt(factor: number, sx: number, sy: number): void {
    const p = this.toPhysical(sx, sy);
    const zoom = this.state.zoom * factor;
    const { w, h } = this._size;
    this.state = { zoom, cx: p.x - (sx - w / 2) / zoom, cy: p.y - (sy - h / 2) / zoom };
    this.update();
  }

  pan(dx: number, dy: number): void {
    this.state = {
      ...this.state,
      cx: this.state.cx - dx / this.state.zoom,
      cy: this.state.cy - dy / this.state.zoom,
    };
    this.update();
  }

  toPhysical(sx: number, sy: number): { y: number; x: number } {
    const { w, h } = this._size;
    return {
      x: this.state.cx + (sx - w / 2) / this.state.zoom,
      y: this.state.cy + (sy - h / 2) / this.state.zoom,
    };
  }

  viewport(): PhysicalRect {
    const { w, h } = this._size;
    const a = this.toPhysical(0, 0);
    const b = this.toPhysical(w, h);
    return { y0: a.y, y1: b.y, x0: a.x, x1: b.x };
  }

  /** The index along z/t of a level for the chosen level-0 z (z may be downsampled). */
  zIndex(level: OmeLevel): number {
    const zAxis = this._ax.z;
    if (zAxis < 0) return 0;
    const l0 = this.image.levels[0] as OmeLevel;
    const z = Math.floor((this.z * (l0.scale[zAxis] as number)) / (level.scale[zAxis] as number));
    return Math.min(z, (level.shape[zAxis] as number) - 1);
  }

  private _requests(levelIndex: number, rect: PhysicalRect): TileRequest[] {
    const level = this.image.levels[levelIndex] as OmeLevel;
    const { y, x } = this._ax;
    const box = visibleChunks(level, y, x, rect);
    const out: TileRequest[] = [];
    const mid = { r: (box.rows[0] + box.rows[1] - 1) / 2, c: (box.cols[0] + box.cols[1] - 1) / 2 };
    const cells: [number, number][] = [];
    for (let r = box.rows[0]; r < box.rows[1]; r++)
      for (let c = box.cols[0]; c < box.cols[1]; c++) cells.push([r, c]);
    // Centre first: what the user looks at arrives first.
    cells.sort((a, b) => Math.hypot(a[0] - mid.r, a[1] - mid.c) - Math.hypot(b[0] - mid.r, b[1] - mid.c));
    for (const [r, c] of cells)
      this.styles.forEach((style, channel) => {
        if (!style.active) return;
        const block = chunkBlock(level, y, x, r, c);
        out.push({
          image: this.image.path,
          level: levelIndex,
          channel,
          z: this.zIndex(level),
          t: this.t,
          ...block,
        });
      });
    return out;
  }

  /** Re-plans the tiles for the viewport and redraws. */
  update(): void {
    const { y, x } = this._ax;
    const dpr = window.devicePixelRatio || 1;
    this.level = chooseLevel(this.image.levels, y, x, this.state.zoom * dpr);
    const coarsest = this.image.levels.length - 1;
    const rect = this.viewport();
    const wanted = [
      ...this._requests(coarsest, rect),
      ...(this.level !== coarsest ? this._requests(this.level, rect) : []),
    ];
    this._scheduler.want(wanted);
    this.host.dataset.level = String(this.level);
    // Stale until the next frame says otherwise: tests must not read the previous view's "ready".
    if (this.host.dataset.state === 'ready') this.host.dataset.state = 'loading';
    this.redraw();
  }

  /** Forgets composited blocks (after a window, colour or channel change). */
  restyle(): void {
    this._blocks.clear();
    this.update();
  }

  redraw(): void {
    if (this._frame) return;
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this._draw();
    });
  }

  private _block(levelIndex: number, r: number, c: number): HTMLCanvasElement | undefined {
    const level = this.image.levels[levelIndex] as OmeLevel;
    const { y, x } = this._ax;
    const b = chunkBlock(level, y, x, r, c);
    const key = `${levelIndex}|${r}|${c}|${this.z}|${this.t}`;
    const hit = this._blocks.get(key);
    if (hit) return hit;
    const layers: (TileValues | undefined)[] = [];
    for (let channel = 0; channel < this.styles.length; channel++) {
      if (!this.styles[channel]?.active) {
        layers.push(undefined);
        continue;
      }
      const req = {
        image: this.image.path,
        level: levelIndex,
        channel,
        z: this.zIndex(level),
        t: this.t,
        ...b,
      };
      const tile = this._cache.get(tileKey(req));
      if (!tile) return undefined;
      layers.push(tile.values);
    }
    const w = b.x1 - b.x0;
    const h = b.y1 - b.y0;
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const rgba = composite(w, h, layers, this.styles, this.image.labels);
    (canvas.getContext('2d') as CanvasRenderingContext2D).putImageData(new ImageData(rgba, w, h), 0, 0);
    this._blocks.set(key, canvas);
    if (this._blocks.size > 400) this._blocks.delete(this._blocks.keys().next().value as string);
    return canvas;
  }

  private _draw(): void {
    const { w, h } = this._size;
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
    const ctx = this._ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const rect = this.viewport();
    const { y, x } = this._ax;
    let complete = true;
    let drawn = 0;
    // Coarse under fine: every level from the coarsest to the chosen one, as far as it is cached.
    for (let li = this.image.levels.length - 1; li >= this.level; li--) {
      const level = this.image.levels[li] as OmeLevel;
      const box = visibleChunks(level, y, x, rect);
      ctx.imageSmoothingEnabled = li > this.level;
      for (let r = box.rows[0]; r < box.rows[1]; r++)
        for (let c = box.cols[0]; c < box.cols[1]; c++) {
          const block = this._block(li, r, c);
          if (!block) {
            if (li === this.level) complete = false;
            continue;
          }
          const b = chunkBlock(level, y, x, r, c);
          const sy = (level.translation[y] as number) + b.y0 * (level.scale[y] as number);
          const sx = (level.translation[x] as number) + b.x0 * (level.scale[x] as number);
          const left = (sx - this.state.cx) * this.state.zoom + w / 2;
          const top = (sy - this.state.cy) * this.state.zoom + h / 2;
          ctx.drawImage(
            block,
            left,
            top,
            (b.x1 - b.x0) * (level.scale[x] as number) * this.state.zoom,
            (b.y1 - b.y0) * (level.scale[y] as number) * this.state.zoom,
          );
          if (li === this.level) drawn++;
        }
    }
    this._drawScaleBar(w, h);
    this._onDrawn(complete && this._scheduler.pending === 0, drawn);
  }

  private _drawScaleBar(w: number, h: number): void {
    const length = scaleBarLength(this.state.zoom, Math.min(200, w / 3));
    const px = length * this.state.zoom;
    const ctx = this._ctx;
    ctx.fillStyle = '#fff';
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 1;
    ctx.fillRect(16, h - 24, px, 5);
    ctx.strokeRect(16, h - 24, px, 5);
    ctx.font = '12px sans-serif';
    // Dark outline: the label stays legible over bright tissue.
    const label = formatLength(length, this.image.axes[this._ax.x]?.unit);
    ctx.lineWidth = 3;
    ctx.strokeText(label, 16, h - 30);
    ctx.fillText(label, 16, h - 30);
  }
}
