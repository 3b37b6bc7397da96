/**
 * Draws the pose over the video: keypoints at the shown frame, the skeleton's edges, faded trails
 * over the previous frames, coloured per node (one animal) or per track (several). Coordinates
 * are scaled from the pose file's pixels to the video's.
 */
import type { PoseFramesMessage, PoseInfo } from '../../src/shared/videoProtocol';
import { PALETTE, colourKey, poseScale, visible, type Size } from './poseGeometry';

export interface PoseInstanceData {
  track: string | undefined;
  x: Float32Array;
  y: Float32Array;
  confidence: Float32Array | undefined;
}

export interface OverlaySettings {
  threshold: number;
  /** Frames of trail behind the shown one (0 = none). */
  trail: number;
}

/** Unpacks the host's flat rows into instances per frame. */
export function unpackPoseFrames(message: PoseFramesMessage): Map<number, PoseInstanceData[]> {
  const { nodes } = message;
  const x = new Float32Array(message.x);
  const y = new Float32Array(message.y);
  const confidence = new Float32Array(message.confidence);
  const out = new Map<number, PoseInstanceData[]>();
  message.frames.forEach((frame, row) => {
    const at = row * nodes;
    const scores = confidence.subarray(at, at + nodes);
    const instance: PoseInstanceData = {
      track: message.tracks[row] ?? undefined,
      x: x.subarray(at, at + nodes),
      y: y.subarray(at, at + nodes),
      confidence: scores.some(c => !Number.isNaN(c)) ? scores : undefined,
    };
    const list = out.get(frame);
    if (list) list.push(instance);
    else out.set(frame, [instance]);
  });
  return out;
}

export interface LegendEntry {
  label: string;
  colour: string;
}

export class PoseOverlay {
  private readonly _trackColours = new Map<string, string>();

  constructor(
    readonly info: PoseInfo,
    private readonly _video: Size,
  ) {}

  /** Legend for what is on screen at `instances`. */
  legend(instances: PoseInstanceData[]): LegendEntry[] {
    if (colourKey(instances.map(i => i.track)) === 'track')
      return instances.map(i => ({ label: i.track ?? '(no track)', colour: this._trackColour(i.track) }));
    return this.info.skeleton.nodes.map((label, n) => ({ label, colour: PALETTE[n % PALETTE.length] }));
  }

  /** Draws frame `frame` (and its trail) from `frames` onto `ctx`, which has the video's size. */
  draw(
    ctx: CanvasRenderingContext2D,
    frames: ReadonlyMap<number, PoseInstanceData[]>,
    frame: number,
    settings: OverlaySettings,
  ): number {
    const { sx, sy } = poseScale(this.info.dimensions, this._video);
    const current = frames.get(frame) ?? [];
    const byTrack = colourKey(current.map(i => i.track)) === 'track';
    const colourOf = (instance: PoseInstanceData, node: number) =>
      byTrack ? this._trackColour(instance.track) : PALETTE[node % PALETTE.length];
    const radius = Math.max(2, Math.round(Math.min(this._video.width, this._video.height) / 160));
    ctx.lineCap = 'round';
    // Trails: each keypoint's path over the last frames, fading out.
    if (settings.trail > 0) {
      for (const instance of current) {
        for (let node = 0; node < instance.x.length; node++) {
          let previous: [number, number] | undefined;
          for (let f = frame - settings.trail; f <= frame; f++) {
            const past = (frames.get(f) ?? []).find(i => i.track === instance.track);
            if (!past || !visible(past.x[node], past.y[node], past.confidence?.[node], settings.threshold)) {
              previous = undefined;
              continue;
            }
            const point: [number, number] = [past.x[node] * sx, past.y[node] * sy];
            if (previous) {
              ctx.globalAlpha = 0.15 + (0.6 * (f - (frame - settings.trail))) / settings.trail;
              ctx.strokeStyle = colourOf(instance, node);
              ctx.lineWidth = Math.max(1, radius / 2);
              ctx.beginPath();
              ctx.moveTo(previous[0], previous[1]);
              ctx.lineTo(point[0], point[1]);
              ctx.stroke();
            }
            previous = point;
          }
        }
      }
      ctx.globalAlpha = 1;
    }
    let drawn = 0;
    for (const instance of current) {
      const shown = (n: number) =>
        visible(instance.x[n], instance.y[n], instance.confidence?.[n], settings.threshold);
      ctx.lineWidth = Math.max(1, radius / 2);
      for (const [a, b] of this.info.skeleton.edges) {
        if (!shown(a) || !shown(b)) continue;
        ctx.strokeStyle = byTrack ? this._trackColour(instance.track) : 'rgba(255, 255, 255, 0.8)';
        ctx.beginPath();
        ctx.moveTo(instance.x[a] * sx, instance.y[a] * sy);
        ctx.lineTo(instance.x[b] * sx, instance.y[b] * sy);
        ctx.stroke();
      }
      for (let n = 0; n < instance.x.length; n++) {
        if (!shown(n)) continue;
        ctx.fillStyle = colourOf(instance, n);
        ctx.strokeStyle = 'rgba(0, 0, 0, 0.8)';
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.arc(instance.x[n] * sx, instance.y[n] * sy, radius, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
        drawn++;
      }
    }
    return drawn;
  }

  private _trackColour(track: string | undefined): string {
    const key = track ?? '';
    let colour = this._trackColours.get(key);
    if (!colour) {
      colour = PALETTE[this._trackColours.size % PALETTE.length];
      this._trackColours.set(key, colour);
    }
    return colour;
  }
}
