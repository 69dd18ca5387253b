/**
 * Mail through a real SMTP server (smtp-server), parsed with mailparser: STARTTLS with a
 * self-signed cert made by openssl at test time, AUTH with a password from an env ref, and
 * an SMTP outage across cycles (none lost, none doubled).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runAlerts } from '../../src/alerts/run.js';
import { readAlertState } from '../../src/alerts/state.js';
import { freePort } from '../helpers/net.js';
import { selfSignedCert, startSmtp } from '../helpers/smtp.js';
import { tempHome } from '../helpers/tmp.js';
import { D, H, T0, tokenObs } from './obs.js';
import { captureLog } from '../helpers/log.js';
import { defaultConfig } from '../helpers/config.js';

const PASS = 'smtp-CANARY-pass-7f3a9c';

test(
  'reminder mail over STARTTLS with AUTH: subject, recipient, profile, relative expiry, fix command, no ' + 'secret',
  async (t) => {
    const cert = selfSignedCert();
    const smtp = await startSmtp({ tls: cert, auth: { user: 'aipro', pass: PASS } });
    const home = tempHome();
    t.teardown(async () => {
      await smtp.close();
      cert.cleanup();
      home.cleanup();
    });
    const statePath = join(home.stateDir, 'monitor', 'state.json');
    const config = defaultConfig({
      monitor: { statePath },
      alerts: {
        hostname: 'gw1',
        channels: {
          'ops-mail': {
            type: 'email',
            to: ['ops@example.com'],
            from: 'aipro@gw1.example.com',
            smtp: {
              host: '127.0.0.1',
              port: smtp.port,
              starttls: 'required',
              user: 'aipro',
              pass: { source: 'env', id: 'SMTP_PASS' },
              ca: cert.certPath,
            },
          },
        },
      },
    });
    const log = captureLog();
    const now = T0;
    const expiresAt = now + 3 * D - 60_000;
    const r = await runAlerts({
      config,
      env: { ...home.env, SMTP_PASS: PASS },
      observations: [tokenObs(expiresAt, now)],
      now,
      log,
      cycleIntervalMs: 60_000,
    });
    t.deepEqual(r, { sent: 1, pending: 0 }, log.lines.join('\n'));
    t.is(smtp.mails.length, 1);
    const mail = smtp.mails[0]!;
    t.true(mail.secure, 'the session was upgraded with STARTTLS');
    t.is(smtp.tlsSessions, 1);
    t.is(mail.user, 'aipro');
    t.is(mail.parsed.subject, '[aipro] anthropic:work expires in 3 days on gw1');
    t.deepEqual(mail.envelopeTo, ['ops@example.com']);
    t.is((mail.parsed.to as { text: string }).text, 'ops@example.com');
    const text = mail.parsed.text ?? '';
    const html = typeof mail.parsed.html === 'string' ? mail.parsed.html : '';
    for (const body of [text, html]) {
      t.true(body.includes('anthropic:work'), 'profile');
      t.true(body.includes('main'), 'agent');
      t.true(body.includes('gw1'), 'host');
      t.true(body.includes('in 2d 23h'), 'relative expiry');
      t.true(body.includes('2026-01-13T11:59:00Z'), 'absolute expiry');
      t.true(body.includes('aipro models auth setup-token --provider anthropic'), 'fix command');
    }
    const key = mail.parsed.headers.get('x-aipro-idempotency-key') as string;
    t.regex(key, /^[0-9a-f]{16}:expiring:3d$/);
    t.is(mail.parsed.messageId, `<${key.replace(/:/g, '.')}@aipro.gw1>`);
    for (const out of [mail.raw, ...log.lines, readFileSync(statePath, 'utf8')])
      t.false(out.includes(PASS), 'SMTP password never leaves');
  },
);

test('SMTP down for 3 cycles, then up: exactly one mail per due reminder, none lost, none doubled', async (t) => {
  const port = await freePort();
  const home = tempHome();
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
  t.teardown(async () => {
    await smtp?.close();
    home.cleanup();
  });
  const statePath = join(home.stateDir, 'monitor', 'state.json');
  const config = defaultConfig({
    monitor: { statePath },
    alerts: {
      hostname: 'gw1',
      channels: {
        mail: {
          type: 'email',
          to: ['ops@example.com'],
          timeoutMs: 3000,
          smtp: { host: '127.0.0.1', port, starttls: 'off' },
        },
      },
    },
  });
  const exp = T0 + 10 * D;
  const metrics: string[] = [];
  const pending: number[] = [];
  const sink = {
    notification: (c: string, r: string) => void metrics.push(`${c}:${r}`),
    outboxPending: (_c: string, n: number) => void pending.push(n),
  };
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

  // Down: 14d reminder (cycle 1), 7d reminder (cycle 2), nothing new (cycle 3).
  t.deepEqual(await cycle(T0), { sent: 0, pending: 1 });
  t.deepEqual(await cycle(T0 + 4 * D), { sent: 0, pending: 2 });
  t.deepEqual(await cycle(T0 + 4 * D + H), { sent: 0, pending: 2 });
  const read = readAlertState(statePath);
  t.true(
    read.ok &&
      read.state.outbox.every((i) => i.lastError === undefined || /ECONNECTION|ESOCKET|ECONNREFUSED/.test(i.lastError)),
  );

  smtp = await startSmtp({ port });
  t.deepEqual(await cycle(T0 + 4 * D + 2 * H), { sent: 2, pending: 0 });
  t.deepEqual(await cycle(T0 + 4 * D + 3 * H), { sent: 0, pending: 0 });
  t.deepEqual(
    smtp.mails.map((m) => m.parsed.headers.get('x-aipro-idempotency-key')?.toString().split(':').slice(1).join(':')),
    ['expiring:14d', 'expiring:7d'],
  );
  t.is(new Set(smtp.mails.map((m) => m.parsed.messageId)).size, 2);
  t.deepEqual(metrics, ['mail:retry', 'mail:retry', 'mail:retry', 'mail:delivered', 'mail:delivered']);
  t.deepEqual(pending, [1, 2, 2, 0, 0]);
});

test('a bad email channel config names the key', async (t) => {
  const { buildChannels } = await import('../../src/alerts/channels/index.js');
  const config = defaultConfig({
    alerts: { channels: { m: { type: 'email', to: ['nobody'], smtp: { port: 99999, secure: 'yes', user: 'u' } } } },
  });
  const { errors } = buildChannels({ config, env: {}, host: 'gw1' });
  const msg = errors[0]?.message ?? '';
  for (const key of [
    'alerts.channels.m.to[0]',
    'alerts.channels.m.smtp.host',
    'alerts.channels.m.smtp.port',
    'alerts.channels.m.smtp.secure',
    'alerts.channels.m.smtp.pass',
  ])
    t.true(msg.includes(key), `${key} in: ${msg}`);
});

test(
  'implicit TLS (secure: true); a self-signed cert without smtp.ca is refused and retried with the ' + 'reason',
  async (t) => {
    const cert = selfSignedCert();
    const smtp = await startSmtp({ tls: cert, implicitTls: true });
    const home = tempHome();
    t.teardown(async () => {
      await smtp.close();
      cert.cleanup();
      home.cleanup();
    });
    const base = {
      type: 'email' as const,
      to: ['ops@example.com'],
      smtp: { host: '127.0.0.1', port: smtp.port, secure: true },
    };
    const statePath = join(home.stateDir, 'monitor', 'state.json');
    const log = captureLog();
    const untrusted = defaultConfig({ monitor: { statePath }, alerts: { hostname: 'gw1', channels: { m: base } } });
    t.deepEqual(
      await runAlerts({
        config: untrusted,
        env: home.env,
        observations: [tokenObs(T0 + 2 * D, T0)],
        now: T0,
        log,
        cycleIntervalMs: 60_000,
      }),
      { sent: 0, pending: 1 },
    );
    t.true(
      log.lines.some((l) => l.includes('"alert_retry"') && /certificate/i.test(l)),
      log.lines.join('\n'),
    );
    const trusted = defaultConfig({
      monitor: { statePath },
      alerts: { hostname: 'gw1', channels: { m: { ...base, smtp: { ...base.smtp, ca: cert.certPath } } } },
    });
    t.deepEqual(
      await runAlerts({
        config: trusted,
        env: home.env,
        observations: [tokenObs(T0 + 2 * D, T0 + H)],
        now: T0 + H,
        log,
        cycleIntervalMs: 60_000,
      }),
      { sent: 1, pending: 0 },
    );
    t.true(smtp.mails[0]?.secure);
  },
);

test('a recipient refused with 550 is a permanent failure (not retried forever)', async (t) => {
  const smtp = await startSmtp({ rejectRcpt: ['gone@example.com'] });
  const home = tempHome();
  t.teardown(async () => {
    await smtp.close();
    home.cleanup();
  });
  const results: string[] = [];
  const config = defaultConfig({
    monitor: { statePath: join(home.stateDir, 's.json') },
    alerts: {
      channels: {
        m: { type: 'email', to: ['gone@example.com'], smtp: { host: '127.0.0.1', port: smtp.port, starttls: 'off' } },
      },
    },
  });
  const metrics = {
    notification: (c: string, r: string) => void results.push(`${c}:${r}`),
    outboxPending: () => undefined,
  };
  t.deepEqual(
    await runAlerts({
      config,
      env: home.env,
      observations: [tokenObs(T0 + 2 * D, T0)],
      now: T0,
      log: captureLog(),
      metrics,
      cycleIntervalMs: 60_000,
    }),
    { sent: 0, pending: 0 },
  );
  t.deepEqual(results, ['m:permanent']);
});
