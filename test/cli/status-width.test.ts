/**
 * `models status` on an 80-column terminal: the table drops and abbreviates columns in the
 * documented order and hint lines wrap; `--wide` and output to a pipe keep every column.
 */
import test from 'ava';
import { renderTable, wrapLine } from '../../src/cli/table.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { DAY, KEY, TOKEN, plainText, skipIfNoPty, storeWith, underPty } from './support.js';

/** 20 profiles with long ids, every kind of row and hint an operator sees. */
function twentyProfiles(now: number): Record<string, unknown> {
  const profiles: Record<string, unknown> = {};
  for (let i = 0; i < 20; i++) {
    const id = `anthropic:team-${i}-production-gateway-eu-west`;
    if (i % 4 === 0) profiles[id] = { type: 'api_key', provider: 'anthropic', key: KEY };
    else if (i % 4 === 1)
      profiles[id] = { type: 'token', provider: 'anthropic', token: TOKEN, expires: now + (i + 1) * DAY };
    else if (i % 4 === 2) profiles[id] = { type: 'token', provider: 'anthropic', token: TOKEN, expires: now - i * DAY };
    else
      profiles[`openai-codex:operator-${i}@example.com`] = {
        type: 'oauth',
        provider: 'openai-codex',
        access: `acc-${'a'.repeat(40)}`,
        refresh: `ref-${'r'.repeat(40)}`,
        expires: now + 3_600_000,
        email: `operator-${i}@example.com`,
      };
  }
  return profiles;
}

test('at 80 columns on a terminal no line of `models status` is wider than 80', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(
    storeWith(twentyProfiles(Date.now()), {
      order: {
        anthropic: Array.from({ length: 20 }, (_, i) => `anthropic:team-${i}-production-gateway-eu-west`).filter(
          (_, i) => i % 4 !== 3,
        ),
      },
    }),
  );
  const env = { ...h.env, ANTHROPIC_API_KEY: KEY };
  const r = await underPty(['models', 'status'], env, [], { cols: 80 });
  t.is(r.code, 0, r.out);
  const lines = plainText(r.out).split('\n');
  t.true(lines.length > 20, 'every profile is shown');
  const wide = lines.filter((l) => l.length > 80);
  t.deepEqual(wide, [], `lines wider than 80:\n${wide.join('\n')}`);
  t.regex(r.out, /PROFILE\s+STATUS\s+EXPIRES/);
  t.false(r.out.includes('FINGERPRINT'), 'FINGERPRINT is dropped first');
  t.is((r.out.match(/team-\d+/g) ?? []).length >= 15, true, 'ids stay recognisable');

  const w = await underPty(['models', 'status', '--wide'], env, [], { cols: 80 });
  t.is(w.code, 0, w.out);
  t.true(
    plainText(w.out)
      .split('\n')
      .some((l) => l.length > 80),
    '--wide shows every column',
  );
  t.regex(w.out, /FINGERPRINT/);
});

test('output to a pipe is not fitted: every column, timestamps, one line per hint', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(storeWith(twentyProfiles(Date.now())));
  const r = await runCli(['models', 'status'], { env: { ...h.env, COLUMNS: '80' } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /PROVIDER\s+PROFILE\s+TYPE\s+SOURCE\s+STATUS\s+EXPIRES\s+FINGERPRINT/);
  t.regex(r.stdout, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in /);
  t.true(r.stdout.split('\n').some((l) => l.length > 80));
});

test('renderTable: steps run in order until the table fits; paint keeps the original column index', (t) => {
  const header = ['A', 'BBBB', 'C', 'D'];
  const rows = [['a1', 'b'.repeat(20), 'c1', 'd-long-long-long']];
  const painted: number[] = [];
  const out = renderTable(header, rows, '  ', (_r, col, s) => (painted.push(col), s), {
    width: 30,
    steps: [{ abbreviate: 3, cells: ['d'] }, { drop: 2 }, { drop: 0 }],
  });
  t.is(out, `  A   BBBB                  D\n  a1  ${'b'.repeat(20)}  d`);
  t.deepEqual(painted, [0, 1, 3], 'column C was dropped only because the first step did not suffice');
  const cut = renderTable(header, rows, '', undefined, { width: 20, steps: [] });
  for (const l of cut.split('\n')) t.true(l.length <= 20, l);
  t.regex(cut, /…/);
  t.is(
    renderTable(header, rows),
    'A   BBBB                  C   D\na1  bbbbbbbbbbbbbbbbbbbb  c1  d-long-long-long',
    'no fit: unchanged',
  );
});

test('wrapLine: breaks at spaces with a hanging indent, and inside words longer than a line', (t) => {
  t.deepEqual(wrapLine('  id: one two three four', 14), ['  id: one two', '    three four']);
  const long = wrapLine(`  path ${'x'.repeat(50)}`, 20);
  for (const l of long) t.true(l.length <= 20, l);
  t.is(long.join('').replace(/\s/g, ''), `path${'x'.repeat(50)}`);
  t.deepEqual(wrapLine('\u001b[1mshort\u001b[0m', 10), ['\u001b[1mshort\u001b[0m'], 'colour codes do not count');
});

test('wrapLine keeps column padding on the first line', (t) => {
  t.deepEqual(wrapLine('  key       a doc that is long', 20, '            '), [
    '  key       a doc',
    '            that is',
    '            long',
  ]);
});

test('`models auth list` fits 80 columns on a terminal too; --wide and pipes keep every column', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(storeWith(twentyProfiles(Date.now())));
  const r = await underPty(['models', 'auth', 'list'], h.env, [], { cols: 80 });
  t.is(r.code, 0, r.out);
  const wide = plainText(r.out)
    .split('\n')
    .filter((l) => l.length > 80);
  t.deepEqual(wide, []);
  t.regex(r.out, /FINGERPRINT/);
  const w = await underPty(['models', 'auth', 'list', '--wide'], h.env, [], { cols: 80 });
  t.regex(w.out, /PROFILE\s+PROVIDER\s+TYPE\s+FINGERPRINT\s+SECRET\s+EXPIRES/);
  const piped = await runCli(['models', 'auth', 'list'], { env: h.env });
  t.regex(piped.stdout, /PROFILE\s+PROVIDER\s+TYPE\s+FINGERPRINT\s+SECRET\s+EXPIRES/);
});
