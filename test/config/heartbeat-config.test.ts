/**
 * `monitor.heartbeat.*`: declared once in the schema, validated strictly, and — since a ping
 * URL carries its token — shown redacted wherever the config is printed.
 */
import test from 'ava';
import { validateConfig } from '../../src/config/load.js';
import { redactForDisplay } from '../../src/cli/config.js';

const TOKEN = 'c0ffee00-1111-2222-3333-redaction-canary';
const v = (heartbeat: unknown) => validateConfig({ monitor: { heartbeat } }, '/x/aipro.json', {});

test('defaults: off, GET, 10 s', (t) => {
  const r = v({});
  if (!r.ok) return t.fail(r.detail);
  t.deepEqual(r.config.monitor.heartbeat, { url: null, failUrl: null, method: 'GET', timeoutMs: 10000 });
});

test('accepts http(s) URLs and {source, id} references; refuses the rest naming the key', (t) => {
  t.true(
    v({
      url: `https://hc-ping.com/${TOKEN}`,
      failUrl: `https://hc-ping.com/${TOKEN}/fail`,
      method: 'POST',
      timeoutMs: 500,
    }).ok,
  );
  t.true(v({ url: { source: 'env', id: 'AIPRO_HEARTBEAT_URL' } }).ok);
  for (const [bad, key] of [
    [{ url: 'hc-ping.com/x' }, 'monitor.heartbeat.url'],
    [{ failUrl: 'ftp://x/y' }, 'monitor.heartbeat.failUrl'],
    [{ method: 'PUT' }, 'monitor.heartbeat.method'],
    [{ timeoutMs: 50 }, 'monitor.heartbeat.timeoutMs'],
    [{ timeoutMs: 600000 }, 'monitor.heartbeat.timeoutMs'],
    [{ url: { source: 'vault', id: 'x' } }, 'monitor.heartbeat.url'],
  ] as const) {
    const r = v(bad);
    t.false(r.ok, JSON.stringify(bad));
    if (!r.ok) {
      t.is(r.key, key);
      t.false(r.detail.includes('ftp://x/y'), 'the value is never echoed');
    }
  }
});

test('both URLs print redacted; a reference and the other keys stay visible', (t) => {
  const r = v({ url: `https://hc-ping.com/${TOKEN}`, failUrl: { source: 'env', id: 'HB_FAIL' }, method: 'POST' });
  if (!r.ok) return t.fail(r.detail);
  const shown = redactForDisplay(r.config) as { monitor: { heartbeat: Record<string, unknown> } };
  t.is(shown.monitor.heartbeat.url, '[redacted]');
  t.deepEqual(shown.monitor.heartbeat.failUrl, { source: 'env', id: 'HB_FAIL' });
  t.is(shown.monitor.heartbeat.method, 'POST');
  t.false(JSON.stringify(shown).includes(TOKEN));
});
