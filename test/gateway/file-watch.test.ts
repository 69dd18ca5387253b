/**
 * The gateway looks at its store and sessions files without a stat per request: a change
 * notice from the directory watch, or the re-check bound when notices are lost. These tests
 * prove the bound with an injected clock (watch off), the notice path with a frozen clock
 * (real inotify), and that this process's own writes are seen at once.
 */
import test, { type ExecutionContext } from 'ava';
import { AgentState } from '../../src/gateway/agent-state.js';
import { RECHECK_MS } from '../../src/gateway/file-watch.js';
import { fileBackend } from '../../src/store/backends/file.js';
import type { Store } from '../../src/store/schema.js';
import { updateStore } from '../../src/store/write.js';
import { startUpstream } from '../helpers/fake-providers.js';
import { CANARY, post, startTestGateway } from '../helpers/gateway.js';
import { anthropicOk } from '../helpers/provider-bodies.js';
import { tempHome } from '../helpers/tmp.js';
import { eventually } from '../helpers/wait.js';

const storeWith = (key: string): Store => ({
  version: 1,
  profiles: { 'anthropic:work': { type: 'api_key', provider: 'anthropic', key } },
});

/** The key `anthropic:work` has in the store as `agent` reads it now. */
async function keyOf(agent: AgentState): Promise<string | undefined> {
  const r = await agent.read();
  if (!r.ok) return undefined;
  const p = r.store.profiles['anthropic:work'];
  return typeof p?.key === 'string' ? p.key : undefined;
}

/** Replace the key the way `aipro models auth` does (locked, atomic rename). */
const replaceKey = (path: string, key: string) =>
  updateStore(path, (s) => ({ store: { ...s, profiles: storeWith(key).profiles }, result: undefined }));

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('without change notices a store written by another process is seen within the re-check bound', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const path = home.writeStore(storeWith('key-one'));
  const c = clock();
  const agent = new AgentState('main', path, home.env, fileBackend(home.env), { now: c.now, watch: false });
  t.is(await keyOf(agent), 'key-one');
  await replaceKey(path, 'key-two');
  // No notice and the bound not reached: the cached read is served, no syscall made.
  t.is(await keyOf(agent), 'key-one');
  c.advance(RECHECK_MS - 1);
  t.is(await keyOf(agent), 'key-one');
  c.advance(1);
  t.is(await keyOf(agent), 'key-two', 'seen once the bound has passed since the last look');
  // The bound counts from the last look, not from the write.
  await replaceKey(path, 'key-three');
  c.advance(RECHECK_MS / 2);
  t.is(await keyOf(agent), 'key-two');
  c.advance(RECHECK_MS / 2);
  t.is(await keyOf(agent), 'key-three');
});

test('with the watch a store written by another process is seen without the clock moving', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const path = home.writeStore(storeWith('key-one'));
  const c = clock();
  const agent = new AgentState('main', path, home.env, fileBackend(home.env), { now: c.now });
  t.teardown(() => agent.close());
  t.is(await keyOf(agent), 'key-one');
  await replaceKey(path, 'key-two');
  // The notice arrives on a later turn of the event loop; the frozen clock rules out the bound.
  await eventually(async () => (await keyOf(agent)) === 'key-two', 30_000, 'the change notice', 10);
  t.pass();
});

test('the sessions file follows the same rule, and this process sees its own session write at once', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const path = home.writeStore(storeWith('key-one'));
  const c = clock();
  const agent = new AgentState('main', path, home.env, fileBackend(home.env), { now: c.now, watch: false });
  const other = new AgentState('main', path, home.env, fileBackend(home.env), { now: c.now, watch: false });
  t.is(agent.sessions.get('s1'), undefined);
  t.is(other.sessions.get('s1'), undefined);
  await agent.sessions.update('s1', () => ({ model: 'anthropic/claude-sonnet-4-5', updatedAt: 1 }));
  t.is(agent.sessions.get('s1')?.model, 'anthropic/claude-sonnet-4-5', 'own write: no wait');
  t.is(other.sessions.get('s1'), undefined, 'another process: not before the bound');
  c.advance(RECHECK_MS);
  t.is(other.sessions.get('s1')?.model, 'anthropic/claude-sonnet-4-5');
});

const msg = { model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };

/** A gateway in front of a fake Anthropic, on a store holding the work key, with its watch off and a test clock. */
async function watchlessGateway(t: ExecutionContext, extra: { flushMs?: number } = {}) {
  const up = await startUpstream(() => anthropicOk());
  const home = tempHome();
  home.writeStore(storeWith(CANARY.antWork));
  const c = clock();
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    home,
    freshness: { now: c.now, watch: false },
    ...extra,
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  return { up, home, c, gw };
}

test('a gateway whose watch misses the change uses a key replaced by `models auth` within the bound', async (t) => {
  // Bookkeeping is written only when the test flushes: its own write must not be what re-reads the store.
  const { up, home, c, gw } = await watchlessGateway(t, { flushMs: 600_000 });
  t.is((await post(`${gw.url}/v1/messages`, msg)).status, 200);
  await gw.gateway.runtime.usage.flush();
  t.is((await post(`${gw.url}/v1/messages`, msg)).status, 200, 'reads back its own write');
  await replaceKey(home.storePath(), CANARY.antDefault);
  t.is((await post(`${gw.url}/v1/messages`, msg)).status, 200);
  c.advance(RECHECK_MS);
  t.is((await post(`${gw.url}/v1/messages`, msg)).status, 200);
  t.deepEqual(
    up.requests.map((r) => r.secret),
    [CANARY.antWork, CANARY.antWork, CANARY.antWork, CANARY.antDefault],
  );
});

test("the gateway's own bookkeeping write is read back at once, with no notice and a frozen clock", async (t) => {
  const { gw } = await watchlessGateway(t);
  t.is((await post(`${gw.url}/v1/messages`, msg)).status, 200);
  await gw.gateway.runtime.usage.flush();
  const agent = gw.gateway.runtime.agent('main');
  const read = await agent?.read();
  t.true(read?.ok && typeof read.store.usageStats?.['anthropic:work']?.lastUsed === 'number');
});
