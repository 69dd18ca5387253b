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
