import test from 'ava';
import { monitorBaseUrl } from '../../src/config/channels.js';
import { safeUrl } from '../../src/alerts/channels/http.js';
import { buildChannels } from '../../src/alerts/channels/index.js';
import { classifyStatus } from '../../src/alerts/channels/http.js';
import { defaultConfig } from '../helpers/config.js';

test('safeUrl keeps scheme and host only (paths and queries often carry tokens)', (t) => {
  t.is(safeUrl('https://user:pw@hooks.slack.com/services/T0/B0/XYZ?token=abc'), 'https://hooks.slack.com/…');
  t.is(safeUrl('http://127.0.0.1:9093'), 'http://127.0.0.1:9093/');
  t.is(safeUrl('not a url'), '(invalid URL)');
});

test('monitorBaseUrl replaces a wildcard listen host with the alert host', (t) => {
  t.is(monitorBaseUrl('127.0.0.1:18790', 'gw1'), 'http://127.0.0.1:18790');
  t.is(monitorBaseUrl('0.0.0.0:18790', 'gw1'), 'http://gw1:18790');
  t.is(monitorBaseUrl(':18790', 'gw1'), 'http://gw1:18790');
  t.is(monitorBaseUrl('[::]:18790', 'gw1'), 'http://gw1:18790');
});

test('HTTP answers: 2xx delivered, 408/425/429/5xx retry, other 4xx permanent', (t) => {
  t.true(classifyStatus(204).ok);
  for (const s of [408, 425, 429, 500, 502, 503]) t.like(classifyStatus(s), { ok: false, retry: true });
  for (const s of [400, 401, 403, 404, 410, 422]) t.like(classifyStatus(s), { ok: false, retry: false });
});

test('webhook and alertmanager configs are checked in full; errors name alerts.channels.<name>.<key>', (t) => {
  const config = defaultConfig({
    alerts: {
      channels: {
        w: {
          type: 'webhook',
          url: 'ftp://x',
          format: 'teams',
          secret: 42,
          timeoutMs: -1,
          headers: { 'Bad Header': 'x' },
          colour: 'red',
        },
        a: { type: 'alertmanager', url: 'not a url', generatorURL: '' },
        ok: { type: 'webhook', url: { source: 'env', id: 'HOOK_URL' } },
      },
    },
  });
  const { channels, errors } = buildChannels({ config, env: {}, host: 'gw1' });
  t.deepEqual(
    channels.map((c) => c.name),
    ['ok'],
  );
  const w = errors.find((e) => e.channel === 'w')?.message ?? '';
  for (const k of [
    'url: must be an http',
    'format: must be one of',
    'secret: must be a string',
    'timeoutMs: must be an integer',
    'headers.Bad Header: is not a valid header name',
    'colour: unknown key',
  ]) {
    t.true(w.includes(`alerts.channels.w.${k}`), `${k} in ${w}`);
  }
  const a = errors.find((e) => e.channel === 'a')?.message ?? '';
  t.true(a.includes('alerts.channels.a.url: is not a URL'), a);
  t.true(a.includes('alerts.channels.a.generatorURL: must be a non-empty string'), a);
});

test('a secret ref that does not resolve is a retry naming the key, never a crash', async (t) => {
  const config = defaultConfig({
    alerts: { channels: { ok: { type: 'webhook', url: { source: 'env', id: 'HOOK_URL' } } } },
  });
  const [ch] = buildChannels({ config, env: {}, host: 'gw1' }).channels;
  const r = await ch!.send(
    {
      key: 'k',
      episode: 'e',
      kind: 'test',
      severity: 'info',
      agent: 'main',
      provider: 'aipro',
      profile: 'aipro:test',
      credentialType: 'none',
      credentialStatus: 'unknown',
      detail: '',
      host: 'gw1',
      startedAt: 0,
      createdAt: 0,
    },
    { now: 0, signal: new AbortController().signal, cycleIntervalMs: 60_000 },
  );
  t.deepEqual(r, { ok: false, retry: true, detail: 'alerts.channels.ok.url: env var HOOK_URL is not set' });
});
