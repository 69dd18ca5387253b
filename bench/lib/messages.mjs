// The gateway benchmarks' Messages request and the local upstream that answers it: one timed
// POST (the milliseconds until the whole 200 answer was read; any other status rejects) and a
// fake provider that answers every request with the same small message.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BENCH_BODY = JSON.stringify({
  model: 'sonnet',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hello' }],
});

/** POST `BENCH_BODY` to `url` through `agent` with `headers` added; the time to the last byte. */
export function timedPost(url, agent, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BENCH_BODY), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Number(process.hrtime.bigint() - t0) / 1e6)
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(BENCH_BODY);
  });
}

/** The `p`th percentile of sorted `xs`. */
export const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** A local upstream on 127.0.0.1 answering every request with one small Messages reply; its URL. */
export async function startBenchUpstream() {
  const answer = JSON.stringify({
    id: 'msg_b',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: 'ok' }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 1, output_tokens: 1 },
  });
  const upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(answer),
        'request-id': 'req_b',
      });
      res.end(answer);
    });
  });
  // Idle keep-alive sockets to the upstream outlive the other paths' rounds: a socket the upstream
  // closes just as a proxy reuses it would fail a request that only measures the bench.
  upstream.keepAliveTimeout = 60_000;
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  return { server: upstream, url: `http://127.0.0.1:${upstream.address().port}` };
}

/**
 * A throwaway HOME for `aipro gateway` in front of the bench upstream: the config points
 * anthropic at `upUrl`, and agent main holds `profileCount` API-key profiles (anthropic:p0…).
 */
export function benchHome(upUrl, profileCount, prefix) {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const agentDir = join(home, '.aipro', 'agents', 'main', 'agent');
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(home, '.aipro', 'aipro.json'),
    JSON.stringify({ models: { providers: { anthropic: { baseUrl: upUrl } } } }),
  );
  const profiles = Array.from({ length: profileCount }, (_, i) => [
    `anthropic:p${i}`,
    { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${String(i).padStart(80, 'a')}` },
  ]);
  writeFileSync(
    join(agentDir, 'auth-profiles.json'),
    JSON.stringify({ version: 1, profiles: Object.fromEntries(profiles) }),
    { mode: 0o600 },
  );
  return home;
}

/** Resolves to { proc, url } once a started proxy prints "listening on http://…"; rejects if it exits first. */
export function untilListening(proc, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`${what} exited ${code}`)));
  });
}
