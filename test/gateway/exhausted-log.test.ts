/** The gateway's log says why a request found no usable credential, as the client's answer does. */
import test from 'ava';
import { exhaustedError } from '../../src/gateway/exhausted.js';
import { CANARY, leaks, post, startTestGateway } from '../helpers/gateway.js';

test('gateway.exhausted logs the skipped candidates when nothing was tried', async (t) => {
  const gw = await startTestGateway({
    config: {},
    store: { version: 1, profiles: { 'nosuch:default': { type: 'api_key', provider: 'nosuch', key: CANARY.antWork } } },
  });
  t.teardown(() => gw.cleanup());
  const r = await post(`${gw.url}/v1/messages`, {
    model: 'nosuch/x',
    max_tokens: 16,
    messages: [{ role: 'user', content: 'hi' }],
  });
  t.is(r.status, 503);
  t.regex(r.json.error.message, /unknown_provider/);
  const line = gw.logs.find((l) => l.includes('gateway.exhausted')) ?? '';
  t.regex(line, /nosuch\/x:unknown_provider/, line);
  t.deepEqual(leaks(r.text + gw.logs.join('\n')), []);
});

test('a model of an unknown provider: the next step is config, not "add a credential"', (t) => {
  const err = exhaustedError(
    'main',
    'nosuch/x',
    [],
    [
      {
        model: 'nosuch/x',
        reason: 'unknown_provider',
        detail: 'aipro does not know provider "nosuch"; add models.providers.nosuch.baseUrl',
      },
    ],
    0,
  );
  t.is(err.status, 503);
  t.notRegex(err.message, /add-key/);
  t.regex(err.message, /aipro config set models\.providers\.nosuch\.baseUrl URL/);
  const missing = exhaustedError(
    'main',
    'anthropic/claude',
    [],
    [{ model: 'anthropic/claude', reason: 'no_credentials', detail: 'no credential for anthropic' }],
    0,
  );
  t.regex(missing.message, /aipro models auth add-key --provider anthropic/);
});
