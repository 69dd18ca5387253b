/**
 * `aipro completion bash|zsh|fish`: the scripts complete commands, flags, and profile and
 * agent ids from the stores, driven by a real bash; secrets never reach the shell.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { CLI, runCli } from '../helpers/cli.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { KEY, TOKEN, storeWith } from './support.js';

const hasShell = (sh: string) => spawnSync(sh, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;

/** A home with two agents' stores and `aipro` on PATH, as after `npm i -g`. */
function setup(t: { teardown(fn: () => void): void }): { h: TempHome; env: Record<string, string> } {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(
    storeWith({
      'anthropic:work': { type: 'api_key', provider: 'anthropic', key: KEY },
      'anthropic:manual': { type: 'token', provider: 'anthropic', token: TOKEN },
    }),
  );
  h.writeStore(
    storeWith({ 'openai:ci': { type: 'api_key', provider: 'openai', key: `sk-proj-${'o'.repeat(40)}` } }),
    'ci',
  );
  const bin = join(h.home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'aipro'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'aipro'), 0o755);
  return { h, env: { ...h.env, PATH: `${bin}:${h.env.PATH ?? '/usr/bin:/bin'}` } };
}

/** What bash offers for the command line `line` (cursor at its end). */
function bashComplete(script: string, line: string, env: Record<string, string>): string[] {
  const r = spawnSync(
    'bash',
    [
      '--norc',
      '-c',
      `${script}\nCOMP_LINE="$1"; COMP_POINT=\${#1}; _aipro; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      line,
    ],
    { env, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').filter(Boolean).sort();
}

test('bash: commands, subcommands, flags, profile and agent ids', async (t) => {
  if (!hasShell('bash')) {
    if (process.env.AIPRO_REQUIRE_INTEGRATION === '1') return t.fail('bash is required for the completion tests');
    t.log('bash is not installed: skipped');
    return t.pass();
  }
  const { env } = setup(t);
  const r = await runCli(['completion', 'bash'], { env });
  t.is(r.code, 0, r.stderr);
  const script = r.stdout;
  t.false(script.includes(KEY) || script.includes(TOKEN), 'no secret in the script');
  t.true(bashComplete(script, 'aipro ', env).includes('completion'));
  t.deepEqual(bashComplete(script, 'aipro models au', env), ['auth']);
  t.deepEqual(bashComplete(script, 'aipro models auth or', env), ['order']);
  t.deepEqual(bashComplete(script, 'aipro models status --wi', env), ['--wide']);
  t.deepEqual(bashComplete(script, 'aipro models status --agent ', env), ['ci', 'main']);
  t.deepEqual(bashComplete(script, 'aipro models auth remove ', env), [
    'anthropic:manual',
    'anthropic:work',
    'openai:ci',
  ]);
  t.deepEqual(
    bashComplete(script, 'aipro alerts silence --for 2d anthropic:w', env),
    ['work'],
    'only the part after ":" (bash splits words there)',
  );
  t.deepEqual(bashComplete(script, 'aipro models auth order set --provider anthropic anthropic:m', env), ['manual']);
  t.true(bashComplete(script, 'aipro models auth add-key --provider ', env).includes('anthropic'));
});

test('completion ids prints ids only, and nothing (exit 0) when the config is broken', async (t) => {
  const { h, env } = setup(t);
  const p = await runCli(['completion', 'ids', 'profiles'], { env });
  t.is(p.code, 0, p.stderr);
  t.is(p.stdout, 'anthropic:manual\nanthropic:work\nopenai:ci\n');
  t.is((await runCli(['completion', 'ids', 'agents'], { env })).stdout, 'ci\nmain\n');
  h.writeConfig('{ not json');
  const broken = await runCli(['completion', 'ids', 'profiles'], { env });
  t.is(broken.code, 0);
  t.is(broken.stdout + broken.stderr, '');
  t.is((await runCli(['completion', 'ids', 'secrets'], { env })).code, 64);
});

/** What zsh's `_aipro` offers for `words` (cursor on the last one); compadd records instead of drawing. */
function zshComplete(script: string, words: string[], env: Record<string, string>): string[] {
  const body = `compdef() { :; }\ncompadd() { shift; print -l -- "$@"; }\n${script}\nwords=("$@"); CURRENT=$#; _aipro`;
  const r = spawnSync('zsh', ['-f', '-c', body, 'zsh', ...words], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** What fish offers for the command line `line` (`complete -C` runs the completions headless). */
function fishComplete(script: string, line: string, env: Record<string, string>): string[] {
  const r = spawnSync('fish', ['--no-config', '-c', `${script}\ncomplete -C "$argv[1]"`, line], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0] as string)
    .sort();
}

test('zsh: subcommands, flags, profile and agent ids (skipped without zsh)', async (t) => {
  if (!hasShell('zsh')) {
    if (process.env.AIPRO_REQUIRE_INTEGRATION === '1') return t.fail('zsh is required for the completion tests');
    t.log('zsh is not installed: skipped');
    return t.pass();
  }
  const { env } = setup(t);
  const script = (await runCli(['completion', 'zsh'], { env })).stdout;
  t.is(spawnSync('zsh', ['-n'], { input: script }).status, 0);
  t.deepEqual(zshComplete(script, ['aipro', 'models', 'au'], env), ['auth', 'status']);
  t.deepEqual(zshComplete(script, ['aipro', 'models', 'auth', 'remove', ''], env), [
    'anthropic:manual',
    'anthropic:work',
    'openai:ci',
  ]);
  t.deepEqual(zshComplete(script, ['aipro', 'models', 'status', '--agent', ''], env), ['ci', 'main']);
  t.true(zshComplete(script, ['aipro', 'models', 'status', '--w'], env).includes('--wide'));
});

test('fish: subcommands, flags, profile and agent ids (skipped without fish)', async (t) => {
  if (!hasShell('fish')) {
    if (process.env.AIPRO_REQUIRE_INTEGRATION === '1') return t.fail('fish is required for the completion tests');
    t.log('fish is not installed: skipped');
    return t.pass();
  }
  const { env } = setup(t);
  const script = (await runCli(['completion', 'fish'], { env })).stdout;
  t.deepEqual(fishComplete(script, 'aipro models au', env), ['auth']);
  t.deepEqual(fishComplete(script, 'aipro models auth remove ', env), [
    'anthropic:manual',
    'anthropic:work',
    'openai:ci',
  ]);
  t.deepEqual(fishComplete(script, 'aipro models status --agent ', env), ['ci', 'main']);
  t.deepEqual(fishComplete(script, 'aipro models status --wi', env), ['--wide']);
});
