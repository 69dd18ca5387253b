/**
 * A hand-edited store or config that does not parse: the error names the file and the
 * problem, but never quotes the text around it (V8's JSON.parse message does, and the text
 * after a stray quote is usually the secret).
 */
import test from 'ava';
import { jsonParseProblem } from '../../src/util/json-error.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const SECRET = 'QPZXCANARY0123456789abcdefghij';

test('a store with a single-quoted key: status and doctor never print its first characters', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(`{"version":1,"profiles":{"x:default":{"type":"api_key","provider":"x","key":'${SECRET}'}}}`);
  for (const args of [['models', 'status'], ['models', 'status', '--json'], ['doctor'], ['models', 'auth', 'list']]) {
    const r = await runCli(args, { env: h.env });
    t.is(r.code, 1, args.join(' '));
    const out = r.stdout + r.stderr;
    t.regex(out, /not valid JSON/, args.join(' '));
    t.false(out.includes(SECRET.slice(0, 6)), `${args.join(' ')}:\n${out}`);
  }
});

test('a config with an unquoted token: the error never prints its first characters', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig(`{"gateway":{"auth":{"token": ${SECRET}}}}`);
  const r = await runCli(['models', 'status'], { env: h.env });
  t.is(r.code, 1);
  t.regex(r.stderr, /not valid JSON/);
  t.false((r.stdout + r.stderr).includes(SECRET.slice(0, 6)), r.stderr);
});

test('jsonParseProblem keeps positions and drops quoted input', (t) => {
  const problem = (text: string) => {
    try {
      JSON.parse(text);
      return 'parsed';
    } catch (err) {
      return jsonParseProblem(err);
    }
  };
  t.false(problem(`{"k": ${SECRET}}`).includes('QPZX'));
  t.false(problem(`{"k": '${SECRET}'}`).includes('QPZX'));
  t.regex(problem(`{"k": '${SECRET}'}`), /unexpected character/i);
  t.regex(problem('{"k": "v" x}'), /position 10/);
  t.regex(problem('{"k": '), /end of JSON input/);
});
