/** Sealing secret fields: AES-256-GCM bound to agent/profile/field; keys parsed strictly; no key refused. */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { validateConfig } from '../../../src/config/load.js';
import { storeKey } from '../../../src/store/backends/postgres/connect.js';
import { aadFor, parseStoreKey, seal, sealedKeyId, unseal } from '../../../src/store/backends/postgres/seal.js';
import { tempDir } from '../../helpers/tmp.js';

const key = () => parseStoreKey(randomBytes(32).toString('base64'), 'K');

test('seal/unseal round trip; the envelope names the key and hides the value', (t) => {
  const k = key();
  const env = seal('sk-ant-secret-value', k, aadFor('main', 'anthropic:a', 'key'));
  t.false(env.includes('sk-ant'));
  t.is(sealedKeyId(env), k.id);
  t.deepEqual(unseal(env, [k], aadFor('main', 'anthropic:a', 'key')), { ok: true, value: 'sk-ant-secret-value' });
  t.not(seal('x', k, 'a'), seal('x', k, 'a'), 'a fresh IV every time');
});

test('a sealed value moved to another row or field, or tampered with, does not open', (t) => {
  const k = key();
  const env = seal('secret', k, aadFor('main', 'anthropic:a', 'key'));
  t.false(unseal(env, [k], aadFor('main', 'anthropic:b', 'key')).ok);
  t.false(unseal(env, [k], aadFor('other', 'anthropic:a', 'key')).ok);
  t.false(unseal(env, [k], aadFor('main', 'anthropic:a', 'token')).ok);
  const parts = env.split('.');
  const ct = Buffer.from(parts[4] as string, 'base64');
  ct[0] = (ct[0] as number) ^ 1;
  parts[4] = ct.toString('base64');
  t.regex(
    (unseal(parts.join('.'), [k], aadFor('main', 'anthropic:a', 'key')) as { detail: string }).detail,
    /does not verify/,
  );
});

test('keys must be 32 bytes of base64; the error never shows the value', (t) => {
  const short = randomBytes(16).toString('base64');
  const err = t.throws(() => parseStoreKey(short, 'AIPRO_STORE_KEY'));
  t.regex(err?.message ?? '', /32 random bytes.*openssl rand -base64 32/);
  t.false((err?.message ?? '').includes(short));
  t.throws(() => parseStoreKey('not base64 at all!!', 'AIPRO_STORE_KEY'));
});

test('postgres refuses to start without a key unless encryption is none', (t) => {
  const c = validateConfig({ store: { backend: 'postgres' } }, 'x', {});
  if (!c.ok) return t.fail(c.detail);
  t.throws(() => storeKey(c.config, {}), { message: /AIPRO_STORE_KEY is not set.*encryption none/ });
  const none = validateConfig({ store: { backend: 'postgres', postgres: { encryption: 'none' } } }, 'x', {});
  if (!none.ok) return t.fail(none.detail);
  t.is(storeKey(none.config, {}), null);
  const k = randomBytes(32).toString('base64');
  t.is(storeKey(c.config, { AIPRO_STORE_KEY: k })?.id, parseStoreKey(k, 'k').id);
});

test('the key may come from the systemd credential aipro-store-key; AIPRO_STORE_KEY wins', (t) => {
  const c = validateConfig({ store: { backend: 'postgres' } }, 'x', {});
  if (!c.ok) return t.fail(c.detail);
  const dir = tempDir(t, 'aipro-cred-');
  const fromFile = randomBytes(32).toString('base64');
  writeFileSync(join(dir, 'aipro-store-key'), `${fromFile}\n`);
  t.is(storeKey(c.config, { CREDENTIALS_DIRECTORY: dir })?.id, parseStoreKey(fromFile, 'k').id);
  const fromEnv = randomBytes(32).toString('base64');
  t.is(
    storeKey(c.config, { CREDENTIALS_DIRECTORY: dir, AIPRO_STORE_KEY: fromEnv })?.id,
    parseStoreKey(fromEnv, 'k').id,
  );
});
