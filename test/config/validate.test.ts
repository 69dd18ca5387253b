/** validateConfig: maps of objects (auth.profiles, alerts.channels) and secret refs load and validate. */
import test from 'ava';
import { validateConfig } from '../../src/config/load.js';

test('auth.profiles with ids containing ":" validates', (t) => {
  const r = validateConfig(
    { auth: { profiles: { 'anthropic:manual': { provider: 'anthropic', mode: 'token' } } } },
    'x',
    {},
  );
  if (!r.ok) return t.fail(`${r.key}: ${r.detail}`);
  t.deepEqual(r.config.auth.profiles, { 'anthropic:manual': { provider: 'anthropic', mode: 'token' } });
});

test('alerts.channels with nested smtp and a pass reference validates', (t) => {
  const ch = {
    type: 'email',
    to: ['ops@example.com'],
    from: 'a@b',
    smtp: { host: 'h', port: 587, pass: { source: 'env', id: 'SMTP_PASS' } },
  };
  const r = validateConfig({ alerts: { channels: { 'ops-mail': ch } } }, 'x', {});
  if (!r.ok) return t.fail(`${r.key}: ${r.detail}`);
  t.deepEqual(r.config.alerts.channels['ops-mail'], ch as never);
});

test('a secret reference object on a scalar key validates; a bad one names the key', (t) => {
  const ok = validateConfig({ gateway: { auth: { token: { source: 'env', id: 'TOK' } } } }, 'x', {});
  t.true(ok.ok);
  if (ok.ok) t.deepEqual(ok.config.gateway.auth.token, { source: 'env', id: 'TOK' });
  const bad = validateConfig({ gateway: { auth: { token: { source: 'vault', id: 'TOK' } } } }, 'x', {});
  t.like(bad, { ok: false, key: 'gateway.auth.token' });
});

// Every scalar key documented as taking a secret reference: the reference must validate whatever
// the key's default is ('' for store.postgres.url made convict call the object a missing key).
const SECRET_SCALARS = [
  'monitor.heartbeat.url',
  'monitor.heartbeat.failUrl',
  'gateway.auth.token',
  'store.postgres.url',
];

test('every secret-taking scalar key accepts a {source, id} reference and keeps it whole', (t) => {
  for (const path of SECRET_SCALARS) {
    const ref = { source: 'env', id: 'SECRET_VAR' };
    const raw: Record<string, unknown> = {};
    let at = raw;
    const parts = path.split('.');
    for (const p of parts.slice(0, -1)) at = (at[p] = {}) as Record<string, unknown>;
    at[parts[parts.length - 1] as string] = ref;
    const r = validateConfig(raw, 'x', {});
    if (!r.ok) {
      t.fail(`${path}: ${r.key}: ${r.detail}`);
      continue;
    }
    let value: unknown = r.config;
    for (const p of parts) value = (value as Record<string, unknown>)[p];
    t.deepEqual(value, ref, path);
  }
});

test('a map whose value is not an object is refused with the key', (t) => {
  t.like(validateConfig({ auth: { profiles: { x: 'y' } } }, 'x', {}), { ok: false, key: 'auth.profiles' });
  t.like(validateConfig({ models: { providers: { anthropic: 5 } } }, 'x', {}), { ok: false, key: 'models.providers' });
});

test('string maps still merge over their defaults (models.aliases)', (t) => {
  const r = validateConfig({ models: { aliases: { opus: 'anthropic/claude-opus-4' } } }, 'x', {});
  if (!r.ok) return t.fail(r.detail);
  t.is(r.config.models.aliases.opus, 'anthropic/claude-opus-4');
  t.is(r.config.models.aliases.sonnet, 'anthropic/claude-sonnet-4-5');
});

test('warnHours must be a finite number ≥ 0 (also from the env override)', (t) => {
  t.like(validateConfig({ auth: { warnHours: 'abc' } }, 'x', {}), { ok: false, key: 'auth.warnHours' });
  t.like(validateConfig({}, 'x', { AIPRO_WARN_HOURS: 'abc' }), { ok: false, key: 'auth.warnHours' });
  const r = validateConfig({}, 'x', { AIPRO_WARN_HOURS: '6' });
  t.true(r.ok && r.config.auth.warnHours === 6);
  t.true(validateConfig({ auth: { warnHours: 0.5 } }, 'x', {}).ok);
});
