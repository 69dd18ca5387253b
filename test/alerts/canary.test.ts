/**
 * Canary, end to end: a store holding a planted token is judged by the real expiry monitor,
 * alerted through mail and every webhook format, then shown by `alerts status`. Neither the
 * token, the SMTP password, the webhook secret nor the URL token appears anywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { expiryObservations } from '../../monitors/expiry.js';
import { runAlerts } from '../../src/alerts/run.js';
import { runCli } from '../helpers/cli.js';
import { startSmtp } from '../helpers/smtp.js';
import { tempHome } from '../helpers/tmp.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { D } from './obs.js';
import { captureLog } from '../helpers/log.js';
import { defaultConfig } from '../helpers/config.js';

const TOKEN = `sk-ant-oat01-${'CANARYtoken'.repeat(8)}Zq9`;
const PASS = 'smtp-CANARY-e2e-4411';
const HOOK_SECRET = 'whsec-CANARY-e2e-8c2d';
const URL_TOKEN = 'URLTOKEN-CANARY-e2e-19';

test('no secret in any mail, payload, log, state or status output', async (t) => {
  const rx = await startWebhookReceiver([500]);
  const smtp = await startSmtp({ auth: { user: 'aipro', pass: PASS } });
  const home = tempHome();
  t.teardown(async () => {
    await rx.close();
    await smtp.close();
    home.cleanup();
  });
  const now = Date.now();
  const storePath = home.writeStore({
    version: 1,
    profiles: { 'anthropic:work': { type: 'token', provider: 'anthropic', token: TOKEN, expires: now + 2 * D } },
  });
  const channels: Record<string, Record<string, unknown>> = {
    mail: {
      type: 'email',
      to: ['ops@example.com'],
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        starttls: 'off',
        user: 'aipro',
        pass: { source: 'env', id: 'SMTP_PASS' },
      },
    },
  };
  for (const format of ['aipro', 'alertmanager', 'slack', 'discord', 'ntfy']) {
    channels[format] = {
      type: 'webhook',
      format,
      url: `${rx.url}/${format}/${URL_TOKEN}?key=${URL_TOKEN}`,
      secret: { source: 'env', id: 'HOOK_SECRET' },
    };
  }
  home.writeConfig({ alerts: { hostname: 'gw1', channels } });
  const env = { ...home.env, SMTP_PASS: PASS, HOOK_SECRET };
  const config = defaultConfig({
    alerts: { hostname: 'gw1', channels: channels as never },
    monitor: { statePath: join(home.stateDir, 'monitor', 'state.json') },
  });
  const observations = expiryObservations({ config, env, agents: [{ id: 'main', storePath, isDefault: true }] }, now);
  const cred = observations.find((o) => o.kind === 'credential' && o.profile === 'anthropic:work');
  t.truthy(cred, 'the expiry monitor saw the profile');

  const log = captureLog();
  const first = await runAlerts({ config, env, observations, now, log, cycleIntervalMs: 60_000 });
  t.is(first.sent, 5, log.lines.join('\n'));
  const second = await runAlerts({ config, env, observations, now: now + 3_600_000, log, cycleIntervalMs: 60_000 });
  t.is(second.sent, 1, 'the webhook that failed once is retried');

  const status = await runCli(['alerts', 'status', '--json'], { env, timeoutMs: 90_000 });
  const statusText = await runCli(['alerts', 'status'], { env, timeoutMs: 90_000 });
  const test_ = await runCli(['alerts', 'test'], { env, timeoutMs: 90_000 });
  t.is(test_.code, 0, test_.stdout + test_.stderr);
  const outputs = [
    ...smtp.mails.map((m) => m.raw),
    ...rx.requests.flatMap((r) => [r.raw, JSON.stringify(r.headers)]),
    ...log.lines,
    readFileSync(join(home.stateDir, 'monitor', 'state.json'), 'utf8'),
    status.stdout,
    status.stderr,
    statusText.stdout,
    test_.stdout,
    test_.stderr,
  ];
  t.true(smtp.mails.length >= 2 && rx.requests.length >= 6);
  for (const o of outputs) {
    for (const secret of [TOKEN, TOKEN.slice(13, 40), PASS, HOOK_SECRET, URL_TOKEN])
      t.false(o.includes(secret), `leak of ${secret.slice(0, 10)}… in ${o.slice(0, 80)}`);
  }
});
