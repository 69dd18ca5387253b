/** Who may use the gateway, what reaches the upstream, and what never leaves it. */
import test from 'ava';
import { spawn } from 'node:child_process';
import { CLI, runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { startUpstream } from '../helpers/fake-providers.js';
import { CANARY, leaks, post, startTestGateway } from '../helpers/gateway.js';
import { anthropicError, anthropicOk } from '../helpers/provider-bodies.js';

const TOKEN_CMD = `aipro config set gateway.auth.token '{"source":"env","id":"AIPRO_GATEWAY_TOKEN"}'`;
const GATEWAY_TOKEN = 'gw-client-token-CANARY-0123456789abcdef';
const msg = { model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] };

for (const bind of ['lan', '0.0.0.0']) {
  test(`--bind ${bind} without gateway.auth.token refuses to start (exit 1, names the fix)`, async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const r = await runCli(['gateway', '--bind', bind, '--port', '0'], { env: h.env, timeoutMs: 15_000 });
    t.is(r.code, 1, r.stderr);
    t.true(r.stderr.includes(TOKEN_CMD), r.stderr);
    t.regex(r.stderr, /refusing to listen on 0\.0\.0\.0/);
  });
}

test('a token reference that cannot be resolved refuses to start', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig({ gateway: { bind: 'lan', auth: { token: { source: 'env', id: 'AIPRO_GATEWAY_TOKEN' } } } });
  const r = await runCli(['gateway', '--port', '0'], { env: h.env, timeoutMs: 15_000 });
  t.is(r.code, 1);
  t.regex(r.stderr, /env var AIPRO_GATEWAY_TOKEN is not set/);
});

test('bad flags are usage errors (64)', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  t.is((await runCli(['gateway', '--port', 'x'], { env: h.env })).code, 64);
  t.is((await runCli(['gateway', '--nope'], { env: h.env })).code, 64);
});

test('the CLI serves with a token on lan, rejects a wrong token, stops cleanly on SIGTERM', async (t) => {
  const h = tempHome();
  const up = await startUpstream(() => anthropicOk());
  t.teardown(async () => {
    h.cleanup();
    await up.close();
  });
  h.writeConfig({
    gateway: { auth: { token: { source: 'env', id: 'AIPRO_GATEWAY_TOKEN' } } },
    models: { providers: { anthropic: { baseUrl: up.url } } },
  });
  const env = { ...h.env, AIPRO_GATEWAY_TOKEN: GATEWAY_TOKEN, ANTHROPIC_API_KEY: CANARY.antEnv };
  const child = spawn(process.execPath, [CLI, 'gateway', '--bind', 'lan', '--port', '0'], {
    env,
    cwd: h.home,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 15_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  t.is((await fetch(`${url}/healthz`)).status, 200, 'healthz needs no token');
  const wrong = await post(`${url}/v1/messages`, msg, { authorization: 'Bearer wrong-token' });
  t.is(wrong.status, 401);
  t.is(wrong.json.error.type, 'authentication_error');
  const none = await post(`${url}/v1/chat/completions`, msg);
  t.is(none.status, 401);
  t.is(typeof none.json.error.message, 'string');
  t.is((await fetch(`${url}/metrics`)).status, 401);
  const ok = await post(`${url}/v1/messages`, msg, { authorization: `Bearer ${GATEWAY_TOKEN}` });
  t.is(ok.status, 200);
  t.is(ok.headers.get('x-aipro-auth-profile'), 'anthropic:env');
  t.is(up.requests[0]?.secret, CANARY.antEnv);
  const metrics = await (await fetch(`${url}/metrics`, { headers: { 'x-api-key': GATEWAY_TOKEN } })).text();
  t.regex(
    metrics,
    /aipro_gateway_requests_total\{provider="anthropic",model="anthropic\/claude-sonnet-4-5",outcome="ok"\} 1/,
  );
  t.regex(metrics, /aipro_build_info/, 'the process metrics are served too');
  // Each process registers only its own families: a gateway has no monitor series to offer, only
  // whether it can read the stores it serves from.
  t.regex(metrics, /^aipro_auth_store_ok\{agent="main"\} 1$/m);
  t.notRegex(
    metrics,
    /^# HELP aipro_(auth_(?!store_ok )|monitor_|alert_|oauth_|quota_|clock_)/m,
    'no monitor family on the gateway',
  );
  child.kill('SIGTERM');
  t.is(await exited, 0);
  t.deepEqual(leaks(stdout + stderr + metrics + wrong.text + ok.text, [GATEWAY_TOKEN]), []);
});

test('client credentials are never forwarded upstream', async (t) => {
  const up = await startUpstream(() => anthropicOk());
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: {
      version: 1,
      profiles: { 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault } },
    },
    token: GATEWAY_TOKEN,
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const r = await post(`${gw.url}/v1/messages`, msg, {
    authorization: `Bearer ${GATEWAY_TOKEN}`,
    'x-api-key': GATEWAY_TOKEN,
    cookie: 'session=abc',
    'anthropic-beta': 'tools-2024',
    'anthropic-version': '2023-06-01',
  });
  t.is(r.status, 200);
  const h = up.requests[0]?.headers ?? {};
  t.is(h['x-api-key'], CANARY.antDefault);
  t.is(h.authorization, undefined);
  t.is(h.cookie, undefined);
  t.is(h['anthropic-beta'], 'tools-2024', 'protocol headers pass');
  t.false(JSON.stringify(h).includes(GATEWAY_TOKEN));
  const x = await post(`${gw.url}/v1/messages`, msg, { 'x-api-key': GATEWAY_TOKEN });
  t.is(x.status, 200, 'x-api-key works as the gateway token too (Anthropic SDKs)');
  const wrong = await post(`${gw.url}/v1/messages`, msg, { 'x-api-key': `${GATEWAY_TOKEN}x` });
  t.is(wrong.status, 401);
});

test('the body size limit answers 413 in the API format', async (t) => {
  const gw = await startTestGateway({ config: { gateway: { bodyLimit: '1kb' } }, store: { version: 1, profiles: {} } });
  t.teardown(() => gw.cleanup());
  const big = { ...msg, messages: [{ role: 'user', content: 'x'.repeat(4096) }] };
  const a = await post(`${gw.url}/v1/messages`, big);
  t.is(a.status, 413);
  t.is(a.json.error.type, 'request_too_large');
  const o = await post(`${gw.url}/v1/chat/completions`, big);
  t.is(o.status, 413);
  t.regex(o.json.error.message, /gateway\.bodyLimit/);
  const bad = await fetch(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{not json',
  });
  t.is(bad.status, 400);
});

test('canary: no secret in any response body, header, metric or log line', async (t) => {
  // The upstream echoes whatever credential it got, in bodies and headers, on every path.
  const echo = (secret: string | undefined) => ({ 'x-request-id': `echo-${secret}`, 'set-cookie': `k=${secret}` });
  const up = await startUpstream((secret, req) => {
    if (secret === CANARY.antWork) return anthropicError(429, 'rate_limit_error', `slow down ${secret}`, echo(secret));
    if (secret === CANARY.antToken)
      return anthropicError(401, 'authentication_error', `bad token ${secret}`, echo(secret));
    if (req.body.max_tokens === 1)
      return anthropicError(400, 'invalid_request_error', `bad request from ${secret}`, echo(secret));
    return { ...anthropicOk(`ok`), headers: echo(secret) };
  });
  const h = tempHome();
  const gw = await startTestGateway({
    home: h,
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    env: { ANTHROPIC_API_KEY: CANARY.antEnv },
  });
  h.writeStore({
    version: 1,
    profiles: {
      'anthropic:work': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork },
      'anthropic:manual': { type: 'token', provider: 'anthropic', token: CANARY.antToken },
    },
    order: { anthropic: ['anthropic:work', 'anthropic:manual', 'anthropic:env'] },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const outputs: string[] = [];
  const record = (r: { status: number; text: string; headers: Headers }) =>
    outputs.push(String(r.status), r.text, JSON.stringify([...r.headers]));
  record(await post(`${gw.url}/v1/messages`, msg));
  record(await post(`${gw.url}/v1/messages`, { ...msg, max_tokens: 1 }));
  record(await post(`${gw.url}/v1/chat/completions`, { ...msg, model: 'anthropic/claude-sonnet-4-5' }));
  for (const cmd of ['/model', '/model status', '/model sonnet@anthropic:work', '/model sonnet@nope:x']) {
    record(await post(`${gw.url}/v1/messages`, { ...msg, messages: [{ role: 'user', content: cmd }] }));
    record(
      await post(`${gw.url}/v1/chat/completions`, { ...msg, stream: true, messages: [{ role: 'user', content: cmd }] }),
    );
  }
  const m = await fetch(`${gw.url}/metrics`);
  outputs.push(await m.text());
  const models = await fetch(`${gw.url}/v1/models`);
  outputs.push(await models.text());
  await gw.gateway.close();
  t.true(
    up.requests.some((s) => s.secret === CANARY.antEnv),
    'the env credential was used',
  );
  t.true(outputs.join('\n').includes('[redacted]'), 'echoed secrets were replaced');
  t.deepEqual(leaks(outputs.join('\n') + gw.logs.join('\n')), []);
});
