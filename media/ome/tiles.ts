/**
 * Tiles of the OME-Zarr viewer: an LRU of decoded tiles bounded in bytes, and a scheduler that
 * keeps a few requests in flight, in the order the view wants them, and cancels what the view no
 * longer needs after a pan or zoom.
 */
import type { TileReply, TileRequest } from '../../src/shared/omeProtocol';

export type TileValues =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface Tile {
  request: TileRequest;
  values: TileValues;
  height: number;
  width: number;
}

const CONSTRUCTORS: Record<string, new (buffer: ArrayBuffer) => TileValues> = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
};

export function tileKey(r: TileRequest): string {
  return `${r.image}|${r.level}|${r.channel}|${r.z}|${r.t}|${r.y0}|${r.x0}`;
}

/** Decodes a reply into a typed array; 64-bit integers arrive as their own type and are refused. */
export function tileOf(request: TileRequest, reply: TileReply): Tile {
  const make = CONSTRUCTORS[reply.type];
  if (!make) throw new Error(`tiles of ${reply.type} cannot be drawn`);
  return { request, values: new make(reply.data), height: reply.height, width: reply.width };
}

export class TileCache {
  private readonly _tiles = new Map<string, Tile>();
  private _bytes = 0;

  constructor(private readonly _maxBytes: number) {}

  get(key: string): Tile | undefined {
    const hit = this._tiles.get(key);
    if (hit) {
      this._tiles.delete(key);
      this._tiles.set(key, hit);
    }
    return hit;
  }

  peek(key: string): Tile | undefined {
    return this._tiles.get(key);
  }

  set(key: string, tile: Tile): void {
    const old = this._tiles.get(key);
    if (old) this._bytes -= old.values.byteLength;
    this._tiles.set(key, tile);
    this._bytes += tile.values.byteLength;
    for (const [k, t] of this._tiles) {
      if (this._bytes <= this._maxBytes || this._tiles.size <= 1) break;
      this._tiles.delete(k);
      this._bytes -= t.values.byteLength;
    }
  }

  get bytes(): number {
    return this._bytes;
  }
}

export type FetchTile = (request: TileRequest, signal: AbortSignal) => Promise<TileReply>;

/** Fetches wanted tiles into the cache, `maxInFlight` at a time, cancelling unwanted ones. */
export class TileScheduler {
  private _queue: TileRequest[] = [];
  private readonly _inFlight = new Map<string, AbortController>();
  /** Tiles requested and tiles cancelled since the viewer opened (status and tests). */
  requested = 0;
  cancelled = 0;

  constructor(
    private readonly _cache: TileCache,
    private readonly _fetch: FetchTile,
    private readonly _onTile: (tile: Tile) => void,
    private readonly _onError: (request: TileRequest, error: unknown) => void,
    private readonly _maxInFlight = 4,
  ) {}

  /** The tiles the view wants now, most wanted first; anything else in flight is cancelled. */
  want(requests: TileRequest[]): void {
    const wanted = new Set(requests.map(tileKey));
    for (const [key, controller] of this._inFlight)
      if (!wanted.has(key)) {
        controller.abort();
        this._inFlight.delete(key);
        this.cancelled++;
      }
    this._queue = requests.filter(r => {
      const key = tileKey(r);
      return !this._cache.peek(key) && !this._inFlight.has(key);
    });
    this._pump();
  }

  get pending(): number {
    return this._queue.length + this._inFlight.size;
  }

  private _pump(): void {
    while (this._inFlight.size < this._maxInFlight && this._queue.length > 0) {
      const request = this._queue.shift() as TileRequest;
      const key = tileKey(request);
      const controller = new AbortController();
      this._inFlight.set(key, controller);
      this.requested++;
      this._fetch(request, controller.signal).then(
        reply => {
          if (this._inFlight.get(key) !== controller) return;
          this._inFlight.delete(key);
          try {
            const tile = tileOf(request, reply);
            this._cache.set(key, tile);
            this._onTile(tile);
          } catch (e) {
            this._onError(request, e);
          }
          this._pump();
        },
        (e: unknown) => {
          if (this._inFlight.get(key) !== controller) return;
          this._inFlight.delete(key);
          if (!controller.signal.aborted) this._onError(request, e);
          this._pump();
        },
      );
    }
  }
}
