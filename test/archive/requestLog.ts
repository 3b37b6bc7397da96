import { type IncomingMessage, type ServerResponse } from 'node:http';
import { bytesSent, headerRecord } from './http';
import { type RequestLogEntry } from './types';

/** The client's address as the tests write it (`127.0.0.2`, not `::ffff:127.0.0.2`). */
export function clientAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

/** Every request received, in order; capped so that long benchmark runs cannot exhaust memory. */
export class RequestLog {
  static readonly MAX_ENTRIES = 200_000;
  entries: RequestLogEntry[] = [];

  constructor(private readonly verbose: boolean) {}

  /** Records the exchange when the response is finished or the connection is dropped. */
  watch(origin: 'api' | 'blob', req: IncomingMessage, res: ServerResponse): void {
    const headers = headerRecord(req);
    const client = clientAddress(req);
    const started = Date.now();
    res.once('close', () => {
      const entry: RequestLogEntry = {
        origin,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        status: res.statusCode,
        bytes: bytesSent(res),
        client,
      };
      this.entries.push(entry);
      if (this.entries.length > RequestLog.MAX_ENTRIES)
        this.entries.splice(0, this.entries.length - RequestLog.MAX_ENTRIES);
      if (this.verbose) {
        const cut = res.writableFinished ? '' : ' (connection closed early)';
        console.log(
          `${origin.padEnd(4)} ${client} ${entry.method} ${entry.url} -> ${entry.status} ${entry.bytes} B ${Date.now() - started} ms${cut}`,
        );
      }
    });
  }

  clear(): void {
    this.entries = [];
  }
}
