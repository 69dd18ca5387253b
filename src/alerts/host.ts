/**
 * The host name of every alert, pushed or rule: `alerts.hostname`, else the system's. The
 * monitor exports it as `aipro_build_info{host}` so the Prometheus rules join the same name.
 */
import { hostname } from 'node:os';
import type { AiproConfig } from '../config/schema.js';

/** The host name alerts show. */
export function alertHost(config: Pick<AiproConfig, 'alerts'>): string {
  return config.alerts.hostname || hostname();
}

/**
 * The name alerts carry: on the fleet store the fleet's (`store.postgres.fleet`, else
 * `fleet-<schema>`), since one leader alerts for every host; else the host's.
 */
export function alertName(config: Pick<AiproConfig, 'alerts' | 'store'>): string {
  if (config.store.backend !== 'postgres') return alertHost(config);
  return config.store.postgres.fleet || `fleet-${config.store.postgres.schema}`;
}
