/** A delivery that never reached a server says why in words an operator can act on. */
import test from 'ava';
import { freePort } from '../helpers/net.js';
import { post } from '../../src/alerts/channels/http.js';

test('a port fetch refuses to use (e.g. 1) is named, not reported as a bare TypeError', async (t) => {
  const r = await post(
    'http://127.0.0.1:1/hook',
    '{}',
    {},
    AbortSignal.timeout(10_000),
    'webhook http://127.0.0.1:1/…',
  );
  t.false(r.ok);
  t.true(!r.ok && r.retry);
  const detail = r.detail ?? '';
  t.false(detail.includes('TypeError'), detail);
  t.regex(detail, /bad port/);
});

test('a closed port reports the socket error code', async (t) => {
  const port = await freePort();
  const r = await post(`http://127.0.0.1:${port}/hook`, '{}', {}, AbortSignal.timeout(10_000), 'webhook');
  t.false(r.ok);
  t.regex(r.detail ?? '', /ECONNREFUSED/);
});
