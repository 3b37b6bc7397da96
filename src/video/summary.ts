/** The index as people and `npm run inspect -- <video> --json` see it: no per-sample arrays but the keyframes. */
import type { VideoContainer, VideoIndex } from './types';

export interface VideoSummary {
  kind: 'video';
  container: VideoContainer;
  codec: string | null;
  codecName: string;
  width: number;
  height: number;
  frames: number;
  fps: number;
  durationSeconds: number;
  keyframes: number[];
  moovAtEnd: boolean;
  undecodable?: string;
}

export function videoSummary(index: VideoIndex): VideoSummary {
  const summary: VideoSummary = {
    kind: 'video',
    container: index.container,
    codec: index.codec ?? null,
    codecName: index.codecName,
    width: index.width,
    height: index.height,
    frames: index.frames,
    fps: Number(index.fps.toFixed(6)),
    durationSeconds: Number(index.durationSeconds.toFixed(6)),
    keyframes: index.keyframeFrames,
    moovAtEnd: index.moovAtEnd,
  };
  if (index.undecodable) summary.undecodable = index.undecodable;
  return summary;
}

export function formatVideoSummary(s: VideoSummary): string {
  const keys =
    s.keyframes.length > 12
      ? `${s.keyframes.slice(0, 12).join(', ')}, … (${s.keyframes.length})`
      : s.keyframes.join(', ');
  const lines = [
    `${s.container.toUpperCase()} · ${s.codecName}${s.codec ? ` (${s.codec})` : ''}`,
    `${s.width}×${s.height}, ${s.frames} frames at ${s.fps.toFixed(3)} fps, ${s.durationSeconds.toFixed(3)} s`,
    `keyframes: ${keys || 'none'}`,
  ];
  if (s.container === 'mp4' || s.container === 'mov')
    lines.push(`index (moov) at the ${s.moovAtEnd ? 'end' : 'start'} of the file`);
  if (s.undecodable) lines.push(`cannot be decoded here: ${s.undecodable}`);
  return lines.join('\n');
}
