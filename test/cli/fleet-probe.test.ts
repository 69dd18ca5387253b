/**
 * `models status --probe` on the postgres backend: probe results (verdicts) are written to
 * the shared store, so another host's plain `models status` shows a rejected key at once.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import test from 'ava';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { migrate } from '../../src/store/backends/postgres/migrations.js';
import { runCli } from '../helpers/cli.js';
import { startFakeProvider } from '../helpers/fake-providers.js';
import { usePostgres } from '../helpers/postgres.js';
import { tempHome } from '../helpers/tmp.js';

const pgs = usePostgres();
test.after.always(() => pgs.stop());

const GOOD = `sk-ant-api03-${'g'.repeat(93)}AA`;
const BAD = `sk-ant-api03-${'b'.repeat(93)}AA`;

test('a key rejected by a probe on host 1 shows as rejected on host 2 without probing', async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  const fake = await startFakeProvider('anthropic', { scenarios: { [GOOD]: 'ok', [BAD]: 'unauthorized' } });
  const [h1, h2] = [tempHome(), tempHome()];
  t.teardown(async () => {
    await fake.close();
    h1.cleanup();
    h2.cleanup();
  });
  const pool = createPool(url);
  await migrate(pool, 'aipro');
  await pool.end();
  const key = randomBytes(32).toString('base64');
  for (const h of [h1, h2]) {
    h.writeConfig({ models: { providers: { anthropic: { baseUrl: fake.url } } }, store: { backend: 'postgres' } });
    Object.assign(h.env, { AIPRO_STORE_POSTGRES_URL: url, AIPRO_STORE_KEY: key });
  }
  for (const [id, secret] of [
    ['anthropic:good', GOOD],
    ['anthropic:bad', BAD],
  ] as const) {
    const r = await runCli(['models', 'auth', 'add-key', '--provider', 'anthropic', '--profile-id', id], {
      env: h1.env,
      input: `${secret}\n`,
      timeoutMs: 60_000,
    });
    t.is(r.code, 0, r.stderr);
  }
  const probe = await runCli(['models', 'status', '--probe', '--json'], { env: h1.env, timeoutMs: 90_000 });
  t.is(probe.code, 0, probe.stderr);
  const status = (out: string, id: string) =>
    (JSON.parse(out).agents[0].profiles as { id: string; status: string }[]).find((p) => p.id === id)?.status;
  t.is(status(probe.stdout, 'anthropic:bad'), 'rejected');
  t.is(status(probe.stdout, 'anthropic:good'), 'static');
  const seen = await runCli(['models', 'status', '--json', '--check'], { env: h2.env, timeoutMs: 60_000 });
  t.is(seen.code, 1, 'host 2 fails the check on the verdict host 1 recorded');
  t.is(status(seen.stdout, 'anthropic:bad'), 'rejected');
  t.is(fake.requests.length, 2, 'host 2 did not probe');
  t.false(existsSync(h1.storePath()) || existsSync(h2.storePath()), 'no file store was written on either host');
  t.false((probe.stdout + probe.stderr + seen.stdout + seen.stderr).includes(BAD));
});
