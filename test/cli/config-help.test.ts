/** `aipro config --help` lists every key of the schema, so the unknown-key error's pointer leads somewhere. */
import test from 'ava';
import { configKeys } from '../../src/cli/config-keys.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

test('config --help lists every schema key with its default and env override, within 80 columns', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await runCli(['config', '--help'], { env: h.env });
  t.is(r.code, 0, r.stderr);
  const keys = configKeys();
  t.true(keys.length >= 25, `schema keys found: ${keys.length}`);
  for (const k of keys) t.regex(r.stdout, new RegExp(`^  ${k.key.replace(/\./g, '\\.')}  `, 'm'), k.key);
  t.regex(
    r.stdout,
    /^ {2}agents\.default {2,}Agent used when --agent is not given\. \(default\s+"main"; env\s+AIPRO_AGENT\)$/m,
  );
  t.false(r.stdout.includes('__default'));
  for (const line of r.stdout.split('\n')) t.true(line.length <= 80, line);
});

test('an unknown key in the config file names the help that lists the keys', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig({ auth: { warnHourz: 5 } });
  const r = await runCli(['config', 'validate'], { env: h.env });
  t.is(r.code, 1);
  t.regex(r.stderr, /auth\.warnHourz/);
  const pointer = /see `(aipro config --help)` for the keys/.exec(r.stderr);
  t.truthy(pointer, r.stderr);
  const help = await runCli(['config', '--help'], { env: h.env });
  t.regex(help.stdout, /^ {2}auth\.warnHours /m, 'the help it names lists the right key');
});
