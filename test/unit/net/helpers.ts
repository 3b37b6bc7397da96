import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TEST_CERTIFICATE, TEST_KEY } from '../download/testCertificate';

export interface SeenRequest {
  url: string;
  headers: IncomingMessage['headers'];
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` (or https). */
  origin: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A loopback server (https with the test certificate when asked) that records what it was sent. */
export async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: { tls?: boolean } = {},
): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: TEST_CERTIFICATE, key: TEST_KEY }, listener)
    : createHttpServer(listener);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { TEST_CERTIFICATE };
