/**
 * `alertmanager` channel: push alerts to Alertmanager's `POST /api/v2/alerts`.
 * Alertmanager resolves an alert by itself at its `endsAt`. A short `endsAt` would turn a dead
 * monitor into an all-clear for every broken credential, so firing alerts carry an `endsAt`
 * far beyond any schedule (re-sent each cycle to keep it there) and end only by an explicit
 * resolved push (`endsAt` = now) when the episode really ends. A dead monitor is told by the
 * `AiproMonitorAbsent` rule, never by alerts going away.
 */
import { alertmanagerSettings } from '../../config/channels.js';
import { VERSION } from '../../version.js';
import { amAlertsFor, type AmAlert } from '../payloads.js';
import { criticalMsOf } from '../rules.js';
import type { Channel, DeliveryResult, Notification, SendContext } from '../types.js';
import { post, resolveOrRetry, safeUrl } from './http.js';
import type { BuildContext } from '../types.js';

/**
 * How long a pushed firing alert stays firing in Alertmanager without a re-send: 7 days. That
 * is far beyond every shipped schedule (expiry 1 min, validity and the `--once` timer 30 min)
 * and a long weekend of a dead monitor; it only bounds an alert whose episode aipro itself
 * forgot (a deleted state file).
 */
export const AM_FIRING_TTL_MS = 7 * 86_400_000;

/** A slower configured cycle stretches it: an alert outlives this many missed cycles. */
export const AM_MIN_CYCLES = 10;

/** The `endsAt` of a firing alert pushed at `now`. Pure. */
export function firingEndsAt(now: number, cycleIntervalMs: number): number {
  return now + Math.max(AM_FIRING_TTL_MS, AM_MIN_CYCLES * Math.max(cycleIntervalMs, 0));
}

export function buildAlertmanager(name: string, raw: Record<string, unknown>, ctx: BuildContext): Channel {
  const prefix = `alerts.channels.${name}`;
  const {
    url,
    timeoutMs,
    headers: extra,
    generatorURL,
  } = alertmanagerSettings(name, raw, { host: ctx.host, listen: ctx.config.monitor.listen });
  // The same `profile` label as the metrics, so the rule alerts and the inhibit rule pair them.
  const profileLabel = ctx.config.monitor.labels?.profile ?? 'id';
  const criticalMs = criticalMsOf(ctx.config);

  async function push(alerts: AmAlert[], key: string | undefined, sctx: SendContext): Promise<DeliveryResult> {
    const u = resolveOrRetry(url, `${prefix}.url`, ctx.env);
    if (!u.ok) return u.result;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': `aipro/${VERSION}` };
    if (key) headers['idempotency-key'] = key;
    for (const [k, v] of Object.entries(extra)) {
      const r = resolveOrRetry(v, `${prefix}.headers.${k}`, ctx.env);
      if (!r.ok) return r.result;
      headers[k.toLowerCase()] = r.value;
    }
    const endpoint = `${u.value.replace(/\/+$/, '')}/api/v2/alerts`;
    return post(endpoint, JSON.stringify(alerts), headers, sctx.signal, `alertmanager ${safeUrl(u.value)}`);
  }

  const firingEnd = (sctx: SendContext) => firingEndsAt(sctx.now, sctx.cycleIntervalMs);

  function alertsFor(n: Notification, sctx: SendContext): AmAlert[] {
    if (n.kind === 'test')
      return amAlertsFor(n, { now: sctx.now, endsAt: sctx.now + 5 * 60_000, generatorURL, profileLabel, criticalMs });
    return amAlertsFor(n, {
      now: sctx.now,
      endsAt: n.kind === 'resolved' ? sctx.now : firingEnd(sctx),
      generatorURL,
      profileLabel,
      criticalMs,
    });
  }

  return {
    name,
    type: 'alertmanager',
    timeoutMs,
    send: (n, sctx) => push(alertsFor(n, sctx), n.key, sctx),
    refresh: (firing, sctx) =>
      push(
        firing.flatMap((n) =>
          amAlertsFor(n, { now: sctx.now, endsAt: firingEnd(sctx), generatorURL, profileLabel, criticalMs }),
        ),
        undefined,
        sctx,
      ),
  };
}
