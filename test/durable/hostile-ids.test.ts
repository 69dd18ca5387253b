/**
 * Identifiers users really have: provider ids that are Object prototype names and profile ids
 * with dots go through every command without a crash (exit 0, 1 or 64 with a message — never
 * "unexpected failure"), and a dotted id works in the store, the config and `models status`.
 */
import test from 'ava';
import fc from 'fast-check';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const PROTO = [
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__proto__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
];
const TOKEN = `tok-${'a'.repeat(40)}`;

test('prototype names as providers and profile names never crash a command', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const env = h.env;
  const cmds = (name: string): [string[], string?][] => [
    [['models', 'auth', 'paste-token', '--provider', name], TOKEN],
    [
      ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--profile-id', `anthropic:${name}`],
      `sk-ant-oat01-${'b'.repeat(60)}`,
    ],
    [['models', 'auth', 'order', 'set', '--provider', name, `${name}:manual`]],
    [['config', 'set', `auth.order.${name}`, JSON.stringify([`${name}:manual`])]],
    [['models', 'status']],
    [['models', 'status', '--json', '--provider', name]],
    [['models', 'auth', 'list']],
    [['doctor', '--json']],
    [['models', 'auth', 'remove', `${name}:manual`]],
  ];
  const crashFree = (r: { code: number | null; stderr: string }) =>
    r.code !== null &&
    [0, 1, 2, 64].includes(r.code) &&
    !/unexpected failure|TypeError|is not iterable|is not a function/.test(r.stderr);
  // The attack that was caught: a stored provider named `constructor`, then status for everyone.
  t.is((await runCli(cmds('constructor')[0]?.[0] as string[], { env, input: TOKEN })).code, 0);
  for (const which of [2, 4, 5, 6, 7]) {
    const r = await runCli(cmds('constructor')[which]?.[0] as string[], { env });
    t.true(crashFree(r), r.stderr);
  }
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...PROTO), fc.integer({ min: 0, max: 8 }), async (name, which) => {
      const [args, input] = cmds(name)[which] as [string[], string?];
      const r = await runCli(args, { env, input: input ?? '', timeoutMs: 60_000 });
      const ok = crashFree(r);
      if (!ok) t.log(args.join(' '), r.code, r.stderr);
      return ok;
    }),
    { seed: 1207, numRuns: 30 },
  );
  // And every name, one after the other, through status once more with all of them stored.
  const status = await runCli(['models', 'status', '--json'], { env, timeoutMs: 60_000 });
  t.true([0, 1].includes(status.code ?? -1), status.stderr);
  t.notThrows(() => JSON.parse(status.stdout));
});

test('a profile id with dots works in add-key, config, status, order and remove', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const id = 'openai:me@example.com';
  const add = await runCli(['models', 'auth', 'add-key', '--provider', 'openai', '--profile-id', id], {
    env: h.env,
    input: `sk-proj-${'c'.repeat(48)}`,
    timeoutMs: 60_000,
  });
  t.is(add.code, 0, add.stderr);
  t.is(add.stderr, '');
  const got = await runCli(['config', 'get', 'auth.profiles', '--json'], { env: h.env });
  t.is(got.code, 0, got.stderr);
  t.deepEqual(JSON.parse(got.stdout), { [id]: { provider: 'openai', mode: 'api_key' } });
  // Config keys that hold the id are never split on its dots.
  const one = await runCli(['config', 'get', `auth.profiles.${id}.mode`], { env: h.env });
  t.is(one.stdout, 'api_key\n', one.stderr);
  const setOne = await runCli(['config', 'set', `auth.profiles.${id}.mode`, 'token'], { env: h.env });
  t.is(setOne.code, 0, setOne.stderr);
  const other = 'openai:you@example.org';
  const setNew = await runCli(
    ['config', 'set', `auth.profiles.${other}`, JSON.stringify({ provider: 'openai', mode: 'api_key' })],
    { env: h.env },
  );
  t.is(setNew.code, 0, setNew.stderr);
  const mid = JSON.parse((await runCli(['config', 'get', 'auth.profiles', '--json'], { env: h.env })).stdout);
  t.deepEqual(mid, { [id]: { provider: 'openai', mode: 'token' }, [other]: { provider: 'openai', mode: 'api_key' } });
  const unsetNew = await runCli(['config', 'unset', `auth.profiles.${other}`], { env: h.env });
  t.is(unsetNew.code, 0, unsetNew.stderr);
  const order = await runCli(['models', 'auth', 'order', 'set', '--provider', 'openai', id], { env: h.env });
  t.is(order.code, 0, order.stderr);
  const status = await runCli(['models', 'status', '--json', '--provider', 'openai'], { env: h.env });
  t.is(status.code, 0, status.stderr);
  t.true(status.stdout.includes(`"id": "${id}"`));
  const rm = await runCli(['models', 'auth', 'remove', id], { env: h.env });
  t.is(rm.code, 0, rm.stderr);
  const after = await runCli(['config', 'get', 'auth.profiles', '--json'], { env: h.env });
  t.deepEqual(JSON.parse(after.stdout), {});
});
