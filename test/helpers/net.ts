/** Ports and listeners for tests: every test server listens on 127.0.0.1, port 0. */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port that was free a moment ago (bound then released): for programs that cannot listen
 * on port 0 and report it. Not for a port that must stay closed: the next port-0 listener of any
 * test running beside may get it (refusedPort).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

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
 * A port that refuses connections and stays closed while the suite runs: outside the kernel's
 * ephemeral range, so no test's port-0 listener can be given it (a released port-0 port can,
 * and a request meant to be refused then reached another test's server), and checked free by
 * binding it. Random, so tests running beside each other rarely share one; a test may listen on
 * it later (a server that is down, then up).
 */
export async function refusedPort(): Promise<number> {
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
