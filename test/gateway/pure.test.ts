/** The pure parts of the gateway: command parsing, bind rules, plans. */
import test from 'ava';
import { parseModelCommand } from '../../src/gateway/commands.js';
import { bindHost, checkBind, isLoopback, presentedToken, tokenMatches } from '../../src/gateway/security.js';
import { pruneSessions } from '../../src/gateway/sessions.js';
import { candidateResolver, candidatesFor, primaryModel, resolveRequested } from '../../src/gateway/candidates.js';
import { configFrom } from '../helpers/config.js';

test('parseModelCommand: every form', (t) => {
  const aliases = { sonnet: 'anthropic/claude-sonnet-4-5', status: 'openai/gpt-4o' };
  t.deepEqual(parseModelCommand('/model', aliases), { kind: 'list' });
  t.deepEqual(parseModelCommand('  /model list ', aliases), { kind: 'list' });
  t.deepEqual(parseModelCommand('/model reset', aliases), { kind: 'reset' });
  t.deepEqual(parseModelCommand('/model 3', aliases), { kind: 'pick', index: 3 });
  t.deepEqual(parseModelCommand('/model 3@anthropic:work', aliases), {
    kind: 'pick',
    index: 3,
    profile: 'anthropic:work',
  });
  t.deepEqual(parseModelCommand('/model sonnet', aliases), { kind: 'set', ref: 'sonnet' });
  t.deepEqual(parseModelCommand('/model gpt@openai-codex:me@example.com', aliases), {
    kind: 'set',
    ref: 'gpt',
    profile: 'openai-codex:me@example.com',
  });
  t.deepEqual(
    parseModelCommand('/model status', aliases),
    { kind: 'set', ref: 'status' },
    'an alias named "status" wins',
  );
  t.deepEqual(parseModelCommand('/model status', {}), { kind: 'status' });
  t.is(parseModelCommand('/models', aliases), null);
  t.is(parseModelCommand('please /model list', aliases), null);
  t.is(parseModelCommand(null, aliases), null);
  t.is(parseModelCommand('/model a b', aliases)?.kind, 'usage');
  t.is(parseModelCommand('/model @x:y', aliases)?.kind, 'usage');
  t.is(parseModelCommand('/model sonnet@', aliases)?.kind, 'usage');
});

test('bind rules: loopback needs no token, anything else does', (t) => {
  t.is(bindHost('loopback'), '127.0.0.1');
  t.is(bindHost('lan'), '0.0.0.0');
  t.is(bindHost('[::1]'), '::1');
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) t.true(isLoopback(h), h);
  for (const h of ['0.0.0.0', '192.168.1.5', '::', 'example.com']) t.false(isLoopback(h), h);
  const none = configFrom({}, {});
  t.true(checkBind(none, {}, '127.0.0.1').ok);
  const refused = checkBind(none, {}, '0.0.0.0');
  t.false(refused.ok);
  const withToken = configFrom({ gateway: { auth: { token: { source: 'env', id: 'GW_T' } } } }, {});
  t.deepEqual(checkBind(withToken, { GW_T: 'abc' }, '0.0.0.0'), { ok: true, token: 'abc' });
  t.false(checkBind(withToken, {}, '0.0.0.0').ok);
});

test('tokens compare in constant time and are read from Bearer or x-api-key', (t) => {
  t.true(tokenMatches('secret-token', 'secret-token'));
  t.false(tokenMatches('secret-tokeN', 'secret-token'));
  t.false(tokenMatches(undefined, 'secret-token'));
  t.false(tokenMatches('', 'x'));
  t.is(presentedToken({ authorization: 'Bearer abc' }), 'abc');
  t.is(presentedToken({ authorization: 'bearer  abc ' }), 'abc');
  t.is(presentedToken({ 'x-api-key': 'k' }), 'k');
  t.is(presentedToken({ authorization: 'Basic xyz' }), undefined);
});

test('model resolution: session > request > default, then fallbacks', (t) => {
  const config = configFrom(
    {
      models: {
        default: 'anthropic/claude-sonnet-4-5',
        aliases: { gpt: 'openai/gpt-4o' },
        fallbacks: ['gpt', 'anthropic/claude-sonnet-4-5'],
      },
    },
    {},
  );
  t.like(primaryModel('openai/gpt-4o', 'sonnet', config, 'anthropic'), { ok: true, source: 'session' });
  t.like(primaryModel(undefined, 'sonnet', config, 'anthropic'), { ok: true, source: 'request' });
  t.like(primaryModel(undefined, undefined, config, 'anthropic'), { ok: true, source: 'default' });
  t.deepEqual(resolveRequested('claude-opus-4-1', config, 'anthropic'), {
    provider: 'anthropic',
    model: 'claude-opus-4-1',
  });
  t.deepEqual(
    resolveRequested('gpt-4o', config, 'anthropic'),
    { provider: 'openai', model: 'gpt-4o' },
    'a bare id of a configured model',
  );
  t.deepEqual(resolveRequested('gpt-5', config, 'openai'), { provider: 'openai', model: 'gpt-5' });
  const c = candidatesFor({ provider: 'anthropic', model: 'claude-sonnet-4-5' }, config);
  t.deepEqual(
    c.map((x) => `${x.ref}:${x.role}`),
    ['anthropic/claude-sonnet-4-5:primary', 'openai/gpt-4o:fallback'],
  );
  t.is(candidatesFor({ provider: 'nowhere', model: 'm' }, config)[0]?.endpoint, null);
});

test('candidateResolver: the answer of primaryModel + candidatesFor, remembered per config', (t) => {
  const config = configFrom(
    { models: { default: 'anthropic/claude-sonnet-4-5', aliases: { gpt: 'openai/gpt-4o' }, fallbacks: ['gpt'] } },
    {},
  );
  const resolve = candidateResolver('anthropic');
  const asked: [string | undefined, unknown][] = [
    [undefined, 'sonnet'],
    ['openai/gpt-4o', 'sonnet'],
    [undefined, undefined],
    [undefined, 42],
    [undefined, ''],
    [undefined, 'claude-opus-4-1'],
    [undefined, 'nowhere/'],
  ];
  for (const [session, requested] of asked) {
    const p = primaryModel(session, requested, config, 'anthropic');
    const want = p.ok ? { ...p, candidates: candidatesFor(p.ref, config) } : p;
    t.deepEqual(resolve(config, session, requested), want, `${session} ${String(requested)}`);
    t.deepEqual(resolve(config, session, requested), want, `${session} ${String(requested)}, remembered`);
  }
  const other = configFrom({ models: { default: 'openai/gpt-4o', aliases: {}, fallbacks: [] } }, {});
  t.like(
    resolve(other, undefined, undefined),
    { ok: true, ref: { provider: 'openai', model: 'gpt-4o' } },
    'another config object is resolved afresh, not from the memo',
  );
});

test('sessions: only the newest are kept', (t) => {
  const s = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`s${i}`, { updatedAt: i }]));
  t.deepEqual(Object.keys(pruneSessions(s, 2)).sort(), ['s3', 's4']);
});
