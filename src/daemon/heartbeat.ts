/**
 * The dead-man's switch: after every expiry cycle of the daemon and every `--once` run,
 * ping `monitor.heartbeat.url` (healthchecks.io, Uptime Kuma push, Cronitor…); after a run
 * that could not judge the credentials, POST the reason to `monitor.heartbeat.failUrl`.
 * The receiver alerts when the pings stop, i.e. when the monitor itself died or hangs.
 *
 * A ping is bounded: one deadline (`timeoutMs`) covers the request and its one retry, and
 * nothing here ever throws. The URLs carry tokens: logs show only scheme, host and "/…".
 */
import type { Observation } from '../../monitors/types.js';
import { HEARTBEAT_RESULTS, type HeartbeatResult } from '../../exporters/prometheus/metrics.js';
import type { AiproConfig, SecretValue } from '../config/schema.js';
import { STORE_READ_FAILURES } from '../../exporters/prometheus/registry.js';
import { resolveSecret } from '../store/secrets.js';
import { VERSION } from '../version.js';
import type { RunOutcome } from '../../monitors/runner.js';

export type HeartbeatConfig = AiproConfig['monitor']['heartbeat'];

/** A run as the switch sees it: did the monitor manage to judge every credential? */
export type RunVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Pure. A run fails when its verdict could not be formed: the expiry monitor failed or was
 * skipped, or an auth store could not be read. Expired or rejected credentials are a
 * verdict (alerts, metrics and the exit code carry them), not a dead monitor.
 * The reason is built from bounded words and agent ids only: never a path detail or secret.
 */
export function runVerdict(outcomes: readonly RunOutcome[]): RunVerdict {
  const expiry = outcomes.find((o) => o.monitor === 'expiry');
  if (!expiry) return { ok: false, reason: 'the expiry monitor did not run' };
  if (expiry.status === 'failed') return { ok: false, reason: `the expiry monitor failed (${expiry.reason})` };
  if (expiry.status === 'skipped')
    return { ok: false, reason: 'the expiry monitor was skipped (previous run still in progress)' };
  const observations: Observation[] = outcomes.flatMap((o) => (o.status === 'ok' ? o.observations : []));
  const bad = observations
    .filter((o) => o.kind === 'store' && !o.ok && STORE_READ_FAILURES.has(o.reason))
    .map((o) => (o.kind === 'store' ? `${o.agent} (${o.reason})` : ''));
  if (bad.length > 0)
    return { ok: false, reason: `auth store unreadable: ${[...new Set(bad)].join(', ')}; run aipro doctor` };
  return { ok: true };
}

export interface HeartbeatDeps {
  /** Env that `{source, id}` references resolve against. */
  env: Record<string, string>;
  log: {
    info(event: string, fields?: Record<string, unknown>): void;
    warn(event: string, fields?: Record<string, unknown>): void;
  };
  /** Counter of `aipro_heartbeat_total`. */
  counter?: { inc(labels: { result: string }, value?: number): void };
  fetch?: typeof fetch;
  /** Calls `fn` after `ms`; returns a cancel function. Injected so tests need no wall clock. */
  timer?: (ms: number, fn: () => void) => () => void;
}

const realTimer = (ms: number, fn: () => void) => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return () => clearTimeout(t);
};

/** `https://hc-ping.com/…`: enough to recognise the receiver, never its token. */
export function safePingUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' && !u.search ? '/' : '/…'}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Is a ping configured at all? */
export function heartbeatEnabled(cfg: HeartbeatConfig): boolean {
  return (cfg.url !== null && cfg.url !== '') || (cfg.failUrl !== null && cfg.failUrl !== '');
}

/** Start every result at 0 so `increase(aipro_heartbeat_total[…])` sees the first event. */
export function initHeartbeatCounter(cfg: HeartbeatConfig, counter: HeartbeatDeps['counter']): void {
  if (counter && heartbeatEnabled(cfg)) for (const result of HEARTBEAT_RESULTS) counter.inc({ result }, 0);
}

type Attempt = { ok: true } | { ok: false; retry: boolean; detail: string };

async function attempt(doFetch: typeof fetch, url: string, init: RequestInit): Promise<Attempt> {
  try {
    const res = await doFetch(url, init);
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return { ok: true };
    return { ok: false, retry: res.status >= 500 || res.status === 429, detail: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (init.signal?.aborted) return { ok: false, retry: false, detail: 'timed out' };
    return { ok: false, retry: true, detail: e.cause?.code ?? e.name ?? 'network error' };
  }
}

/**
 * Send the ping for one run: `url` after a good run, `failUrl` (POST, reason as text body)
 * after a failed one. Resolves within `timeoutMs` with the counted result, or null when
 * nothing was configured for this outcome. Never rejects.
 */
export async function sendHeartbeat(
  cfg: HeartbeatConfig,
  verdict: RunVerdict,
  deps: HeartbeatDeps,
): Promise<HeartbeatResult | null> {
  const target: SecretValue | null = verdict.ok ? cfg.url : cfg.failUrl;
  if (target === null || target === '') return null;
  const key = verdict.ok ? 'monitor.heartbeat.url' : 'monitor.heartbeat.failUrl';
  const counted = (result: HeartbeatResult, fields: Record<string, unknown>): HeartbeatResult => {
    deps.counter?.inc({ result });
    if (result === 'error') deps.log.warn('heartbeat.error', { key, ...fields });
    else deps.log.info('heartbeat.sent', { key, result, ...fields });
    return result;
  };
  const resolved = resolveSecret(target, deps.env);
  if (!resolved.ok) return counted('error', { detail: resolved.detail });
  const url = resolved.value;
  const controller = new AbortController();
  const cancel = (deps.timer ?? realTimer)(cfg.timeoutMs, () => controller.abort());
  const headers: Record<string, string> = { 'user-agent': `aipro/${VERSION}` };
  const init: RequestInit = {
    method: verdict.ok ? cfg.method : 'POST',
    headers,
    signal: controller.signal,
    redirect: 'follow',
  };
  if (!verdict.ok) {
    headers['content-type'] = 'text/plain; charset=utf-8';
    init.body = `aipro ${VERSION}: ${verdict.reason}\n`;
  }
  // The race makes the bound hold even for a fetch that ignores its abort signal.
  const timedOut = new Promise<Attempt>((resolve) =>
    controller.signal.addEventListener('abort', () => resolve({ ok: false, retry: false, detail: 'timed out' }), {
      once: true,
    }),
  );
  const tries = async (): Promise<Attempt> => {
    const first = await attempt(deps.fetch ?? fetch, url, init);
    return !first.ok && first.retry && !controller.signal.aborted ? attempt(deps.fetch ?? fetch, url, init) : first;
  };
  try {
    const r = await Promise.race([tries(), timedOut]);
    const where = safePingUrl(url);
    return r.ok
      ? counted(verdict.ok ? 'ok' : 'fail_sent', { url: where })
      : counted('error', { url: where, detail: r.detail, timeout_ms: cfg.timeoutMs });
  } finally {
    cancel();
  }
}

/**
 * The daemon's switch: one fire-and-forget ping per expiry outcome (the cycle never waits
 * for it), with the in-flight pings kept so a graceful stop can let them finish (each is
 * bounded by its timeout).
 */
export function heartbeatLane(
  config: () => HeartbeatConfig,
  deps: Omit<HeartbeatDeps, 'env'> & { env: () => Record<string, string> },
) {
  const inflight = new Set<Promise<unknown>>();
  initHeartbeatCounter(config(), deps.counter);
  return {
    after(outcome: RunOutcome): void {
      // A skipped tick means the previous cycle still runs: that cycle pings when it ends.
      if (outcome.monitor !== 'expiry' || outcome.status === 'skipped') return;
      const cfg = config();
      initHeartbeatCounter(cfg, deps.counter);
      const p: Promise<unknown> = sendHeartbeat(cfg, runVerdict([outcome]), { ...deps, env: deps.env() }).finally(() =>
        inflight.delete(p),
      );
      inflight.add(p);
    },
    /** Wait for the pings in flight, at most `maxMs` (a stop must not hang on a receiver). */
    idle: async (maxMs: number): Promise<void> => {
      let cancel: () => void = () => {};
      const bound = new Promise<void>((r) => (cancel = (deps.timer ?? realTimer)(maxMs, r)));
      await Promise.race([Promise.allSettled([...inflight]), bound]);
      cancel();
    },
  };
}

/** `--once`: ping for the whole run and wait for it (bounded), so the process may exit after. */
export async function heartbeatOnce(
  cfg: HeartbeatConfig,
  outcomes: readonly RunOutcome[],
  deps: HeartbeatDeps,
): Promise<HeartbeatResult | null> {
  initHeartbeatCounter(cfg, deps.counter);
  return sendHeartbeat(cfg, runVerdict(outcomes), deps);
}
