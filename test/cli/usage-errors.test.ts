/** Usage errors never echo something that may be a secret; config set takes values that start with '-'. */
import test from 'ava';
import { hideSecretLookingWords } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

test('unknown flags that look like flags are named; anything else is hidden', (t) => {
  t.is(hideSecretLookingWords("error: unknown option '--bogus'\n"), "error: unknown option '--bogus'\n");
  t.is(hideSecretLookingWords("error: unknown command 'stauts'\n"), "error: unknown command 'stauts'\n");
  const secret = '-HDfcdobvnyaCNw-6-eu3leZaPPcYuYI7CxLqP56-hJGsFAx';
  const out = hideSecretLookingWords(`error: unknown option '${secret}'\n`);
  t.false(out.includes(secret.slice(1, 13)));
  t.regex(out, /48 characters, not shown/);
  t.false(hideSecretLookingWords("error: unknown option '-sk_live_abc'").includes('sk_live_abc'));
});

test('a secret typed where a flag goes exits 64 without printing it; config set accepts a leading dash', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const secret = '-HDfcdobvnyaCNw-6-eu3leZaPPcYuYI7CxLqP56-hJGsFAx';
  const r = await runCli(['models', 'status', secret], { env: h.env });
  t.is(r.code, 64);
  t.false((r.stdout + r.stderr).includes(secret.slice(1, 13)));
  const set = await runCli(['config', 'set', 'gateway.auth.token', secret], { env: h.env });
  t.is(set.code, 0, set.stderr);
  t.false((set.stdout + set.stderr).includes(secret.slice(1, 13)));
  const neg = await runCli(['config', 'set', 'auth.warnHours', '-5'], { env: h.env });
  t.is(neg.code, 1, 'a negative warn window is refused by validation, not taken as a flag');
  t.regex(neg.stderr, /auth\.warnHours/);
});
