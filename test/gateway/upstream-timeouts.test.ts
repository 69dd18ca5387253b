/**
 * The three upstream deadlines on real node requests. The connect phase uses a socket that
 * stays "connecting" forever (what a black-holed host looks like), so no network is needed.
 */
import test from 'ava';
import http from 'node:http';
import net from 'node:net';
import { armIdle, armRequest, UpstreamTimeoutError } from '../../src/gateway/upstream-timeouts.js';
import { answerRaw, startRawUpstream } from '../helpers/raw-upstreams.js';

const errorOf = (req: http.ClientRequest) => new Promise<Error>((resolve) => req.on('error', resolve));

test('connectMs: a host that never completes the handshake fails with a connect timeout', async (t) => {
  const req = http.request({
    method: 'POST',
    host: '192.0.2.1',
    // No agent: node then uses createConnection as the socket.
    createConnection: () => {
      const s = new net.Socket();
      // Never connected and never will be: writes wait for a 'connect' that does not come.
      (s as { connecting: boolean }).connecting = true;
      return s;
    },
  });
  armRequest(req, { connectMs: 100, headersMs: 60_000, idleMs: 60_000 });
  const err = errorOf(req);
  req.end('{}');
  const e = await err;
  t.true(e instanceof UpstreamTimeoutError);
  t.is((e as UpstreamTimeoutError).phase, 'connect');
  t.regex(e.message, /no connection within 100 ms \(gateway\.timeouts\.connectMs\)/);
});

test('headersMs: a host that accepts and never answers fails with a headers timeout', async (t) => {
  const hung = await startRawUpstream();
  t.teardown(() => hung.close());
  const req = http.request(`${hung.url}/v1/messages`, { method: 'POST', agent: false });
  armRequest(req, { connectMs: 5000, headersMs: 150, idleMs: 60_000 });
  const err = errorOf(req);
  req.end('{}');
  const e = (await err) as UpstreamTimeoutError;
  t.is(e.phase, 'headers');
  t.is(e.code, 'ETIMEDOUT');
});

test('deadlines are cleared once headers arrive; idleMs then cuts a silent body', async (t) => {
  const silent = await startRawUpstream(answerRaw('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n12345', 'hang'));
  t.teardown(() => silent.close());
  const req = http.request(`${silent.url}/`, { method: 'POST', agent: false });
  armRequest(req, { connectMs: 5000, headersMs: 5000, idleMs: 200 });
  const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve).end('{}'));
  req.on('error', () => undefined); // the cut socket reports on the request too
  armIdle(res, 200);
  let body = '';
  res.on('data', (c: Buffer) => (body += c.toString()));
  const e = (await new Promise<Error>((resolve) => res.on('error', resolve))) as UpstreamTimeoutError;
  t.is(body, '12345', 'the bytes before the silence arrived');
  t.is(e.phase, 'idle', 'the body timed out, not the (cleared) header deadline');
});

test('headersMs is never cut short: the sweep fires a deadline after it, not before', async (t) => {
  const hung = await startRawUpstream();
  t.teardown(() => hung.close());
  const req = http.request(`${hung.url}/v1/messages`, { method: 'POST', agent: false });
  const t0 = performance.now();
  armRequest(req, { connectMs: 5000, headersMs: 300, idleMs: 60_000 });
  const err = errorOf(req);
  req.end('{}');
  const e = (await err) as UpstreamTimeoutError;
  t.is(e.phase, 'headers');
  t.true(performance.now() - t0 >= 300, 'a deadline only ever passes late (by up to two sweep periods)');
});

test('idleMs counts silence only: a slow body is never cut, and a complete one is let go', async (t) => {
  // 12 chunks 40 ms apart (~0.5 s in all) under an idle deadline of 1 s.
  const chunks = Array.from({ length: 12 }, (_, i) => String(i % 10));
  const slow = await startRawUpstream((sock) => {
    sock.once('data', async () => {
      sock.write(`HTTP/1.1 200 OK\r\ncontent-length: ${chunks.length}\r\n\r\n`);
      for (const c of chunks) {
        await new Promise((r) => setTimeout(r, 40));
        if (sock.destroyed) return;
        sock.write(c);
      }
    });
  });
  t.teardown(() => slow.close());
  const req = http.request(`${slow.url}/`, { method: 'POST', agent: false });
  armRequest(req, { connectMs: 5000, headersMs: 5000, idleMs: 1000 });
  const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve).end('{}'));
  const idle = armIdle(res, 1000);
  let failed: Error | null = null;
  res.on('error', (err) => (failed = err));
  // Not read until the whole body has arrived: a complete body waiting for its reader is not silence.
  while (!res.complete && !res.destroyed) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 1300));
  let body = '';
  for await (const c of res) body += String(c);
  idle.clear();
  t.is(failed, null);
  t.is(body, chunks.join(''));
});
