/**
 * Deadlines on one upstream request, so a provider that accepts a connection and never
 * answers cannot hold a client for as long as the provider likes. Three phases, each
 * `gateway.timeouts.*` (0 turns one off): reaching the host (`connectMs`), the response
 * headers after the request was sent (`headersMs`), and silence inside the body (`idleMs`).
 * Checked by one periodic sweep, not a timer and listeners per request (see Sweep).
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

/** Stops watching a deadline (its request answered, its body ended). */
export interface Armed {
  clear(): void;
}

const NONE: Armed = { clear() {} };

/** A deadline the sweep looks at; `check` returns true once it is settled (then it is dropped). */
interface Deadline {
  check(now: number): boolean;
}

/** Sweep period bounds: a deadline of `ms` is checked every ms/10, at least every second. */
const MIN_TICK_MS = 5;
const MAX_TICK_MS = 1_000;

/**
 * One periodic sweep over every in-flight deadline instead of a timer (and the listeners that
 * clear it) per request and phase: a deadline passes between `ms` and `ms` plus two sweep
 * periods (one tenth of the shortest deadline armed, at most a second). Callers clear
 * deadlines when their request is answered; a deadline nobody cleared is dropped by the sweep
 * once its request was answered or destroyed.
 */
class Sweep {
  private readonly live = new Set<Deadline>();
  private timer: NodeJS.Timeout | null = null;
  private tick = Number.POSITIVE_INFINITY;

  add(d: Deadline, ms: number): Armed {
    this.live.add(d);
    const tick = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.ceil(ms / 10)));
    if (!this.timer || tick < this.tick) {
      if (this.timer) clearInterval(this.timer);
      this.tick = tick;
      this.timer = setInterval(() => this.run(), tick);
    }
    return { clear: () => this.live.delete(d) };
  }

  private run(): void {
    const now = performance.now();
    for (const d of this.live) if (d.check(now)) this.live.delete(d);
    if (this.live.size === 0 && this.timer) {
      // Nothing in flight: no timer keeps the process awake.
      clearInterval(this.timer);
      this.timer = null;
      this.tick = Number.POSITIVE_INFINITY;
    }
  }
}

const sweep = new Sweep();

/**
 * Arm the connect and response-header deadlines of `req`; they no longer apply once headers
 * arrive (clear the result then, or the sweep notices `req.res`). The connect deadline counts
 * from when the sweep first sees a new socket connecting (a reused keep-alive socket has none).
 */
export function armRequest(req: ClientRequest, t: UpstreamTimeouts): Armed {
  if (t.connectMs <= 0 && t.headersMs <= 0) return NONE;
  const started = performance.now();
  let connecting = -1;
  const d: Deadline = {
    check(now) {
      // node sets `req.res` when the response headers arrive (undeclared in its types).
      if (req.destroyed || (req as ClientRequest & { res?: IncomingMessage | null }).res) return true;
      const sock = req.socket as Socket | null;
      if (t.connectMs > 0 && sock?.connecting) {
        if (connecting < 0) connecting = now;
        else if (now - connecting >= t.connectMs) {
          req.destroy(new UpstreamTimeoutError('connect', t.connectMs));
          return true;
        }
      }
      if (t.headersMs > 0 && now - started >= t.headersMs) {
        req.destroy(new UpstreamTimeoutError('headers', t.headersMs));
        return true;
      }
      return false;
    },
  };
  const shortest = Math.min(
    t.connectMs > 0 ? t.connectMs : Number.POSITIVE_INFINITY,
    t.headersMs > 0 ? t.headersMs : Number.POSITIVE_INFINITY,
  );
  return sweep.add(d, shortest);
}

/**
 * Cut `res` when its socket stays silent for `idleMs` (no bytes read while the body is not
 * complete). Reads the socket's byte count at each sweep: no listener on `res` (a `data`
 * listener would start it flowing before its reader is attached) and none on the socket.
 * Clear the result when the body has ended; the sweep also drops it once `res` is complete.
 */
export function armIdle(res: IncomingMessage, idleMs: number): Armed {
  const sock = res.socket;
  if (idleMs <= 0 || !sock) return NONE;
  let bytes = sock.bytesRead;
  let last = performance.now();
  const d: Deadline = {
    check(now) {
      if (res.complete || res.destroyed) return true;
      const b = sock.bytesRead;
      if (b !== bytes) {
        bytes = b;
        last = now;
        return false;
      }
      if (now - last < idleMs) return false;
      res.destroy(new UpstreamTimeoutError('idle', idleMs));
      return true;
    },
  };
  return sweep.add(d, idleMs);
}
