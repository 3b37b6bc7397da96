/**
 * The Zarr decode worker (bundled to dist/zarrWorker.js): runs zarrita's codecs off the extension
 * host's thread, so a large chunk or a slow codec (bz2, blosc on megabytes) never blocks it. Chunk
 * bytes are asked of the host, which owns the store and the HTTP layer; values go back as typed
 * arrays, their buffers transferred.
 */
import { parentPort } from 'node:worker_threads';
import { decodeSelection, type ChunkSource } from './decode';
import { ZarrError } from './errors';
import type { HostToWorker, WorkerToHost } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('zarrWorker.js runs as a worker thread');

const waiting = new Map<
  number,
  { resolve(bytes: Uint8Array | undefined): void; reject(error: Error): void }
>();
const running = new Map<number, AbortController>();
let nextRequest = 1;

function send(message: WorkerToHost, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function chunksFor(id: number): ChunkSource {
  const ask = (key: string, range: ChunkSourceRange | undefined) =>
    new Promise<Uint8Array | undefined>((resolve, reject) => {
      const request = nextRequest++;
      waiting.set(request, { resolve, reject });
      send(range ? { type: 'get', id, request, key, range } : { type: 'get', id, request, key });
    });
  return { get: key => ask(key, undefined), getRange: (key, range) => ask(key, range) };
}
type ChunkSourceRange = Parameters<ChunkSource['getRange']>[1];

async function decode(message: Extract<HostToWorker, { type: 'decode' }>): Promise<void> {
  const abort = new AbortController();
  running.set(message.id, abort);
  try {
    const { shape, values, missingChunks } = await decodeSelection(
      message.docs,
      message.selection,
      chunksFor(message.id),
      {
        signal: abort.signal,
        maxBytes: message.maxBytes,
      },
    );
    const transfer =
      ArrayBuffer.isView(values) && values.buffer instanceof ArrayBuffer ? [values.buffer] : [];
    send({ type: 'result', id: message.id, shape, values, missingChunks }, transfer);
  } catch (error) {
    const code = error instanceof ZarrError ? error.code : abort.signal.aborted ? 'aborted' : 'corrupt';
    send({ type: 'error', id: message.id, code, message: (error as Error).message });
  } finally {
    running.delete(message.id);
  }
}

port.on('message', (message: HostToWorker) => {
  switch (message.type) {
    case 'decode':
      void decode(message);
      break;
    case 'abort':
      running.get(message.id)?.abort();
      break;
    case 'chunk': {
      const entry = waiting.get(message.request);
      waiting.delete(message.request);
      entry?.resolve(message.bytes ?? undefined);
      break;
    }
    case 'chunk-error': {
      const entry = waiting.get(message.request);
      waiting.delete(message.request);
      entry?.reject(new ZarrError(message.code, message.message));
      break;
    }
  }
});
