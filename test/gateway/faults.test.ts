/**
 * The gateway under a bad upstream: hung, silent mid-body, truncated, unreachable; and
 * profile ids that are not Latin-1. Deadlines are configured small but far above what a
 * healthy local answer needs; tests that expect no deadline keep the defaults.
 */
import test from 'ava';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { startUpstream } from '../helpers/fake-providers.js';
import { freePort } from '../helpers/net.js';
import { CANARY, leaks, metricsMatching, post, startTestGateway } from '../helpers/gateway.js';
import { anthropicOk } from '../helpers/provider-bodies.js';
import { answerRaw, startRawUpstream } from '../helpers/raw-upstreams.js';
import { joinRe } from '../helpers/re.js';

const msg = (extra: Record<string, unknown> = {}) => ({
  model: 'sonnet',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const readStoreJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const key = (k: string) => ({ type: 'api_key', provider: 'anthropic', key: k });
/**
 * Short enough to keep the tests quick, long enough that a healthy local upstream answers
 * well inside them even on a loaded machine (the deadline is meant to fire only on the hung one).
 */
const timeouts = { connectMs: 5000, headersMs: 1500, idleMs: 1500 };

test('a hung upstream times out after gateway.timeouts.headersMs and the next credential serves', async (t) => {
  const hung = await startRawUpstream();
  const up = await startUpstream(() => anthropicOk());
  const gw = await startTestGateway({
    config: { gateway: { timeouts }, models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: {
      version: 1,
      profiles: {
        'anthropic:hung': { ...key(CANARY.antWork), baseUrl: hung.url },
        'anthropic:ok': key(CANARY.antDefault),
      },
      order: { anthropic: ['anthropic:hung', 'anthropic:ok'] },
    },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
    await hung.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 200);
  t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:ok');
  t.is(hung.connections, 1);
  await gw.gateway.runtime.usage.flush(); // failures are written off the request path
  const stats = readStoreJson(gw.home.storePath()).usageStats['anthropic:hung'];
  t.is(stats.failureCounts.timeout, 1, 'classified timeout');
  t.true(stats.cooldownUntil > Date.now(), 'the credential that hung is cooled down');
  const metrics = await metricsMatching(
    gw.url,
    /aipro_gateway_failovers_total\{provider="anthropic",reason="timeout"\} 1/,
  );
  t.regex(metrics, /aipro_gateway_failovers_total\{provider="anthropic",reason="timeout"\} 1/);
  t.true(gw.logs.some((l) => l.includes('gateway.failover') && l.includes('"reason":"timeout"')));
});

test('every credential hung: the client gets a 502 naming the timeout, not a held connection', async (t) => {
  const hung = await startRawUpstream();
  const gw = await startTestGateway({
    config: { gateway: { timeouts }, models: { providers: { anthropic: { baseUrl: hung.url } } } },
    store: { version: 1, profiles: { 'anthropic:only': key(CANARY.antWork) } },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await hung.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 502);
  t.regex(
    r.json.error.message,
    /anthropic:only .*timeout.*no response headers within 1500 ms \(gateway\.timeouts\.headersMs\)/,
  );
  t.deepEqual(leaks(r.text + gw.logs.join('\n')), []);
});

test('an upstream that goes silent mid-stream is cut after idleMs: outcome upstream_truncated', async (t) => {
  const head = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
  const event = 'event: message_start\ndata: {"type":"message_start"}\n\n';
  const raw = `${head}${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`;
  const silent = await startRawUpstream(answerRaw(raw, 'hang'));
  const gw = await startTestGateway({
    config: { gateway: { timeouts }, models: { providers: { anthropic: { baseUrl: silent.url } } } },
    store: { version: 1, profiles: { 'anthropic:only': key(CANARY.antWork) } },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await silent.close();
  });
  const got = await new Promise<{ status: number; body: string; error: boolean }>((resolve) => {
    const req = http.request(
      `${gw.url}/v1/messages`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, error: false }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body, error: true }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '', error: true }));
    req.end(JSON.stringify(msg({ stream: true })));
  });
  t.is(got.status, 200);
  t.true(got.body.includes('message_start'), 'the first event got through');
  t.true(got.error, 'the client sees a broken stream, not a clean end');
  const line = joinRe(
    '',
    /aipro_gateway_requests_total\{provider="anthropic",/,
    /model="anthropic\/claude-sonnet-4-5",outcome="upstream_truncated"\} 1/,
  );
  t.regex(await metricsMatching(gw.url, line), line);
  t.true(gw.logs.some((l) => l.includes('gateway.upstream_truncated') && l.includes('"reason":"timeout"')));
});

test('a truncated upstream body is outcome upstream_truncated, not client_closed', async (t) => {
  const raw =
    'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"id":"msg_up","type":"mess';
  const cutter = await startRawUpstream(answerRaw(raw, 'cut'));
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: cutter.url } } } },
    store: { version: 1, profiles: { 'anthropic:only': key(CANARY.antWork) } },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await cutter.close();
  });
  await t.throwsAsync(post(`${gw.url}/v1/messages`, msg()), undefined, 'the client does not get a complete body');
  const line = joinRe(
    '',
    /aipro_gateway_requests_total\{provider="anthropic",/,
    /model="anthropic\/claude-sonnet-4-5",outcome="upstream_truncated"\} 1/,
  );
  const metrics = await metricsMatching(gw.url, line);
  t.regex(metrics, line);
  t.notRegex(metrics, /outcome="client_closed"/);
});

test('a refused connection cools down no credential and the endpoint is tried once: clear 502', async (t) => {
  const dead = await freePort();
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: `http://127.0.0.1:${dead}` } } } },
    store: {
      version: 1,
      profiles: { 'anthropic:a': key(CANARY.antWork), 'anthropic:b': key(CANARY.antDefault) },
      order: { anthropic: ['anthropic:a', 'anthropic:b'] },
    },
  });
  t.teardown(() => gw.cleanup());
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 502);
  t.is(r.json.error.type, 'api_error');
  t.regex(
    r.json.error.message,
    /could not reach the upstream.*no credential was cooled down.*anthropic:a .*network — 127\.0\.0\.1:\d+: E[A-Z]+/s,
  );
  t.regex(r.json.error.message, /models\.providers\.anthropic\.baseUrl/);
  const store = readStoreJson(gw.home.storePath());
  t.is(store.usageStats?.['anthropic:a']?.cooldownUntil, undefined);
  t.is(store.usageStats?.['anthropic:b']?.cooldownUntil, undefined);
  t.is(
    gw.logs.filter((l) => l.includes('gateway.endpoint_failed')).length,
    1,
    'the second credential was not sent to the same dead endpoint',
  );
  const line = /aipro_gateway_upstream_endpoint_errors_total\{provider="anthropic",reason="network"\} 1/;
  t.regex(await metricsMatching(gw.url, line), line);
  // The next request starts again with the first credential: nothing was held against it.
  const r2 = await post(`${gw.url}/v1/messages`, msg());
  // Once (1 of ~15 loaded runs) this answer was not JSON: say what it was.
  t.is(r2.status, 502, `${r2.text}\n${gw.logs.slice(-10).join('\n')}`);
  t.regex(r2.json?.aipro?.attempts?.[0]?.profile ?? r2.text, /^anthropic:a$/);
});

test('a non-Latin-1 profile id is served once, with its header percent-encoded', async (t) => {
  const up = await startUpstream(() => anthropicOk());
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: { version: 1, profiles: { 'anthropic:中文': key(CANARY.antWork) } },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg());
  t.is(r.status, 200);
  t.is(r.json.content[0].text, 'hello from upstream');
  t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:%E4%B8%AD%E6%96%87');
  t.is(decodeURIComponent(r.headers.get('x-aipro-auth-profile') ?? ''), 'anthropic:中文');
  t.is(up.requests.length, 1, 'the upstream request is spent exactly once');
});

for (const after of ['hang', 'cut'] as const) {
  test(
    `headers then ${after === 'hang' ? 'silence' : 'a dropped connection'} before the first body byte: the next ` +
      `credential serves`,
    async (t) => {
      const bad = await startRawUpstream(
        answerRaw('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 300\r\n\r\n', after),
      );
      const up = await startUpstream(() => anthropicOk());
      const gw = await startTestGateway({
        // Only the silent case needs a short deadline; a dropped connection must not wait for one.
        config: {
          ...(after === 'hang' ? { gateway: { timeouts } } : {}),
          models: { providers: { anthropic: { baseUrl: up.url } } },
        },
        store: {
          version: 1,
          profiles: {
            'anthropic:bad': { ...key(CANARY.antWork), baseUrl: bad.url },
            'anthropic:ok': key(CANARY.antDefault),
          },
          order: { anthropic: ['anthropic:bad', 'anthropic:ok'] },
        },
      });
      t.teardown(async () => {
        await gw.cleanup();
        await up.close();
        await bad.close();
      });
      const r = await post(`${gw.url}/v1/messages`, msg());
      t.is(r.status, 200);
      t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:ok');
      t.is(r.json.content[0].text, 'hello from upstream');
      await gw.gateway.runtime.usage.flush(); // failures are written off the request path
      const stats = readStoreJson(gw.home.storePath()).usageStats?.['anthropic:bad'];
      if (after === 'hang') t.is(stats?.failureCounts?.timeout, 1, 'a silent upstream is a timeout of that credential');
      else t.is(stats?.cooldownUntil, undefined, "a dropped connection is the endpoint's failure");
    },
  );
}
