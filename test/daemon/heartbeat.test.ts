/**
 * The dead-man's switch pinger against a real local receiver (express on port 0): which URL
 * a run pings, the one retry, the bound (an injected timer fires the deadline: no wall-clock
 * wait), secret references, and that no token reaches a log line or a failure body.
 */
import test from 'ava';
import { createMetrics } from '../../exporters/prometheus/registry.js';
import type { RunOutcome } from '../../monitors/runner.js';
import {
  heartbeatOnce,
  runVerdict,
  safePingUrl,
  sendHeartbeat,
  type HeartbeatConfig,
} from '../../src/daemon/heartbeat.js';
import { eventually } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const TOKEN = '5f2b9c1e-4a7d-4e0b-9c3a-heartbeat-canary';

async function receiver(t: import('ava').ExecutionContext, script: number[] = []): Promise<WebhookReceiver> {
  const rx = await startWebhookReceiver(script);
  t.teardown(() => rx.close());
  return rx;
}

function harness(cfg: Partial<HeartbeatConfig>) {
  const lines: string[] = [];
  const metrics = createMetrics({ defaultMetrics: false });
  const log = {
    info: (e: string, f?: Record<string, unknown>) => lines.push(JSON.stringify({ e, ...f })),
    warn: (e: string, f?: Record<string, unknown>) => lines.push(JSON.stringify({ e, ...f })),
  };
  const config: HeartbeatConfig = { url: null, failUrl: null, method: 'GET', timeoutMs: 10_000, ...cfg };
  const count = async (result: string) =>
    Number(
      new RegExp(`aipro_heartbeat_total\\{result="${result}"\\} (\\d+)`).exec(await metrics.registry.metrics())?.[1] ??
        NaN,
    );
  return {
    lines,
    metrics,
    config,
    count,
    deps: { env: { HB_URL: '' } as Record<string, string>, log, counter: metrics.heartbeatTotal },
  };
}

const ok: RunOutcome[] = [{ status: 'ok', monitor: 'expiry', observations: [], durationMs: 1, at: 0 }];
const expiryFailed: RunOutcome[] = [
  { status: 'failed', monitor: 'expiry', reason: 'timeout', detail: 'x', durationMs: 1, at: 0 },
];

test('runVerdict: a run fails only when the credentials could not be judged', (t) => {
  t.deepEqual(runVerdict(ok), { ok: true });
  const expired: RunOutcome = {
    status: 'ok',
    monitor: 'expiry',
    durationMs: 1,
    at: 0,
    observations: [
      {
        kind: 'credential',
        agent: 'main',
        provider: 'anthropic',
        profile: 'anthropic:x',
        type: 'token',
        source: 'profile',
        status: 'expired',
        detail: 'expired',
      },
    ],
  };
  t.deepEqual(runVerdict([expired]), { ok: true }, 'an expired credential is a verdict, not a dead monitor');
  t.deepEqual(runVerdict(expiryFailed), { ok: false, reason: 'the expiry monitor failed (timeout)' });
  t.false(runVerdict([{ status: 'skipped', monitor: 'expiry' }]).ok);
  t.false(runVerdict([{ status: 'ok', monitor: 'store', observations: [], durationMs: 1, at: 0 }]).ok);
  const unreadable: RunOutcome = {
    status: 'ok',
    monitor: 'expiry',
    durationMs: 1,
    at: 0,
    observations: [
      { kind: 'store', agent: 'main', path: '/secret/path', ok: false, reason: 'parse', detail: 'Unexpected token' },
    ],
  };
  t.deepEqual(runVerdict([unreadable]), { ok: false, reason: 'auth store unreadable: main (parse); run aipro doctor' });
  const modeOnly: RunOutcome = {
    status: 'ok',
    monitor: 'expiry',
    durationMs: 1,
    at: 0,
    observations: [{ kind: 'store', agent: 'main', path: '/p', ok: false, reason: 'mode' }],
  };
  t.true(runVerdict([modeOnly]).ok, 'a loose file mode still lets the monitor judge');
});

test('a good run GETs url (default method) and counts ok; the token never reaches a log line', async (t) => {
  const rx = await receiver(t);
  const h = harness({ url: `${rx.url}/ping/${TOKEN}`, failUrl: `${rx.url}/ping/${TOKEN}/fail` });
  t.is(await heartbeatOnce(h.config, ok, h.deps), 'ok');
  t.is(rx.requests.length, 1);
  t.is(rx.requests[0]?.method, 'GET');
  t.is(rx.requests[0]?.path, `/ping/${TOKEN}`);
  t.regex(String(rx.requests[0]?.headers['user-agent']), /^aipro\//);
  t.is(await h.count('ok'), 1);
  t.is(await h.count('fail_sent'), 0, 'pre-initialised');
  t.is(await h.count('error'), 0, 'pre-initialised');
  t.false(h.lines.join('\n').includes(TOKEN));
  t.regex(h.lines.join('\n'), /"url":"http:\/\/127\.0\.0\.1:\d+\/…"/);
});

test('method POST sends the success ping as POST', async (t) => {
  const rx = await receiver(t);
  const h = harness({ url: `${rx.url}/ping/${TOKEN}`, method: 'POST' });
  t.is(await sendHeartbeat(h.config, { ok: true }, h.deps), 'ok');
  t.is(rx.requests[0]?.method, 'POST');
});

test(
  'a failed run POSTs the reason to failUrl (no secret in it) and counts fail_sent; without failUrl nothing is ' +
    'sent',
  async (t) => {
    const rx = await receiver(t);
    const h = harness({ url: `${rx.url}/ping/${TOKEN}`, failUrl: `${rx.url}/ping/${TOKEN}/fail` });
    t.is(await heartbeatOnce(h.config, expiryFailed, h.deps), 'fail_sent');
    t.is(rx.requests.length, 1);
    t.is(rx.requests[0]?.method, 'POST');
    t.is(rx.requests[0]?.path, `/ping/${TOKEN}/fail`);
    t.regex(rx.requests[0]?.raw ?? '', /^aipro \S+: the expiry monitor failed \(timeout\)\n$/);
    t.is(await h.count('fail_sent'), 1);
    const noFail = harness({ url: `${rx.url}/ping/${TOKEN}` });
    t.is(await sendHeartbeat(noFail.config, { ok: false, reason: 'x' }, noFail.deps), null);
    t.is(rx.requests.length, 1, 'a failed run never pings the success url');
  },
);

test('one retry on 5xx, none on 4xx; then error is counted', async (t) => {
  const rx = await receiver(t, [503]);
  const h = harness({ url: `${rx.url}/ping/${TOKEN}` });
  t.is(await sendHeartbeat(h.config, { ok: true }, h.deps), 'ok');
  t.is(rx.requests.length, 2);
  rx.script.push(503, 503);
  t.is(await sendHeartbeat(h.config, { ok: true }, h.deps), 'error');
  t.is(rx.requests.length, 4, 'at most one retry');
  rx.script.push(404);
  t.is(await sendHeartbeat(h.config, { ok: true }, h.deps), 'error');
  t.is(rx.requests.length, 5, 'a 404 (wrong URL) is not retried');
  t.is(await h.count('error'), 2);
  t.regex(h.lines.at(-1) ?? '', /"e":"heartbeat.error".*"detail":"HTTP 404"/);
});

test('a hung receiver: the deadline ends the ping (injected timer, no wall-clock wait)', async (t) => {
  const rx = await receiver(t);
  rx.hang = true;
  const h = harness({ url: `${rx.url}/ping/${TOKEN}`, timeoutMs: 10_000 });
  let fire: (() => void) | undefined;
  let armedFor = 0;
  const pending = sendHeartbeat(
    h.config,
    { ok: true },
    { ...h.deps, timer: (ms, fn) => ((armedFor = ms), (fire = fn), () => undefined) },
  );
  await eventually(async () => rx.requests.length === 1, 10_000, 'the request to arrive');
  t.is(armedFor, 10_000);
  let settled = false;
  void pending.then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  t.false(settled, 'still waiting on the hung receiver');
  fire?.();
  t.is(await pending, 'error');
  t.is(rx.requests.length, 1, 'no retry after the deadline');
  t.regex(h.lines.at(-1) ?? '', /timed out/);
});

test('the deadline also holds with the real timer, and for a fetch that ignores its signal', async (t) => {
  const h = harness({ url: `http://127.0.0.1:9/ping/${TOKEN}`, timeoutMs: 200 });
  const never = (() => new Promise<Response>(() => undefined)) as unknown as typeof fetch;
  // The deadline's timer is unref'd (a ping never holds the daemon open), and this fetch holds
  // nothing either: when this test runs last in its file, nothing else keeps the event loop
  // alive and ava ends the file with "Promise returned by test never resolved".
  const alive = setInterval(() => undefined, 1_000);
  t.teardown(() => clearInterval(alive));
  const started = Date.now();
  t.is(await sendHeartbeat(h.config, { ok: true }, { ...h.deps, fetch: never }), 'error');
  t.true(Date.now() - started < 5_000);
});

test(
  'url as a {source: env} reference resolves at ping time; an unset variable is an error, not a ' + 'throw',
  async (t) => {
    const rx = await receiver(t);
    const h = harness({ url: { source: 'env', id: 'HB_URL' } });
    t.is(await sendHeartbeat(h.config, { ok: true }, h.deps), 'error');
    t.regex(h.lines.at(-1) ?? '', /env var HB_URL is not set/);
    h.deps.env.HB_URL = `${rx.url}/ping/${TOKEN}`;
    t.is(await sendHeartbeat(h.config, { ok: true }, h.deps), 'ok');
    t.is(rx.requests[0]?.path, `/ping/${TOKEN}`);
  },
);

test('safePingUrl keeps scheme and host only', (t) => {
  t.is(safePingUrl(`https://hc-ping.com/${TOKEN}`), 'https://hc-ping.com/…');
  t.is(safePingUrl('https://push.example/?token=abc'), 'https://push.example/…');
  t.is(safePingUrl('not a url'), '(invalid URL)');
});
