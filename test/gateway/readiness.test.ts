/** /readyz and aipro_auth_store_ok on one host's file store (the fleet's degraded mode: fleet-degraded.test.ts). */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { startUpstream } from '../helpers/fake-providers.js';
import { CANARY, post, startTestGateway } from '../helpers/gateway.js';
import { anthropicOk } from '../helpers/provider-bodies.js';

const msg = () => ({ model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

test('file store: /readyz is 200; aipro_auth_store_ok follows the store of each agent served', async (t) => {
  const up = await startUpstream(() => anthropicOk());
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    store: { version: 1, profiles: { 'anthropic:a': { type: 'api_key', provider: 'anthropic', key: CANARY.antWork } } },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  const ready = await fetch(`${gw.url}/readyz`);
  t.is(ready.status, 200);
  t.is(await ready.text(), 'ready\n');
  const gauge = async () =>
    /^aipro_auth_store_ok\{agent="main"\} (\d)$/m.exec(await (await fetch(`${gw.url}/metrics`)).text())?.[1];
  t.is(await gauge(), undefined, 'no series before the agent is served');
  t.is((await post(`${gw.url}/v1/messages`, msg())).status, 200);
  t.is(await gauge(), '1');
  await gw.gateway.close();
  writeFileSync(gw.home.storePath(), '{ not json', { mode: 0o600 });
  t.is(await gauge(), '0', 'a store that no longer parses shows on the next scrape');
});
