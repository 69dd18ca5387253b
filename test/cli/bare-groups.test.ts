/** Every command group run without a subcommand prints its help on stdout and exits 0. */
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const GROUPS = [
  [],
  ['models'],
  ['models', 'auth'],
  ['models', 'auth', 'order'],
  ['models', 'auth', 'import'],
  ['alerts'],
  ['config'],
  ['systemd'],
  ['launchd'],
  ['completion'],
];

for (const args of GROUPS) {
  test(`bare \`aipro ${args.join(' ')}\` prints its help and exits 0`, async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const r = await runCli(args, { env: h.env });
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, new RegExp(`^Usage: aipro${args.map((a) => ` ${a}`).join('')} \\[options\\] \\[command\\]`));
    t.regex(r.stdout, /Commands:/);
    t.is(r.stderr, '');
  });
}

test('a stray word after a group is still an unknown command (exit 64, with a suggestion)', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await runCli(['alerts', 'stauts'], { env: h.env });
  t.is(r.code, 64);
  t.regex(r.stderr, /unknown command 'stauts'/);
  t.regex(r.stderr, /Did you mean status\?/);
  t.is(r.stdout, '');
});
