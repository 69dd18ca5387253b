// Ports for test servers that cannot listen on port 0 and report it. Shared by the test helpers
// (test/helpers/net.ts) and the run's PostgreSQL clusters (scripts/test-servers.mjs).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the kernel picks ports for port-0 listeners (Linux; the usual range elsewhere). */
function ephemeralRange() {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux
  }
  return [49152, 65535];
}

/**
 * A free TCP port that stays free while the suite runs unless its taker listens on it: for a
 * program that cannot listen on port 0 and report it (Prometheus, Alertmanager, PostgreSQL, an
 * SMTP server that is down, then up), or as a port nothing listens on (connection refused). It
 * lies outside the kernel's ephemeral range, so no port-0 listener of a test running beside can be
 * given it: a port-0 port, bound and released, can be, and then a server stopped and started
 * again could not bind it, or a request meant to be refused reached another test's server.
 * Random in that range and checked free by binding it, so two takers rarely draw the same one.
 */
export async function freePort() {
  const [low, high] = ephemeralRange();
  const [from, to] = low - 1024 >= 4096 ? [1024, low - 1] : [high + 1, 65535];
  for (let tries = 0; ; tries++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    const free = await new Promise((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
    if (tries >= 50) throw new Error(`no free port in ${from}–${to} after 50 tries`);
  }
}
