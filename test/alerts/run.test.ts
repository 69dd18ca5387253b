/**
 * runAlerts as the monitor calls it: a broken, slow or misconfigured channel never blocks
 * another channel, the metrics, or the monitor; failures are data, never exceptions.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runAlerts } from '../../src/alerts/run.js';
import { freePort } from '../helpers/net.js';
import { tempHome } from '../helpers/tmp.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { D, T0, tokenObs } from './obs.js';
import { captureLog } from '../helpers/log.js';
import { defaultConfig } from '../helpers/config.js';

test('a slow, a dead and a misconfigured channel never block the good one; metrics reflect each', async (t) => {
  const good = await startWebhookReceiver();
  const slow = await startWebhookReceiver();
  slow.delayMs = 5000;
  const dead = await freePort();
  const home = tempHome();
  t.teardown(async () => {
    await good.close();
    await slow.close();
    home.cleanup();
  });
  const config = defaultConfig({
    monitor: { statePath: join(home.stateDir, 'monitor', 'state.json') },
    alerts: {
      hostname: 'gw1',
      channels: {
        good: { type: 'webhook', url: `${good.url}/h` },
        slow: { type: 'webhook', url: `${slow.url}/h`, timeoutMs: 300 },
        dead: { type: 'webhook', url: `http://127.0.0.1:${dead}/h` },
        bad: { type: 'webhook', url: `${good.url}/bad`, format: 'teams' },
        mail: { type: 'email', to: ['ops@example.com'], smtp: { host: '127.0.0.1', port: dead, starttls: 'off' } },
      },
    },
  });
  const results: string[] = [];
  const pending: Record<string, number> = {};
  const metrics = {
    notification: (c: string, r: string) => void results.push(`${c}:${r}`),
    outboxPending: (c: string, n: number) => void (pending[c] = n),
  };
  const log = captureLog();
  const r = await runAlerts({
    config,
    env: home.env,
    observations: [tokenObs(T0 + 2 * D, T0)],
    now: T0,
    log,
    metrics,
    cycleIntervalMs: 60_000,
  });
  t.deepEqual(r, { sent: 1, pending: 4 });
  t.is(good.accepted().length, 1);
  t.deepEqual(results.sort(), ['dead:retry', 'good:delivered', 'mail:retry', 'slow:retry']);
  t.deepEqual(pending, { good: 0, slow: 1, dead: 1, bad: 1, mail: 1 });
  t.true(
    log.lines.some(
      (l) =>
        l.includes('"alert_channel_invalid"') &&
        l.includes('alerts.channels.bad.format: must be one of aipro, alertmanager, slack, discord, ntfy'),
    ),
  );
  t.true(log.lines.some((l) => l.includes('"alert_retry"') && l.includes('timed out after 300 ms')));
});

test(
  'never throws into the monitor: a damaged state file is logged with the path and a hint, and left as it ' + 'is',
  async (t) => {
    const home = tempHome();
    t.teardown(() => home.cleanup());
    const statePath = join(home.stateDir, 'monitor', 'state.json');
    mkdirSync(join(home.stateDir, 'monitor'), { recursive: true });
    writeFileSync(statePath, '{not json');
    const log = captureLog();
    const config = defaultConfig({ monitor: { statePath } });
    const r = await runAlerts({
      config,
      env: home.env,
      observations: [tokenObs(T0 + 2 * D, T0)],
      now: T0,
      log,
      cycleIntervalMs: 60_000,
    });
    t.deepEqual(r, { sent: 0, pending: 0 });
    const line = log.lines.find((l) => l.includes('"alert_state_damaged"')) ?? '';
    t.true(line.includes(statePath) && line.includes('does not parse') && line.includes('.fresh'), line);
    t.is(readFileSync(statePath, 'utf8'), '{not json');
  },
);

test('a metrics sink that throws does not break delivery', async (t) => {
  const rx = await startWebhookReceiver();
  const home = tempHome();
  t.teardown(async () => {
    await rx.close();
    home.cleanup();
  });
  const config = defaultConfig({
    monitor: { statePath: join(home.stateDir, 's.json') },
    alerts: { channels: { h: { type: 'webhook', url: rx.url } } },
  });
  const boom = () => {
    throw new Error('sink broken');
  };
  const r = await runAlerts({
    config,
    env: home.env,
    observations: [tokenObs(T0 + 2 * D, T0)],
    now: T0,
    log: captureLog(),
    metrics: { notification: boom, outboxPending: boom },
    cycleIntervalMs: 60_000,
  });
  t.deepEqual(r, { sent: 1, pending: 0 });
});

test('no channels: the engine still tracks episodes and says where to add one', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const log = captureLog();
  const config = defaultConfig({ monitor: { statePath: join(home.stateDir, 's.json') } });
  t.deepEqual(
    await runAlerts({
      config,
      env: home.env,
      observations: [tokenObs(T0 + 2 * D, T0)],
      now: T0,
      log,
      cycleIntervalMs: 60_000,
    }),
    { sent: 0, pending: 0 },
  );
  t.true(log.lines.some((l) => l.includes('"alert_no_channels"')));
});
