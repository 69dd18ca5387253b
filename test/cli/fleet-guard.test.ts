/**
 * Commands that still work on the store files refuse on the postgres backend instead of
 * quietly serving or changing this host's files while the fleet uses the database.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const FILE_ONLY: [string, string[]][] = [['aipro gateway', ['gateway', '--port', '0']]];

for (const [what, args] of FILE_ONLY) {
  test(`${what} refuses on the postgres backend, names the way out, writes nothing`, async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    h.writeConfig({ store: { backend: 'postgres' } });
    const r = await runCli(args, { env: h.env, timeoutMs: 60_000 });
    t.is(r.code, 1, r.stderr);
    t.true(r.stderr.includes(`${what} does not use the postgres store yet`), r.stderr);
    t.regex(r.stderr, /AIPRO_STORE_BACKEND=file/);
    t.false(existsSync(join(h.stateDir, 'agents')));
  });
}

test('monitor --once opens the postgres backend: without its key it refuses naming it, writes nothing', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig({ store: { backend: 'postgres' } });
  const r = await runCli(['monitor', '--once'], { env: h.env, timeoutMs: 60_000 });
  t.is(r.code, 1, r.stderr);
  t.false(r.stderr.includes('does not use the postgres store'), r.stderr);
  t.regex(r.stderr, /cannot open the fleet store: AIPRO_STORE_KEY is not set/);
  t.false(existsSync(join(h.stateDir, 'agents')));
});
