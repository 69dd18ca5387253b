/**
 * The gateway's auth stores: this host's files, or the fleet's PostgreSQL behind a cache that
 * LISTEN/NOTIFY keeps current (a request never waits on the database while its copy is fresh,
 * and a cooldown written by another host reaches this one within a second). While PostgreSQL
 * is unreachable the gateway is degraded, not down: it serves the credentials it read last
 * for at most `store.postgres.staleAfter`, writes nothing, reports `aipro_auth_store_ok 0` and
 * `/readyz` 503, and reconnects with back-off by itself.
 */
import { Gauge, type Registry } from 'prom-client';
import { METRICS } from '../../exporters/prometheus/metrics.js';
import type { AiproConfig } from '../config/schema.js';
import type { CacheOptions, FleetHealth } from '../store/backends/postgres/cache.js';
import type { StoreBackend } from '../store/backends/types.js';
import type { Env } from '../store/paths.js';
import { formatDuration, parseDuration } from '../util/duration.js';

/** A backend, plus its health when it is the fleet's (files have none: their reads say it all). */
export type GatewayBackend = StoreBackend & { health?(): FleetHealth };

/**
 * Open the configured backend for a gateway. Throws a message naming the setting when it cannot
 * start. `tuning` (clock, reconnect back-off) is for tests.
 */
export async function openGatewayStore(
  config: AiproConfig,
  env: Env,
  tuning: Pick<CacheOptions, 'now' | 'backoff'> = {},
): Promise<GatewayBackend> {
  const { openStoreBackend } = await import('../store/backends/index.js');
  if (config.store.backend !== 'postgres') return openStoreBackend(config, env);
  const { openPostgresBackend } = await import('../store/backends/postgres.js');
  const { cachedBackend } = await import('../store/backends/postgres/cache.js');
  const { postgresUrl } = await import('../store/backends/postgres/connect.js');
  const staleAfterMs = parseDuration(config.store.postgres.staleAfter);
  if (staleAfterMs === null)
    throw new Error(
      `store.postgres.staleAfter "${config.store.postgres.staleAfter}" is not a duration; ` +
        'fix it with `aipro config set store.postgres.staleAfter 15m`',
    );
  const inner = await openPostgresBackend(config, env);
  return cachedBackend(inner, { ...tuning, url: postgresUrl(config, env), staleAfterMs });
}

/** Why the gateway is not ready, or null. Only the fleet store can make it so (a file store is always there). */
export function notReadyReason(backend: GatewayBackend, config: AiproConfig, now: number): string | null {
  const h = backend.health?.();
  if (!h || h.ok) return null;
  const last =
    h.lastOkAt === null
      ? 'no credentials were read yet'
      : `serving credentials last read ${formatDuration(now - h.lastOkAt)} ago`;
  return (
    `fleet auth store degraded: ${h.reason ?? 'PostgreSQL is unreachable'}; ${last} ` +
    `(for at most store.postgres.staleAfter = ${config.store.postgres.staleAfter}), writing nothing, reconnecting`
  );
}

/**
 * `aipro_auth_store_ok{agent}` for the agents this gateway has served, looked at on each scrape
 * (from memory while the cache is fresh): 1 when the store reads and (fleet store) PostgreSQL
 * answers, 0 while the gateway serves a cached copy or cannot read the store at all.
 */
export function registerStoreGauge(
  registry: Registry,
  backend: GatewayBackend,
  agents: () => Iterable<{ id: string; read(): Promise<{ ok: boolean }> }>,
): void {
  new Gauge({
    name: METRICS.storeOk.name,
    help: METRICS.storeOk.help,
    labelNames: ['agent'] as const,
    registers: [registry],
    async collect() {
      const seen = [...agents()];
      const reads = await Promise.all(seen.map((a) => a.read().then((r) => r.ok)));
      const healthy = backend.health?.().ok ?? true;
      this.reset();
      for (const [i, a] of seen.entries()) this.set({ agent: a.id }, healthy && reads[i] ? 1 : 0);
    },
  });
}

/**
 * Log when the fleet store becomes unreachable and when it is back (checked every `everyMs`, off
 * the request path), so the journal tells when a gateway served from its cache. A file store has
 * no health to watch. Returns the stop function.
 */
export function watchStoreHealth(
  backend: GatewayBackend,
  log: {
    warn(event: string, fields?: Record<string, unknown>): void;
    info(event: string, fields?: Record<string, unknown>): void;
  },
  everyMs = 1_000,
): () => void {
  if (!backend.health) return () => undefined;
  let wasOk: boolean | null = null;
  const check = () => {
    const h = backend.health?.();
    if (!h || h.ok === wasOk) return;
    // Before the first connection "not ok" is only "not connected yet": no warning for a start.
    if (wasOk === null && !h.ok && h.lastOkAt === null && h.reason === 'not connected yet') return;
    if (!h.ok) log.warn('gateway.store_degraded', { reason: h.reason ?? 'unknown' });
    else if (wasOk === false) log.info('gateway.store_recovered', {});
    wasOk = h.ok;
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
