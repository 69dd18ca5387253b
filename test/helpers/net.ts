/** Ports and listeners for tests: every test server listens on 127.0.0.1, port 0. */
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A port for a program that cannot take port 0, or one nothing listens on: see the module. */
export { freePort } from '../../scripts/free-port.mjs';

export interface Served {
  server: Server;
  port: number;
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Drops every open connection (held streams, keep-alive) and stops listening. */
  close(): Promise<void>;
}

/** An HTTP server for `handler` (an express app or a plain listener) on 127.0.0.1, port 0. */
export async function serve(handler?: RequestListener): Promise<Served> {
  const server = createHttpServer(handler);
  // fetch keeps connections alive; with Node's 5 s default a busy machine lets the server close an
  // idle one just as the next request goes out on it ("fetch failed"). close() drops them anyway.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
