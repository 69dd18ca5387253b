/**
 * `--help` on an 80-column terminal: prose fits the width; indented example commands stay on
 * one line each, so they still copy and paste as one command.
 */
import test from 'ava';
import { chmodSync } from 'node:fs';
import { fitHelp } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { plainText, skipIfNoPty, underPty } from './support.js';

const PAGES = [
  ['gateway'],
  ['monitor'],
  ['systemd', 'install'],
  ['alerts', 'silence'],
  ['config', 'validate'],
  ['models', 'auth', 'detach'],
  ['completion'],
  ['doctor'],
  [],
];

for (const page of PAGES) {
  test(`aipro ${page.join(' ')} --help: no prose line wider than 80 on a terminal`, async (t) => {
    if (skipIfNoPty(t)) return;
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const r = await underPty([...page, '--help'], h.env, [], { cols: 80 });
    t.is(r.code, 0, r.out);
    const wide = plainText(r.out)
      .split('\n')
      .filter((l) => l.length > 80 && /^\S/.test(l));
    t.deepEqual(wide, []);
    t.regex(r.out, /Usage: aipro/);
  });
}

test('fitHelp wraps unindented prose only, and nothing off a terminal', (t) => {
  const prose =
    `Exit codes: 0 stopped cleanly (SIGTERM/SIGINT) · 1 could not start (no token beyond loopback, port in use, bad ` +
    `config) · 64 usage`;
  const example =
    `  aipro config set alerts.channels.ops ` +
    `'{"type":"email","to":["ops@example.com"],"smtp":{"host":"smtp.example.com"}}'`;
  const text = `${prose}\n${example}\n`;
  t.is(fitHelp(text, undefined), text);
  const fitted = fitHelp(text, 80).split('\n');
  t.true(fitted.filter((l) => /^\S/.test(l)).every((l) => l.length <= 80));
  t.is(fitted.filter((l) => l.startsWith('Exit codes') || /^\S/.test(l)).join(' '), prose);
  t.true(fitted.includes(example), 'the example is untouched');
});

test('fitHelp re-flows a paragraph that does not fit and keeps one that does', (t) => {
  const long = `${'word '.repeat(17)}end\nnext line of the same paragraph`;
  const fitted = fitHelp(`${long}\n\nShort line.\nAnother short line.\n`, 80).split('\n');
  t.true(fitted.every((l) => l.length <= 80));
  t.is(fitted[0], `${'word '.repeat(15)}word`);
  t.is(fitted[1], 'word end next line of the same paragraph');
  t.deepEqual(fitted.slice(3, 5), ['Short line.', 'Another short line.']);
});

test('an error on a terminal wraps to 80 columns', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  // An unparsable store: the error names the file, the cause and the next command.
  h.writeStore('{bad');
  const r = await underPty(['models', 'auth', 'list'], h.env, [], { cols: 80 });
  t.is(r.code, 1, r.out);
  const lines = plainText(r.out).split('\n');
  t.regex(r.out, /error: listing auth profiles failed/);
  t.deepEqual(
    lines.filter((l) => l.length > 80),
    [],
  );
});

test('doctor on an 80-column terminal: every finding wraps under its text', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  // A token without expiry and two profiles with the same secret: long summaries and fixes.
  const token = { type: 'token', provider: 'openrouter', token: 'sk-or-v1-abcdefghijklmnop1234' };
  h.writeStore({
    version: 1,
    profiles: {
      'openrouter:team-production-gateway-eu-west': token,
      'openrouter:team-production-gateway-us-east': token,
    },
  });
  const r = await underPty(['doctor'], h.env, [], { cols: 80 });
  t.is(r.code, 1, r.out); // anthropic, the default model's provider, is missing
  const lines = plainText(r.out).split('\n');
  t.regex(plainText(r.out).replace(/\s+/g, ' '), /no recorded expiry/);
  t.deepEqual(
    lines.filter((l) => l.length > 80),
    [],
  );
});

test('doctor: the consent note appears only when a store restore is among the repairs', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore({ version: 1, profiles: {} });
  chmodSync(h.storePath(), 0o644);
  const r = await runCli(['doctor'], { env: h.env });
  t.regex(r.stdout, /`aipro doctor --fix` can repair 1 of them\./);
  t.notRegex(r.stdout, /needs --yes/);
});
