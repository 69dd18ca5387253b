/**
 * `aipro monitor` on the postgres backend opens the fleet store (no command refuses it any
 * more); what it cannot open is named, and nothing is written to this host's files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

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
