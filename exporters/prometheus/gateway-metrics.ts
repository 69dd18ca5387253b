/**
 * Gateway metrics: requests and their latency by provider, model and outcome, plus
 * failovers by reason. Labels are bounded: `model` is a configured model (`provider/model`)
 * or `other`, `outcome` and `reason` come from fixed vocabularies; never a secret.
 */
import { Counter, Histogram, Registry } from 'prom-client';

/** How a gateway request ended. */
export const GATEWAY_OUTCOMES = [
  'ok',
  'upstream_error',
  'exhausted',
  'command',
  'bad_request',
  'unauthorized',
  'client_closed',
  'upstream_truncated',
] as const;
/** One of GATEWAY_OUTCOMES. */
export type GatewayOutcome = (typeof GATEWAY_OUTCOMES)[number];

/** The gateway's metric handles. */
export interface GatewayMetrics {
  registry: Registry;
  /** One finished request. `provider`/`model` are `none` when no model was resolved. */
  request(provider: string, model: string, outcome: GatewayOutcome, seconds: number): void;
  /** One profile that failed and was passed over (`reason`: probe vocabulary). */
  failover(provider: string, reason: string): void;
  /** An upstream endpoint that gave no HTTP answer (`reason`: network | timeout); no credential is blamed. */
  endpointError(provider: string, reason: string): void;
}

/** Register the gateway metrics on `registry` (a new one when not given). */
export function createGatewayMetrics(
  registry: Registry = new Registry(),
  knownModels: readonly string[] = [],
): GatewayMetrics {
  const known = new Set(knownModels);
  const label = (model: string) => (known.has(model) || model === 'none' ? model : 'other');
  const requests = new Counter({
    name: 'aipro_gateway_requests_total',
    help: 'Requests handled by the gateway, by provider, model and outcome.',
    labelNames: ['provider', 'model', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'aipro_gateway_request_duration_seconds',
    help: 'Time from request to response end (streams included), by provider, model and outcome.',
    labelNames: ['provider', 'model', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const failovers = new Counter({
    name: 'aipro_gateway_failovers_total',
    help: 'Auth profiles passed over after a failure, by provider and reason.',
    labelNames: ['provider', 'reason'] as const,
    registers: [registry],
  });
  const endpointErrors = new Counter({
    name: 'aipro_gateway_upstream_endpoint_errors_total',
    help:
      'Upstream requests that got no HTTP answer (refused, DNS, TLS, connect timeout), by provider and reason; no ' +
      'credential is cooled down for these.',
    labelNames: ['provider', 'reason'] as const,
    registers: [registry],
  });
  // Label children cached per series: hashing label objects on every request is measurable.
  const children = new Map<string, { inc(): void; observe(v: number): void }>();
  return {
    registry,
    request(provider, model, outcome, seconds) {
      const key = `${provider}\u0000${model}\u0000${outcome}`;
      let child = children.get(key);
      if (!child) {
        const labels = { provider, model: label(model), outcome };
        const c = requests.labels(labels);
        const h = duration.labels(labels);
        child = { inc: () => c.inc(), observe: (v) => h.observe(v) };
        if (children.size < 10_000) children.set(key, child);
      }
      child.inc();
      child.observe(seconds);
    },
    failover(provider, reason) {
      failovers.inc({ provider, reason });
    },
    endpointError(provider, reason) {
      endpointErrors.inc({ provider, reason });
    },
  };
}
