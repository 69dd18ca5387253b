/** The gateway's log says why a request found no usable credential, as the client's answer does. */
import test from 'ava';
import { CANARY, leaks, post, startTestGateway } from './fakes.js';

test('gateway.exhausted logs the skipped candidates when nothing was tried', async (t) => {
  const gw = await startTestGateway({
    config: {},
    store: { version: 1, profiles: { 'nosuch:default': { type: 'api_key', provider: 'nosuch', key: CANARY.antWork } } },
  });
  t.teardown(() => gw.cleanup());
  const r = await post(`${gw.url}/v1/messages`, { model: 'nosuch/x', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
  t.is(r.status, 503);
  t.regex(r.json.error.message, /unknown_provider/);
  const line = gw.logs.find((l) => l.includes('gateway.exhausted')) ?? '';
  t.regex(line, /nosuch\/x:unknown_provider/, line);
  t.deepEqual(leaks(r.text + gw.logs.join('\n')), []);
});
