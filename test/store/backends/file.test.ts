/** The file backend is the store reader/writer behind the backend interface; config selects it. */
import { readFileSync } from 'node:fs';
import test from 'ava';
import { validateConfig } from '../../../src/config/load.js';
import { fileBackend } from '../../../src/store/backends/file.js';
import { openStoreBackend } from '../../../src/store/backends/index.js';
import { readStore } from '../../../src/store/read.js';
import { tempHome } from '../../helpers/tmp.js';

test('read returns what the file reader returns; update writes under the lock and keeps unknown fields', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = h.writeStore({
    version: 1,
    profiles: { 'anthropic:a': { type: 'api_key', provider: 'anthropic', key: 'k1', extra: { x: 1 } } },
    mine: true,
  });
  const b = fileBackend({ ...h.env }, 'main');
  const agent = { id: 'main', storePath: path };
  t.deepEqual(await b.read(agent), readStore(path));
  const r = await b.update(agent, (s, exists) => {
    s.profiles['openai:b'] = { type: 'api_key', provider: 'openai', key: 'k2' };
    return { store: s, result: exists };
  });
  t.true(r);
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  t.deepEqual(Object.keys(doc.profiles), ['anthropic:a', 'openai:b']);
  t.deepEqual(doc.profiles['anthropic:a'].extra, { x: 1 });
  t.true(doc.mine);
  t.is(readFileSync(`${path}.bak`, 'utf8').includes('openai:b'), false);
});

test('a store that does not parse is never overwritten through the backend', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = h.writeStore('{ not json');
  const b = fileBackend({ ...h.env }, 'main');
  const read = await b.read({ id: 'main', storePath: path });
  t.like(read, { ok: false, reason: 'parse' });
  await t.throwsAsync(
    b.update({ id: 'main', storePath: path }, (s) => ({ store: s, result: 1 })),
    { message: /aipro doctor/ },
  );
  t.is(readFileSync(path, 'utf8'), '{ not json');
});

test('listAgents: the default agent plus every agent directory, sorted', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore({ version: 1, profiles: {} }, 'zeta');
  h.writeStore({ version: 1, profiles: {} }, 'alpha');
  t.deepEqual(await fileBackend({ ...h.env }, 'main').listAgents(), ['alpha', 'main', 'zeta']);
});

test('store.* config keys: defaults, the URL from AIPRO_STORE_POSTGRES_URL, bad values named', async (t) => {
  const d = validateConfig({}, 'x', {});
  if (!d.ok) return t.fail(d.detail);
  t.deepEqual(d.config.store, {
    backend: 'file',
    postgres: { url: null, schema: 'aipro', encryption: 'aes-256-gcm', staleAfter: '15m', fleet: '' },
  });
  t.is((await openStoreBackend(d.config, {})).kind, 'file');
  const e = validateConfig({ store: { backend: 'postgres' } }, 'x', {
    AIPRO_STORE_POSTGRES_URL: 'postgres://u@127.0.0.1/db',
  });
  t.like(e, { ok: true, config: { store: { backend: 'postgres', postgres: { url: 'postgres://u@127.0.0.1/db' } } } });
  t.like(validateConfig({ store: { backend: 'mysql' } }, 'x', {}), { ok: false, key: 'store.backend' });
  t.like(validateConfig({ store: { postgres: { schema: 'x; drop table' } } }, 'x', {}), {
    ok: false,
    key: 'store.postgres.schema',
  });
  t.like(validateConfig({ store: { postgres: { encryption: 'rot13' } } }, 'x', {}), {
    ok: false,
    key: 'store.postgres.encryption',
  });
  t.like(validateConfig({ store: { postgres: { staleAfter: 'soon' } } }, 'x', {}), {
    ok: false,
    key: 'store.postgres.staleAfter',
  });
});
