/** A delivery that never reached a server says why in words an operator can act on. */
import test from 'ava';
import { createServer } from 'node:net';
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
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  const r = await post(`http://127.0.0.1:${port}/hook`, '{}', {}, AbortSignal.timeout(10_000), 'webhook');
  t.false(r.ok);
  t.regex(r.detail ?? '', /ECONNREFUSED/);
});
