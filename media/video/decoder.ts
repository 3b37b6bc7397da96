/**
 * WebCodecs decoding of the host's sample batches. Each batch starts at a keyframe; its samples go
 * in decode order and come out in presentation order (B-frames), matched back to frame numbers by
 * their timestamps. Batches run one after another on one decoder; a decoder error closes it and the
 * next batch starts a fresh one.
 */
import type { DecoderConfigMessage, SamplesResult } from '../../src/shared/videoProtocol';
import type { FrameStore } from './frameStore';

/** The decoder accepted the configuration but failed on the stream (e.g. H.264 4:4:4 in Chromium). */
export class DecoderFailure extends Error {
  override name = 'DecoderFailure';
}

export type Support = { supported: true } | { supported: false; reason: string };

/** Whether this webview can decode `codec` (asked at run time: hosts differ). */
export async function decoderSupport(
  codec: string | undefined,
  width: number,
  height: number,
): Promise<Support> {
  if (typeof VideoDecoder === 'undefined')
    return { supported: false, reason: 'this webview has no WebCodecs VideoDecoder' };
  if (!codec) return { supported: false, reason: 'the container names no codec WebCodecs knows' };
  try {
    const answer = await VideoDecoder.isConfigSupported({ codec, codedWidth: width, codedHeight: height });
    return answer.supported
      ? { supported: true }
      : { supported: false, reason: `this webview's VideoDecoder does not support ${codec}` };
  } catch (e) {
    return { supported: false, reason: `${codec} is not a codec string VideoDecoder accepts (${String(e)})` };
  }
}

/** Codec strings probed to tell the user what this host can decode instead. */
const PROBES: Array<[string, string]> = [
  ['H.264 Baseline', 'avc1.42E01E'],
  ['H.264 Main', 'avc1.4D401F'],
  ['H.264 High', 'avc1.64001F'],
  ['H.264 High 4:4:4', 'avc1.F4001F'],
  ['VP8', 'vp8'],
  ['VP9', 'vp09.00.10.08'],
  ['AV1', 'av01.0.04M.08'],
  ['HEVC', 'hev1.1.6.L93.B0'],
];

/** "H.264 Main, H.264 High, VP8": what this webview's decoder accepts. */
export async function supportedCodecs(): Promise<string[]> {
  if (typeof VideoDecoder === 'undefined') return [];
  const checks = await Promise.all(
    PROBES.map(async ([name, codec]) => {
      const support = await decoderSupport(codec, 640, 480);
      return support.supported ? name : undefined;
    }),
  );
  return checks.filter((name): name is string => name !== undefined);
}

export class FrameDecoder {
  private _decoder: VideoDecoder | undefined;
  private _configKey = '';
  /** timestamp (µs) → frame, for the batch being decoded. */
  private _frameOf = new Map<number, number>();
  private _queue: Promise<void> = Promise.resolve();
  private _error: Error | undefined;

  constructor(
    private readonly _store: FrameStore<VideoFrame>,
    /** The frame the viewer shows: the store keeps frames near it. */
    private readonly _focus: () => number,
  ) {}

  /** Decodes `batch` (after any batch before it); every frame it yields lands in the store. */
  decode(batch: SamplesResult): Promise<void> {
    const run = this._queue.then(() => this._run(batch));
    this._queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    if (this._decoder && this._decoder.state !== 'closed') this._decoder.close();
    this._decoder = undefined;
  }

  private async _run(batch: SamplesResult): Promise<void> {
    if (batch.samples.length === 0) return;
    if (!batch.samples[0].key)
      throw new Error(`the samples for frame ${batch.frame} do not start at a keyframe`);
    const decoder = this._ensure(batch.config);
    this._frameOf = new Map(batch.samples.map(s => [s.timestampUs, s.frame]));
    batch.samples.forEach((sample, k) => {
      decoder.decode(
        new EncodedVideoChunk({
          type: sample.key ? 'key' : 'delta',
          timestamp: sample.timestampUs,
          data: k === 0 && batch.keyPrefix ? concat(batch.keyPrefix, sample.data) : sample.data,
        }),
      );
    });
    try {
      await decoder.flush();
    } catch (e) {
      throw (
        this._error ?? new DecoderFailure(`the decoder failed: ${e instanceof Error ? e.message : String(e)}`)
      );
    }
  }

  private _ensure(config: DecoderConfigMessage): VideoDecoder {
    const key = `${config.codec} ${config.codedWidth}x${config.codedHeight} ${config.description?.byteLength ?? 0}`;
    if (this._decoder && this._decoder.state === 'configured' && key === this._configKey)
      return this._decoder;
    this.close();
    this._error = undefined;
    const decoder = new VideoDecoder({
      output: frame => this._output(frame),
      error: e => {
        this._error = new DecoderFailure(`the decoder failed: ${e.message}`);
      },
    });
    const init: VideoDecoderConfig = {
      codec: config.codec,
      codedWidth: config.codedWidth,
      codedHeight: config.codedHeight,
      // Exact frames matter more than speed here: never drop or reorder for latency.
      optimizeForLatency: false,
    };
    if (config.description) init.description = config.description;
    decoder.configure(init);
    this._decoder = decoder;
    this._configKey = key;
    return decoder;
  }

  private _output(decoded: VideoFrame): void {
    const frame = this._frameOf.get(decoded.timestamp);
    if (frame === undefined || frame < 0) {
      decoded.close(); // a sample the edit list hides, or one this batch did not ask for
      return;
    }
    this._store.put(frame, decoded, this._focus());
  }
}

function concat(a: ArrayBuffer, b: ArrayBuffer): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(new Uint8Array(a));
  out.set(new Uint8Array(b), a.byteLength);
  return out;
}
