/**
 * `models auth login` on the postgres backend: the OAuth login lands in the shared store, sealed, and never in a file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import test from 'ava';
import { postgresBackend } from '../../src/store/backends/postgres.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { migrate } from '../../src/store/backends/postgres/migrations.js';
import { parseStoreKey } from '../../src/store/backends/postgres/seal.js';
import { runCli, startCli } from '../helpers/cli.js';
import { startOAuthServer } from '../helpers/oauth-server.js';
import { usePostgres } from '../helpers/postgres.js';
import { tempHome } from '../helpers/tmp.js';
import { oauthConfigRaw } from '../oauth/helpers.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());

test(
  'a --no-browser login is stored in PostgreSQL (sealed), visible to another host, and writes no ' + 'file',
  async (t) => {
    const url = await pgs.need(t);
    if (!url) return;
    const server = await startOAuthServer();
    const h = tempHome();
    const other = tempHome();
    t.teardown(async () => {
      await server.close();
      h.cleanup();
      other.cleanup();
    });
    const key = randomBytes(32).toString('base64');
    const pool = createPool(url);
    await migrate(pool, 'aipro');
    for (const x of [h, other]) {
      x.writeConfig({ ...oauthConfigRaw(server), store: { backend: 'postgres' } });
      Object.assign(x.env, { AIPRO_STORE_POSTGRES_URL: url, AIPRO_STORE_KEY: key });
    }
    const cli = startCli(
      ['models', 'auth', 'login', '--provider', 'openai-codex', '--no-browser', '--profile-id', 'openai-codex:fleet'],
      { env: h.env, cwd: h.home },
    );
    const authUrl = (/^\s+(http\S+)$/m.exec(await cli.said(/^\s+http\S+$/m)) as RegExpExecArray)[1] as string;
    cli.write(`${await server.authorize(authUrl, { account: 'ops' })}\n`);
    const { code, stdout, stderr } = await cli.done;
    t.is(code, 0, stderr);
    t.regex(stdout, /stored openai-codex:fleet \(.*\) in postgres:aipro\/main/);
    t.false(existsSync(h.storePath()), 'no file store was written');

    const b = postgresBackend(createPool(url), 'aipro', parseStoreKey(key, 'k'));
    t.teardown(async () => {
      await b.close();
      await pool.end();
    });
    const read = await b.read({ id: 'main', storePath: '' });
    const p = read.ok ? read.store.profiles['openai-codex:fleet'] : undefined;
    t.like(p, { type: 'oauth', email: 'ops@example.com' });
    const rows = (await pool.query(`SELECT t::text AS row FROM aipro.profiles t`)).rows.map((r) => r.row).join('\n');
    t.false(rows.includes(p?.refresh as string) || rows.includes(p?.access as string), 'tokens are sealed');
    const status = await runCli(['models', 'status', '--json'], { env: other.env, timeoutMs: 60_000 });
    t.true(
      JSON.parse(status.stdout).agents[0].profiles.some(
        (r: { id: string; status: string }) => r.id === 'openai-codex:fleet' && r.status === 'ok',
      ),
      status.stdout,
    );
  },
);
