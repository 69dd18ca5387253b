// One timed POST of the benchmark's message body: resolves with the milliseconds until the
// whole 200 answer was read, rejects on any other status. Shared by the gateway benchmarks.
import http from 'node:http';

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
