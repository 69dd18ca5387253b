/**
 * `aipro alerts test | status | silence` through the built CLI, against real receivers, with
 * canary secrets planted in env, config and URLs and searched for in every output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runAlerts } from '../../src/alerts/run.js';
import { runCli } from '../helpers/cli.js';
import { startSmtp } from '../helpers/smtp.js';
import { tempHome } from '../helpers/tmp.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { D, tokenObs } from './obs.js';
import { captureLog } from '../helpers/log.js';
import { defaultConfig } from '../helpers/config.js';

const PASS = 'smtp-CANARY-cli-pass-31d7';
const HOOK_SECRET = 'whsec-CANARY-cli-9f0e';
const URL_TOKEN = 'URLTOKEN-CANARY-cli-77';
const CANARIES = [PASS, HOOK_SECRET, URL_TOKEN];

async function world(t: import('ava').ExecutionContext, script: number[] = []) {
  const rx = await startWebhookReceiver(script);
  const smtp = await startSmtp({ auth: { user: 'aipro', pass: PASS } });
  const home = tempHome();
  t.teardown(async () => {
    await rx.close();
    await smtp.close();
    home.cleanup();
  });
  const channels = {
    hook: { type: 'webhook', url: `${rx.url}/hook/${URL_TOKEN}`, secret: { source: 'env', id: 'HOOK_SECRET' } },
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
  home.writeConfig({ alerts: { hostname: 'gw1', channels } });
  const env = { ...home.env, SMTP_PASS: PASS, HOOK_SECRET };
  return { rx, smtp, home, env, channels };
}

const noCanary = (t: import('ava').ExecutionContext, ...outputs: string[]) => {
  for (const o of outputs) for (const c of CANARIES) t.false(o.includes(c), `canary ${c.slice(0, 12)}… leaked`);
};

test('alerts test: a clearly marked test through each channel, reported per channel', async (t) => {
  const { rx, smtp, env } = await world(t);
  const r = await runCli(['alerts', 'test', '--json'], { env, timeoutMs: 90_000 });
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { ok: boolean; channels: { channel: string; ok: boolean }[] };
  t.true(out.ok);
  t.deepEqual(
    out.channels.map((c) => [c.channel, c.ok]),
    [
      ['hook', true],
      ['mail', true],
    ],
  );
  t.is(smtp.mails.length, 1);
  t.is(smtp.mails[0]?.parsed.subject, '[aipro] TEST notification (no action needed) on gw1');
  const body = rx.accepted()[0]?.json as Record<string, unknown>;
  t.is(body.kind, 'test');
  t.is(body.test, true);
  t.is(body.status, 'test');
  noCanary(t, r.stdout, r.stderr, smtp.mails[0]?.raw ?? '', rx.requests[0]?.raw ?? '');
});

test('alerts test: exit 1 when a channel fails; --channel picks one; unknown channel is a usage error', async (t) => {
  const { env, rx } = await world(t, [500]);
  const r = await runCli(['alerts', 'test'], { env, timeoutMs: 90_000 });
  t.is(r.code, 1);
  t.regex(r.stdout, /FAILED {2}hook {2}webhook http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 500/);
  t.regex(r.stdout, /ok {4} {2}mail {2}accepted by 127\.0\.0\.1:\d+/);
  t.regex(r.stderr, /aipro alerts test --channel NAME/);
  const one = await runCli(['alerts', 'test', '--channel', 'hook'], { env, timeoutMs: 90_000 });
  t.is(one.code, 0, one.stdout);
  t.is(rx.requests.length, 2);
  const bad = await runCli(['alerts', 'test', '--channel', 'nope'], { env, timeoutMs: 90_000 });
  t.is(bad.code, 64);
  noCanary(t, r.stdout, r.stderr, one.stdout, bad.stderr);
});

test('alerts status shows episodes, next reminder, silences and the outbox; silence --for / --remove', async (t) => {
  const { home, env } = await world(t, [503]);
  const statePath = join(home.stateDir, 'monitor', 'state.json');
  const now = Date.now();
  const config = defaultConfig({
    monitor: { statePath },
    alerts: {
      hostname: 'gw1',
      channels: JSON.parse(readFileSync(join(home.stateDir, 'aipro.json'), 'utf8')).alerts.channels,
    },
  });
  const log = captureLog();
  await runAlerts({ config, env, observations: [tokenObs(now + 2 * D, now)], now, log, cycleIntervalMs: 60_000 });

  const sil = await runCli(['alerts', 'silence', 'anthropic:work', '--for', '2d'], { env, timeoutMs: 90_000 });
  t.is(sil.code, 0, `${sil.signal ?? ''} ${sil.stderr}`);
  t.regex(sil.stdout, /anthropic:work silenced until .* \(in 2d\)/);
  const bad = await runCli(['alerts', 'silence', 'anthropic:work', '--for', 'soon'], { env, timeoutMs: 90_000 });
  t.is(bad.code, 64);

  const js = await runCli(['alerts', 'status', '--json'], { env, timeoutMs: 90_000 });
  t.is(js.code, 0, js.stderr);
  const s = JSON.parse(js.stdout);
  t.is(s.episodes.length, 1);
  t.like(s.episodes[0], {
    profile: 'anthropic:work',
    condition: 'expiring',
    thresholdsPassed: ['14d', '7d', '3d'],
    nextReminder: { what: '1d reminder' },
  });
  t.truthy(s.episodes[0].silencedUntil);
  t.deepEqual(
    s.silences.map((x: { profile: string }) => x.profile),
    ['anthropic:work'],
  );
  t.deepEqual(
    s.outbox.map((o: { channel: string; attempts: number }) => [o.channel, o.attempts]),
    [['hook', 1]],
  );
  t.regex(s.outbox[0].lastError, /answered HTTP 503/);

  const text = await runCli(['alerts', 'status'], { env, timeoutMs: 90_000 });
  t.is(text.code, 0);
  for (const want of [
    'Firing episodes: 1',
    'anthropic:work',
    '1d reminder in',
    'Silences: 1',
    'Outbox: 1 pending',
    'HTTP 503',
  ])
    t.true(text.stdout.includes(want), want);

  const rm = await runCli(['alerts', 'silence', 'anthropic:work', '--remove'], { env, timeoutMs: 90_000 });
  t.is(rm.code, 0);
  const after = JSON.parse((await runCli(['alerts', 'status', '--json'], { env, timeoutMs: 90_000 })).stdout);
  t.deepEqual(after.silences, []);
  noCanary(t, js.stdout, text.stdout, sil.stdout, rm.stdout, ...log.lines, readFileSync(statePath, 'utf8'));
});
