/** `aipro gateway` on the postgres store: a backend that cannot start is one clear error naming the fix. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

test('aipro gateway on the postgres store without a key: exit 1 naming AIPRO_STORE_KEY, nothing written', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig({ store: { backend: 'postgres' } });
  const r = await runCli(['gateway', '--port', '0'], {
    env: { ...h.env, AIPRO_STORE_POSTGRES_URL: 'postgres://aipro@127.0.0.1:1/aipro' },
    timeoutMs: 60_000,
  });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /cannot open the postgres auth store: AIPRO_STORE_KEY is not set/);
  t.regex(r.stderr, /openssl rand -base64 32/);
  t.false(existsSync(join(h.stateDir, 'agents')));
});
