/**
 * Webhooks against a real express receiver: every format field by field, the HMAC signature
 * (documented algorithm; a wrong secret does not verify), 500-then-200 idempotency, 4xx
 * permanent, and the secret canaries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runAlerts } from '../../src/alerts/run.js';
import { readAlertState } from '../../src/alerts/state.js';
import { tempHome } from '../helpers/tmp.js';
import { startWebhookReceiver, type ReceivedRequest } from '../helpers/webhook-receiver.js';
import { D, H, T0, tokenObs } from './obs.js';
import { captureLog } from '../helpers/log.js';
import { defaultConfig } from '../helpers/config.js';

const HOOK_SECRET = 'whsec-CANARY-0b9e2f4d1c';
const URL_TOKEN = 'T0KEN-CANARY-in-url-55aa';

/** The documented verification recipe (docs/alerts.md "Verifying the signature"). */
function verify(req: ReceivedRequest, secret: string): boolean {
  const ts = String(req.headers['x-aipro-timestamp']);
  const got = String(req.headers['x-aipro-signature']);
  const want = `sha256=${createHmac('sha256', secret).update(`${ts}.${req.raw}`).digest('hex')}`;
  return got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want));
}

async function setup(
  t: import('ava').ExecutionContext,
  channels: Record<string, Record<string, unknown>>,
  script: number[] = [],
) {
  const rx = await startWebhookReceiver(script);
  const home = tempHome();
  t.teardown(async () => {
    await rx.close();
    home.cleanup();
  });
  const statePath = join(home.stateDir, 'monitor', 'state.json');
  const resolved = Object.fromEntries(
    Object.entries(channels).map(([k, v]) => [k, { ...v, url: String(v.url).replace('RX', rx.url) }]),
  );
  const config = defaultConfig({
    monitor: { statePath, listen: '127.0.0.1:18790' },
    alerts: { hostname: 'gw1', channels: resolved as never },
  });
  return { rx, home, statePath, config };
}

test('every webhook format, field by field', async (t) => {
  const { rx, home, config } = await setup(t, {
    a: { type: 'webhook', url: 'RX/aipro', format: 'aipro', secret: { source: 'env', id: 'HOOK_SECRET' } },
    am: { type: 'webhook', url: 'RX/am', format: 'alertmanager' },
    s: { type: 'webhook', url: 'RX/slack', format: 'slack' },
    d: { type: 'webhook', url: 'RX/discord', format: 'discord' },
    n: { type: 'webhook', url: 'RX/ntfy', format: 'ntfy' },
  });
  const now = T0;
  const exp = now + 3 * D - 60_000;
  const r = await runAlerts({
    config,
    env: { ...home.env, HOOK_SECRET },
    observations: [tokenObs(exp, now)],
    now,
    log: captureLog(),
    cycleIntervalMs: 60_000,
  });
  t.deepEqual(r, { sent: 5, pending: 0 });
  const by = (p: string) => rx.requests.find((q) => q.path === p) as ReceivedRequest;
  const key = String(by('/aipro').headers['idempotency-key']);
  t.regex(key, /^[0-9a-f]{16}:expiring:3d$/);
  for (const p of ['/aipro', '/am', '/slack', '/discord', '/ntfy']) {
    t.is(by(p).headers['idempotency-key'], key, `${p} carries the idempotency key`);
    t.is(by(p).headers['x-aipro-event'], 'expiring');
  }

  const a = by('/aipro');
  t.is(a.headers['content-type'], 'application/json');
  t.true(verify(a, HOOK_SECRET), 'signature verifies with the documented algorithm');
  t.false(verify(a, 'wrong-secret'), 'a wrong secret does not verify');
  t.is(a.headers['x-aipro-timestamp'], String(Math.floor(now / 1000)));
  t.deepEqual(a.json, {
    schema: 'aipro.alert.v1',
    id: key,
    episode: key.split(':')[0],
    kind: 'expiring',
    condition: 'expiring',
    threshold: '3d',
    status: 'firing',
    severity: 'warning',
    test: false,
    host: 'gw1',
    agent: 'main',
    provider: 'anthropic',
    profile: 'anthropic:work',
    credentialType: 'token',
    credentialStatus: 'ok',
    expiresAt: '2026-01-13T11:59:00Z',
    expiresInSeconds: 3 * 86400 - 60,
    alertname: 'AiproCredentialExpiringSoon',
    summary: '[aipro] anthropic:work expires in 3 days on gw1',
    description:
      'The token credential anthropic:work of agent main on gw1 expires in 3 days. Fix: `claude setup-token && ' +
      'aipro models auth setup-token --provider anthropic`',
    runbookUrl: 'https://github.com/aipro/aipro/blob/main/docs/runbooks.md#aiprocredentialexpiringsoon',
    detail: 'expires soon',
    fix: 'claude setup-token && aipro models auth setup-token --provider anthropic',
    probe: null,
    startedAt: '2026-01-10T12:00:00Z',
    createdAt: '2026-01-10T12:00:00Z',
    sentAt: '2026-01-10T12:00:00Z',
  });
  t.is(by('/am').headers['x-aipro-signature'], undefined, 'unsigned without a secret');

  const am = by('/am').json as Record<string, any>;
  t.is(am.version, '4');
  t.is(am.status, 'firing');
  t.is(am.receiver, 'am');
  t.is(am.truncatedAlerts, 0);
  t.is(am.externalURL, 'http://127.0.0.1:18790/');
  t.deepEqual(am.groupLabels, { alertname: 'AiproCredentialExpiringSoon', profile: 'anthropic:work' });
  t.is(am.groupKey, '{}:{alertname="AiproCredentialExpiringSoon", profile="anthropic:work"}');
  // The labels of the rule alert for the same credential (catalogue name, host), plus origin="push".
  const labels = {
    alertname: 'AiproCredentialExpiringSoon',
    severity: 'warning',
    origin: 'push',
    host: 'gw1',
    agent: 'main',
    provider: 'anthropic',
    profile: 'anthropic:work',
  };
  t.deepEqual(am.commonLabels, labels);
  t.is(am.alerts.length, 1);
  const alert = am.alerts[0];
  t.is(alert.status, 'firing');
  t.deepEqual(alert.labels, labels);
  t.is(alert.annotations.summary, 'aipro credential anthropic:work (agent main) expires in 3 days');
  t.is(
    alert.annotations.description,
    'The token credential anthropic:work of agent main on gw1 expires in 3 days. Fix: `claude setup-token && aipro ' +
      'models auth setup-token --provider anthropic`',
  );
  t.is(
    alert.annotations.runbook_url,
    'https://github.com/aipro/aipro/blob/main/docs/runbooks.md#aiprocredentialexpiringsoon',
  );
  t.is(alert.annotations.detail, 'expires soon');
  t.is(alert.annotations.fix, 'claude setup-token && aipro models auth setup-token --provider anthropic');
  t.is(alert.annotations.expires_at, '2026-01-13T11:59:00Z');
  t.is(alert.startsAt, '2026-01-10T12:00:00Z');
  t.is(alert.endsAt, '0001-01-01T00:00:00Z');
  t.is(alert.generatorURL, 'http://127.0.0.1:18790/');
  t.regex(alert.fingerprint, /^[0-9a-f]{16}$/);
  t.deepEqual(am.commonAnnotations, alert.annotations);

  const s = by('/slack').json as Record<string, any>;
  t.is(s.text, '[aipro] anthropic:work expires in 3 days on gw1');
  t.is(s.attachments[0].color, '#ef6c00');
  const sf = Object.fromEntries(
    s.attachments[0].fields.map((f: { title: string; value: string }) => [f.title, f.value]),
  );
  t.is(sf.Profile, 'anthropic:work');
  t.is(sf.Agent, 'main');
  t.is(sf.Host, 'gw1');
  t.is(sf.Expires, '2026-01-13T11:59:00Z (in 2d 23h)');
  t.is(sf.Fix, '`claude setup-token && aipro models auth setup-token --provider anthropic`');
  t.is(s.attachments[0].footer, `aipro · ${key}`);

  const d = by('/discord').json as Record<string, any>;
  t.is(d.content, '[aipro] anthropic:work expires in 3 days on gw1');
  t.is(d.embeds[0].title, 'anthropic:work expires in 3 days');
  t.is(d.embeds[0].color, 0xef6c00);
  t.is(d.embeds[0].timestamp, '2026-01-10T12:00:00.000Z');
  const df = Object.fromEntries(d.embeds[0].fields.map((f: { name: string; value: string }) => [f.name, f.value]));
  t.is(df.Profile, 'anthropic:work');
  t.is(df.Reminder, '3d before expiry');
  t.is(d.embeds[0].footer.text, `aipro · ${key}`);

  const n = by('/ntfy');
  t.is(n.headers['content-type'], 'text/plain; charset=utf-8');
  t.is(n.headers.title, '[aipro] anthropic:work expires in 3 days on gw1');
  t.is(n.headers.priority, '4');
  t.is(n.headers.tags, 'warning,aipro');
  t.true(n.raw.startsWith('anthropic:work expires in 3 days\n'));
  t.true(n.raw.includes('aipro models auth setup-token --provider anthropic'));
});

test('webhook answering 500 then 200: exactly one accepted delivery carrying the same idempotency key', async (t) => {
  const { rx, home, config, statePath } = await setup(t, { hook: { type: 'webhook', url: 'RX/h' } }, [500]);
  const metrics: string[] = [];
  const sink = {
    notification: (c: string, r: string) => void metrics.push(`${c}:${r}`),
    outboxPending: () => undefined,
  };
  const exp = T0 + 2 * D;
  const cycle = (now: number) =>
    runAlerts({
      config,
      env: home.env,
      observations: [tokenObs(exp, now)],
      now,
      log: captureLog(),
      metrics: sink,
      cycleIntervalMs: 60_000,
    });
  t.deepEqual(await cycle(T0), { sent: 0, pending: 1 });
  const st = readAlertState(statePath);
  t.true(
    st.ok &&
      st.state.outbox[0]?.attempts === 1 &&
      st.state.outbox[0]?.lastError === `webhook ${rx.url}/… answered HTTP 500`,
  );
  t.deepEqual(await cycle(T0 + 10_000), { sent: 0, pending: 1 }, 'backoff: not retried before its time');
  t.deepEqual(await cycle(T0 + 60_000), { sent: 1, pending: 0 });
  t.deepEqual(await cycle(T0 + 120_000), { sent: 0, pending: 0 });
  t.deepEqual(
    rx.requests.map((r) => r.status),
    [500, 200],
  );
  t.is(rx.accepted().length, 1);
  t.is(rx.requests[0]?.headers['idempotency-key'], rx.requests[1]?.headers['idempotency-key']);
  t.is(rx.requests[0]?.raw.length, rx.requests[1]?.raw.length);
  t.deepEqual(metrics, ['hook:retry', 'hook:delivered']);
});

test('429 retries, other 4xx are permanent (dropped from the outbox, counted, logged with a hint)', async (t) => {
  const { rx, home, config } = await setup(t, { hook: { type: 'webhook', url: 'RX/h' } }, [429, 404]);
  const metrics: string[] = [];
  const log = captureLog();
  const sink = {
    notification: (c: string, r: string) => void metrics.push(`${c}:${r}`),
    outboxPending: () => undefined,
  };
  const cycle = (now: number) =>
    runAlerts({
      config,
      env: home.env,
      observations: [tokenObs(T0 + 2 * D, now)],
      now,
      log,
      metrics: sink,
      cycleIntervalMs: 60_000,
    });
  t.deepEqual(await cycle(T0), { sent: 0, pending: 1 });
  t.deepEqual(await cycle(T0 + H), { sent: 0, pending: 0 });
  t.deepEqual(metrics, ['hook:retry', 'hook:permanent']);
  t.is(rx.requests.length, 2);
  t.true(log.lines.some((l) => l.includes('"alert_failed"') && l.includes('aipro alerts test --channel hook')));
});

test('canary: no webhook secret or URL-embedded token in payloads, logs, state or errors', async (t) => {
  const { rx, home, config, statePath } = await setup(
    t,
    { hook: { type: 'webhook', url: `RX/hook/${URL_TOKEN}?token=${URL_TOKEN}`, secret: HOOK_SECRET, format: 'slack' } },
    [503],
  );
  const log = captureLog();
  const cycle = (now: number) =>
    runAlerts({ config, env: home.env, observations: [tokenObs(T0 + 2 * D, now)], now, log, cycleIntervalMs: 60_000 });
  await cycle(T0);
  await cycle(T0 + H);
  t.is(rx.accepted().length, 1);
  const outputs = [
    ...rx.requests.flatMap((r) => [r.raw, JSON.stringify(r.headers)]),
    ...log.lines,
    readFileSync(statePath, 'utf8'),
  ];
  for (const o of outputs) {
    t.false(o.includes(HOOK_SECRET), 'webhook secret');
  }
  for (const o of [...log.lines, readFileSync(statePath, 'utf8')]) t.false(o.includes(URL_TOKEN), 'URL token');
});
