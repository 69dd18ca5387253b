/**
 * The gateway's own bookkeeping write (once a second under traffic) is read back off the event
 * loop, and until that read lands the overlay keeps showing what was written: the next request
 * neither re-reads and parses the store on the event loop nor sees the store without the write.
 */
import test from 'ava';
import { UsageWriter } from '../../src/gateway/usage-writer.js';
import { fileBackend } from '../../src/store/backends/file.js';
import type { Store } from '../../src/store/schema.js';
import { startUpstream } from '../helpers/fake-providers.js';
import { CANARY, post, startTestGateway } from '../helpers/gateway.js';
import { anthropicOk } from '../helpers/provider-bodies.js';
import { tempHome } from '../helpers/tmp.js';

const store = (): Store => ({
  version: 1,
  profiles: { 'anthropic:work': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork } },
});
const msg = { model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };

test("after the gateway's own write the next request takes the cached store, which holds the write", async (t) => {
  const up = await startUpstream(() => anthropicOk());
  const home = tempHome();
  home.writeStore(store());
  // Frozen clock, no watch: only the gateway's own write can make its cache look at the file.
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    home,
    freshness: { now: () => 1_000_000, watch: false },
    flushMs: 600_000,
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  t.is((await post(`${gw.url}/v1/messages`, msg)).status, 200);
  await gw.gateway.runtime.usage.flush();
  const agent = gw.gateway.runtime.agent('main');
  // cached() is what the request path takes without a read; null would mean a read on the event loop.
  const cached = agent?.cached();
  t.truthy(cached, 'the store was read back when the write landed, not left to the next request');
  t.true(cached?.ok && typeof cached.store.usageStats?.['anthropic:work']?.lastUsed === 'number');
  t.is((await post(`${gw.url}/v1/messages`, msg)).status, 200);
});

test('a written batch stays in the overlay until the re-read that holds it has landed', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const path = home.writeStore(store());
  const agent = { id: 'main', storePath: path };
  let landed: () => void = () => undefined;
  const reread = new Promise<void>((r) => {
    landed = r;
  });
  let written = false;
  const w = new UsageWriter(fileBackend(home.env), {
    flushMs: 600_000,
    onWritten: () => {
      written = true;
      return reread;
    },
  });
  const before = store();
  w.overlay(agent, before);
  w.success(agent, 'anthropic:work', 42_000);
  const flushed = w.flush();
  while (!written) await new Promise((r) => setImmediate(r));
  // The file holds the success now, but the cache still serves the read from before it.
  t.is(w.overlay(agent, before).usageStats?.['anthropic:work']?.lastUsed, 42_000);
  landed();
  await flushed;
  t.is(w.overlay(agent, before).usageStats?.['anthropic:work']?.lastUsed, undefined, 'then the re-read is the base');
});
