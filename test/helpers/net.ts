/** Ports and listeners for tests: every test server listens on 127.0.0.1, port 0. */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

/** Where the kernel picks ports for port-0 listeners (Linux; the usual range elsewhere). */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux
  }
  return [49152, 65535];
}

/**
 * A free TCP port that stays free while the suite runs unless this test listens on it: for a
 * program that cannot listen on port 0 and report it (Prometheus, Alertmanager, an SMTP server
 * that is down, then up), or as a port nothing listens on (connection refused). It lies outside
 * the kernel's ephemeral range, so no port-0 listener of a test running beside can be given it:
 * a port-0 port, bound and released, can be, and then Prometheus could not bind it, or a
 * request meant to be refused reached another test's server. Random in that range and checked
 * free by binding it, so two tests rarely draw the same one.
 */
export async function freePort(): Promise<number> {
  const [low, high] = ephemeralRange();
  const [from, to] = low - 1024 >= 4096 ? [1024, low - 1] : [high + 1, 65535];
  for (let tries = 0; ; tries++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
    if (tries >= 50) throw new Error(`no free port in ${from}–${to} after 50 tries`);
  }
}

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
