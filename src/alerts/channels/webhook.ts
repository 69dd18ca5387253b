/**
 * `webhook` channel: POST one notification in a chosen format (aipro JSON v1, Alertmanager
 * webhook v4, Slack, Discord, ntfy). With `secret`, the body is signed:
 * `X-Aipro-Signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))` and
 * `X-Aipro-Timestamp: <unix seconds>`. Every request carries `Idempotency-Key`.
 */
import { createHmac } from 'node:crypto';
import { monitorBaseUrl, webhookSettings } from '../../config/channels.js';
import { VERSION } from '../../version.js';
import { aiproV1, alertmanagerWebhookV4, discord, ntfy, slack } from '../payloads.js';
import type { Channel, DeliveryResult, Notification, SendContext } from '../types.js';
import { post, resolveOrRetry, safeUrl } from './http.js';
import type { BuildContext } from '../types.js';

/** The signature header value for `body` sent at `timestamp` (unix seconds). */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function buildWebhook(name: string, raw: Record<string, unknown>, ctx: BuildContext): Channel {
  const prefix = `alerts.channels.${name}`;
  const { url, format, secret, timeoutMs, headers: extra } = webhookSettings(name, raw);

  async function send(n: Notification, sctx: SendContext): Promise<DeliveryResult> {
    const u = resolveOrRetry(url, `${prefix}.url`, ctx.env);
    if (!u.ok) return u.result;
    const headers: Record<string, string> = {
      'user-agent': `aipro/${VERSION}`,
      'idempotency-key': n.key,
      'x-aipro-event': n.kind,
    };
    for (const [k, v] of Object.entries(extra)) {
      const r = resolveOrRetry(v, `${prefix}.headers.${k}`, ctx.env);
      if (!r.ok) return r.result;
      headers[k.toLowerCase()] = r.value;
    }
    let body: string;
    if (format === 'ntfy') {
      const m = ntfy(n, sctx.now);
      body = m.body;
      for (const [k, v] of Object.entries(m.headers)) headers[k.toLowerCase()] = v.replace(/[^\x20-\x7e]/g, '?');
      headers['content-type'] = 'text/plain; charset=utf-8';
    } else {
      const payload =
        format === 'aipro'
          ? aiproV1(n, sctx.now)
          : format === 'alertmanager'
            ? alertmanagerWebhookV4(n, sctx.now, name, `${monitorBaseUrl(ctx.config.monitor.listen, ctx.host)}/`)
            : format === 'slack'
              ? slack(n, sctx.now)
              : discord(n, sctx.now);
      body = JSON.stringify(payload);
      headers['content-type'] = 'application/json';
    }
    if (secret !== undefined) {
      const s = resolveOrRetry(secret, `${prefix}.secret`, ctx.env);
      if (!s.ok) return s.result;
      const ts = String(Math.floor(sctx.now / 1000));
      headers['x-aipro-timestamp'] = ts;
      headers['x-aipro-signature'] = signBody(s.value, ts, body);
    }
    return post(u.value, body, headers, sctx.signal, `webhook ${safeUrl(u.value)}`);
  }

  return { name, type: 'webhook', timeoutMs, send };
}
