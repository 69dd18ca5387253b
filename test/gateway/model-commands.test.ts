/** `/model` chat commands, answered by the gateway in both API formats (JSON and SSE). */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startUpstream, type Upstream } from '../helpers/fake-providers.js';
import { CANARY, leaks, post, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { anthropicOk, openaiOk } from '../helpers/provider-bodies.js';
import { joinRe } from '../helpers/re.js';

type Api = 'anthropic' | 'openai';
const APIS: Api[] = ['anthropic', 'openai'];

const CONFIG = (url: string) => ({
  models: {
    default: 'anthropic/claude-sonnet-4-5',
    aliases: { sonnet: 'anthropic/claude-sonnet-4-5', haiku: 'anthropic/claude-haiku-4-5', gpt: 'openai/gpt-4o' },
    fallbacks: ['openai/gpt-4o'],
    providers: { anthropic: { baseUrl: url }, openai: { baseUrl: `${url}/v1` } },
  },
});

const STORE = {
  version: 1,
  profiles: {
    'anthropic:work': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork },
    'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARY.antDefault },
    'openai:default': { type: 'api_key', provider: 'openai', key: CANARY.oaiKey },
  },
  order: { anthropic: ['anthropic:default', 'anthropic:work'] },
};

async function setup(
  t: { teardown(fn: () => Promise<void>): void },
  store: unknown = STORE,
): Promise<{ gw: TestGateway; up: Upstream }> {
  const up = await startUpstream((_s, req) => (req.path.endsWith('/messages') ? anthropicOk() : openaiOk()));
  const gw = await startTestGateway({ config: CONFIG(up.url), store });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  return { gw, up };
}

/** Text of a gateway reply in either format, checking the stream is well formed. */
function replyText(api: Api, r: { text: string; json: any; headers: Headers }, stream: boolean): string {
  if (!stream) return api === 'anthropic' ? r.json.content[0].text : r.json.choices[0].message.content;
  if (!/text\/event-stream/.test(r.headers.get('content-type') ?? '')) throw new Error('not SSE');
  const events = r.text.split('\n\n').filter(Boolean);
  const data = events.map(
    (e) =>
      e
        .split('\n')
        .find((l) => l.startsWith('data: '))
        ?.slice(6) ?? '',
  );
  if (api === 'anthropic') {
    const types = data.map((d) => JSON.parse(d).type);
    if (
      types.join(',') !==
      'message_start,content_block_start,content_block_delta,content_block_stop,message_delta,message_stop'
    )
      throw new Error(`bad event order ${types}`);
    return JSON.parse(data[2] as string).delta.text;
  }
  if (data[data.length - 1] !== '[DONE]') throw new Error('stream does not end with [DONE]');
  return JSON.parse(data[0] as string).choices[0].delta.content;
}

async function ask(
  gw: TestGateway,
  api: Api,
  text: string,
  opts: { session?: string; stream?: boolean; agent?: string } = {},
) {
  const path = api === 'anthropic' ? '/v1/messages' : '/v1/chat/completions';
  const body = {
    model: 'sonnet',
    max_tokens: 32,
    ...(opts.stream ? { stream: true } : {}),
    messages: [
      { role: 'user', content: 'earlier' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: text },
    ],
  };
  const r = await post(`${gw.url}${path}`, body, {
    'x-aipro-session': opts.session ?? 's1',
    ...(opts.agent ? { 'x-aipro-agent': opts.agent } : {}),
  });
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
  return { r, text: replyText(api, r, Boolean(opts.stream)) };
}

for (const api of APIS) {
  for (const stream of [false, true]) {
    const mode = `${api}${stream ? ' stream' : ''}`;

    test(`${mode}: /model and /model list show the numbered picker, never forwarded`, async (t) => {
      const { gw, up } = await setup(t);
      for (const cmd of ['/model', '/model list', '  /model   list  ']) {
        const { text } = await ask(gw, api, cmd, { stream });
        t.regex(
          text,
          joinRe(
            'm',
            /^ 1\. anthropic\/claude-sonnet-4-5 — alias sonnet · default · /,
            /provider anthropic · auth: ok ×2 {2}← current$/,
          ),
        );
        t.regex(text, /^ 2\. openai\/gpt-4o — alias gpt · fallback · provider openai · auth: ok ×1$/m);
        t.regex(text, /^ 3\. anthropic\/claude-haiku-4-5 — alias haiku · provider anthropic · auth: ok ×2$/m);
      }
      t.is(up.requests.length, 0);
    });

    test(`${mode}: /model N and /model <alias> switch the session model`, async (t) => {
      const { gw, up } = await setup(t);
      const picked = await ask(gw, api, '/model 3', { stream });
      t.regex(picked.text, /Model for this session: anthropic\/claude-haiku-4-5 \(haiku\)/);
      t.regex(picked.text, /Next auth profile: anthropic:default/);
      await post(
        `${gw.url}/v1/messages`,
        { model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
        { 'x-aipro-session': 's1' },
      );
      t.is(up.requests[0]?.body.model, 'claude-haiku-4-5', 'the session choice wins over the request model');
      const set = await ask(gw, api, '/model anthropic/claude-opus-4-1', { stream });
      t.regex(set.text, /Model for this session: anthropic\/claude-opus-4-1\./);
      const other = await ask(gw, api, '/model list', { stream, session: 's2' });
      t.regex(other.text, /1\. anthropic\/claude-sonnet-4-5 .*← current/, 'another session is unaffected');
      const bad = await ask(gw, api, '/model 9', { stream });
      t.regex(bad.text, /There is no model 9: the list has 3/);
    });

    test(`${mode}: /model <alias>@<profile> pins; an unknown profile lists the valid ones`, async (t) => {
      const { gw, up } = await setup(t);
      const unknown = await ask(gw, api, '/model sonnet@anthropic:nope', { stream });
      t.regex(
        unknown.text,
        /Unknown auth profile "anthropic:nope" for anthropic\. Valid profiles: anthropic:default, anthropic:work\./,
      );
      const wrong = await ask(gw, api, '/model sonnet@openai:default', { stream });
      t.regex(wrong.text, /it is not an anthropic profile/);
      const pinned = await ask(gw, api, '/model sonnet@anthropic:work', { stream });
      t.regex(pinned.text, /Pinned auth profile: anthropic:work/);
      const r = await post(
        `${gw.url}/v1/messages`,
        { model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
        { 'x-aipro-session': 's1' },
      );
      t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:work', 'the pin beats the stored order');
      t.is(up.requests[0]?.secret, CANARY.antWork);
    });

    test(`${mode}: /model status shows current model, candidates, next profile, endpoint, cooldowns`, async (t) => {
      const { gw, up } = await setup(t);
      const { text } = await ask(gw, api, '/model status', { stream });
      t.regex(text, /Current model: anthropic\/claude-sonnet-4-5 \(named by the request\)/);
      t.regex(text, /1\. anthropic\/claude-sonnet-4-5 \(primary\)/);
      t.regex(text, /2\. openai\/gpt-4o \(fallback\)/);
      t.true(
        text.includes(`endpoint: ${up.url}/v1/messages`) || text.includes(`endpoint: ${up.url}/v1/chat/completions`),
      );
      t.regex(text, /next auth profile: anthropic:default/);
      t.regex(text, /profiles: anthropic:default \[api_key, static\], anthropic:work \[api_key, static\]/);
      t.regex(text, /Cooldowns: none/);
      if (api === 'anthropic') t.regex(text, /openai speaks the openai API, not \/v1\/messages/);
      else t.regex(text, new RegExp(`endpoint: ${up.url}/v1/chat/completions \\(openai API\\)`));
      t.deepEqual(leaks(text), []);
    });

    test(`${mode}: /model reset and usage errors`, async (t) => {
      const { gw } = await setup(t);
      await ask(gw, api, '/model haiku@anthropic:work', { stream });
      const reset = await ask(gw, api, '/model reset', { stream });
      t.regex(reset.text, /cleared/);
      const status = await ask(gw, api, '/model status', { stream });
      t.notRegex(status.text, /Pinned/);
      const usage = await ask(gw, api, '/model a b', { stream });
      t.regex(usage.text, /takes one argument[\s\S]*Usage:/);
    });
  }
}

test('a pin survives a gateway restart and is per agent', async (t) => {
  const { gw, up } = await setup(t);
  await ask(gw, 'openai', '/model haiku@anthropic:work', { session: 'keep' });
  const file = join(gw.home.stateDir, 'agents', 'main', 'agent', 'gateway-sessions.json');
  t.true(existsSync(file));
  t.deepEqual(JSON.parse(readFileSync(file, 'utf8')).sessions.keep.profile, 'anthropic:work');
  const gw2 = await gw.restart();
  t.teardown(() => gw2.cleanup());
  const status = await ask(gw2, 'anthropic', '/model status', { session: 'keep' });
  t.regex(status.text, /Current model: anthropic\/claude-haiku-4-5 \(chosen in this session with \/model haiku\)/);
  t.regex(status.text, /Pinned auth profile: anthropic:work/);
  const r = await post(
    `${gw2.url}/v1/messages`,
    { model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
    { 'x-aipro-session': 'keep' },
  );
  t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:work');
  t.is(up.requests[0]?.body.model, 'claude-haiku-4-5');
  // Another agent has its own sessions (and here no credentials at all).
  const other = await ask(gw2, 'anthropic', '/model status', { session: 'keep', agent: 'ops' });
  t.notRegex(other.text, /Pinned/);
  t.regex(other.text, /next auth profile: none usable|no credential for anthropic/);
});

test('a pinned profile in cooldown is still used, and /model status warns about it', async (t) => {
  const until = Date.now() + 120_000;
  const store = {
    ...STORE,
    usageStats: {
      'anthropic:work': {
        cooldownUntil: until,
        errorCount: 1,
        failureCounts: { rate_limit: 1 },
        lastFailureReason: 'rate_limit',
      },
    },
  };
  const { gw, up } = await setup(t, store);
  const pinned = await ask(gw, 'anthropic', '/model sonnet@anthropic:work');
  t.regex(pinned.text, /⚠ anthropic:work is cooling down until .* it is still used first because you pinned it/);
  const status = await ask(gw, 'openai', '/model status');
  t.regex(
    status.text,
    /⚠ WARNING: pinned profile anthropic:work is cooling down until \S+ \(\d+m|\d+s left, last failure: rate_limit\)/,
  );
  t.regex(status.text, /next auth profile: anthropic:work \(pinned\)/);
  t.regex(status.text, /anthropic:work \[api_key, pinned, static, cooldown/);
  t.regex(status.text, /Cooldowns: anthropic:work until/);
  const r = await post(
    `${gw.url}/v1/messages`,
    { model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
    { 'x-aipro-session': 's1' },
  );
  t.is(r.status, 200);
  t.is(r.headers.get('x-aipro-auth-profile'), 'anthropic:work');
  t.is(up.requests[0]?.secret, CANARY.antWork);
});

test('the session comes from the user field when there is no header; /models is not a command', async (t) => {
  const { gw, up } = await setup(t);
  const set = await post(`${gw.url}/v1/chat/completions`, {
    model: 'sonnet',
    user: 'u-42',
    messages: [{ role: 'user', content: '/model gpt' }],
  });
  t.regex(set.json.choices[0].message.content, /openai\/gpt-4o/);
  const r = await post(`${gw.url}/v1/chat/completions`, {
    model: 'sonnet',
    user: 'u-42',
    messages: [{ role: 'user', content: '/models please' }],
  });
  t.is(r.status, 200);
  t.is(up.requests.length, 1, '/models was forwarded');
  t.is(up.requests[0]?.body.model, 'gpt-4o', 'the user-field session chose gpt');
  t.is(r.headers.get('x-aipro-auth-profile'), 'openai:default');
});
