/**
 * Deadlines on one upstream request, so a provider that accepts a connection and never
 * answers cannot hold a client for as long as the provider likes. Three phases, each
 * `gateway.timeouts.*` (0 turns one off): reaching the host (`connectMs`), the response
 * headers after the request was sent (`headersMs`), and silence inside the body (`idleMs`).
 * A timer per phase and `refresh()` per socket chunk: no per-chunk allocation.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** The three upstream deadlines in ms (0: none). */
export interface UpstreamTimeouts {
  connectMs: number;
  headersMs: number;
  idleMs: number;
}

/** The defaults of the `gateway.timeouts` config keys. */
export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = { connectMs: 10_000, headersMs: 60_000, idleMs: 120_000 };

/** Which deadline passed. */
export type TimeoutPhase = 'connect' | 'headers' | 'idle';

const KEY: Record<TimeoutPhase, string> = { connect: 'connectMs', headers: 'headersMs', idle: 'idleMs' };

/** The error an upstream request or response is destroyed with when a deadline passes. */
export class UpstreamTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly phase: TimeoutPhase,
    readonly ms: number,
  ) {
    super(
      `no ${phase === 'connect' ? 'connection' : phase === 'headers' ? 'response headers' : 'data'} within ${ms} ` +
        `ms (gateway.timeouts.${KEY[phase]})`,
    );
  }
}

/** Arm the connect and response-header deadlines of `req` (cleared once headers arrive). */
export function armRequest(req: ClientRequest, t: UpstreamTimeouts): void {
  let connect: NodeJS.Timeout | undefined;
  const headers =
    t.headersMs > 0
      ? setTimeout(() => req.destroy(new UpstreamTimeoutError('headers', t.headersMs)), t.headersMs)
      : undefined;
  const clear = () => {
    clearTimeout(connect);
    clearTimeout(headers);
  };
  req.once('socket', (sock: Socket) => {
    // A reused keep-alive socket is already connected: only a new one has a connect phase.
    if (!sock.connecting || t.connectMs <= 0) return;
    connect = setTimeout(() => req.destroy(new UpstreamTimeoutError('connect', t.connectMs)), t.connectMs);
    sock.once('connect', () => clearTimeout(connect));
  });
  req.once('response', clear);
  req.once('close', clear);
}

/**
 * Cut `res` when its socket stays silent for `idleMs`. Listens on the socket, not on `res`:
 * a `data` listener on `res` would start it flowing before its reader is attached.
 */
export function armIdle(res: IncomingMessage, idleMs: number): void {
  const sock = res.socket;
  if (idleMs <= 0 || !sock) return;
  const timer = setTimeout(() => res.destroy(new UpstreamTimeoutError('idle', idleMs)), idleMs);
  const onData = () => timer.refresh();
  sock.on('data', onData);
  const done = () => {
    clearTimeout(timer);
    sock.off('data', onData);
  };
  res.once('end', done);
  res.once('close', done);
}
