/**
 * Running the gateway as a process: listen, log, and shut down cleanly (stop accepting,
 * let running streams finish for a while, write pending bookkeeping).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProcessRegistry } from '../../exporters/prometheus/registry.js';
import type { AiproConfig } from '../config/schema.js';
import type { Env } from '../store/paths.js';
import { createGateway, type Gateway } from './app.js';
import type { GatewayLogger } from './runtime.js';
import { alertHost } from '../alerts/host.js';
import { openGatewayStore, type GatewayBackend } from './store.js';

/** Where and how to listen. */
export interface StartOptions {
  config: AiproConfig;
  env: Env;
  host: string;
  port: number;
  token: string | null;
  log: GatewayLogger;
  /** The auth stores (default: opened from config; closed on stop either way). */
  store?: GatewayBackend;
}

/** A listening gateway. */
export interface RunningGateway {
  gateway: Gateway;
  server: Server;
  url: string;
  /** Stop: no new connections, streams get `graceMs` to finish, bookkeeping is written. */
  stop(graceMs?: number): Promise<void>;
}

/** Listening, or why not (EADDRINUSE, EADDRNOTAVAIL, …) as data. */
export type StartResult = { ok: true; running: RunningGateway } | { ok: false; code: string; detail: string };

/**
 * Build the gateway on its own process registry (no monitor families) and listen. Throws when
 * the configured store backend cannot be opened (a message naming the setting).
 */
export async function startGateway(opts: StartOptions): Promise<StartResult> {
  const { registry } = createProcessRegistry({ buildInfo: { host: alertHost(opts.config) } });
  const store = opts.store ?? (await openGatewayStore(opts.config, opts.env));
  const gateway = createGateway({
    config: opts.config,
    env: opts.env,
    token: opts.token,
    log: opts.log,
    registry,
    store,
  });
  const server = createServer(gateway.handler);
  server.listen(opts.port, opts.host);
  const started = await new Promise<{ ok: true } | { ok: false; code: string; detail: string }>((resolve) => {
    server.once('listening', () => resolve({ ok: true }));
    server.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, code: err.code ?? 'error', detail: err.message }),
    );
  });
  if (!started.ok) {
    await store.close();
    return started;
  }
  // Streams can be long; let the OS detect dead peers instead of a fixed request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    ok: true,
    running: {
      gateway,
      server,
      url: `http://${host}:${addr.port}`,
      async stop(graceMs = 10_000) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        await closed;
        clearTimeout(timer);
        await gateway.close();
        await store.close();
      },
    },
  };
}
