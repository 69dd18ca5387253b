/**
 * Canary secrets (API keys, tokens, OAuth access/refresh, env keys, config secrets) are
 * planted everywhere; every command of the credential CLI runs in text and --json form,
 * successes and failures. No canary, nor any 12-character slice of one, may appear in
 * stdout or stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

/** A random secret body (the part after any public prefix such as `sk-ant-api03-`). */
const body = (n = 48) => randomBytes(n).toString('base64url').slice(0, n);

const C = {
  key: body(),
  token: body(80),
  access: body(),
  refresh: body(),
  refKey: body(),
  envKey: body(),
  dotenvKey: body(),
  configVar: body(),
  configToken: body(),
  smtpPass: body(),
  pastedToken: body(80),
  pastedKey: body(),
  badPaste: body(),
  onboardKey: body(),
  importKey: body(),
  setArg: body(),
};

function leaks(output: string): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(C)) {
    for (let i = 0; i + 12 <= secret.length; i++) {
      if (output.includes(secret.slice(i, i + 12))) {
        found.push(`${name} (slice at ${i})`);
        break;
      }
    }
  }
  return found;
}

test('no canary secret leaks from any command, text or --json, success or failure', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const now = Date.now();
  h.writeStore({
    version: 1,
    profiles: {
      'anthropic:key': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${C.key}` },
      'anthropic:tok': {
        type: 'token',
        provider: 'anthropic',
        token: `sk-ant-oat01-${C.token}`,
        expires: now + 3_600_000,
      },
      'anthropic:dup': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${C.key}` },
      'anthropic:ref': { type: 'api_key', provider: 'anthropic', keyRef: { source: 'env', id: 'REF_KEY' } },
      'openai-codex:me@example.com': {
        type: 'oauth',
        provider: 'openai-codex',
        access: `eyJ${C.access}`,
        refresh: C.refresh,
        expires: now - 1000,
        email: 'me@example.com',
      },
      'openai-codex:old': { type: 'oauth', provider: 'openai-codex', access: `eyJ${C.access}x`, expires: now - 1000 },
    },
    order: { anthropic: ['anthropic:tok', 'anthropic:key'] },
    lastGood: { anthropic: 'anthropic:tok' },
  });
  h.writeConfig({
    env: { vars: { OPENROUTER_API_KEY: `sk-or-v1-${C.configVar}` } },
    gateway: { auth: { token: C.configToken } },
    alerts: { channels: { m: { type: 'email', to: ['ops@example.com'], smtp: { host: 'h', pass: C.smtpPass } } } },
  });
  writeFileSync(join(h.stateDir, '.env'), `OPENAI_API_KEY=sk-proj-${C.dotenvKey}\n`, { mode: 0o644 });
  const oc = join(h.home, '.openclaw', 'agents', 'imp', 'agent');
  mkdirSync(oc, { recursive: true });
  writeFileSync(
    join(oc, 'auth-profiles.json'),
    JSON.stringify({
      version: 1,
      profiles: { 'anthropic:x': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${C.importKey}` } },
    }),
  );
  const env = { ...h.env, ANTHROPIC_API_KEY: `sk-ant-api03-${C.envKey}`, REF_KEY: `sk-ant-api03-${C.refKey}` };

  const runs: [string[], (string | undefined)?][] = [];
  const both = (args: string[], input?: string) => {
    runs.push([args, input]);
    runs.push([[...args, '--json'], input]);
  };
  both(['models', 'status']);
  both(['models', 'status', '--check']);
  both(['models', 'status', '--provider', 'anthropic', '--agent', 'main', '--warn-hours', '48']);
  runs.push([['models', 'status', '--plain']]);
  both(['models', 'auth', 'list']);
  both(['models', 'auth', 'order', 'get', '--provider', 'anthropic']);
  both(['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:key', 'anthropic:tok']);
  both(['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:nope']);
  both(['models', 'auth', 'order', 'clear', '--provider', 'anthropic']);
  runs.push([
    ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--profile-id', 'anthropic:new'],
    ` sk-ant-oat01-${C.pastedToken.slice(0, 40)}\n${C.pastedToken.slice(40)}\n`,
  ]);
  runs.push([
    ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--profile-id', 'anthropic:new2', '--json'],
    `sk-ant-oat01-${C.pastedToken}`,
  ]);
  both(['models', 'auth', 'paste-token', '--provider', 'anthropic'], `sk-ant-oat01-${C.badPaste}`);
  both(['models', 'auth', 'paste-token', '--provider', 'anthropic'], `wrong-${C.badPaste}${C.badPaste}`);
  both(['models', 'auth', 'add-key', '--provider', 'openai', '--profile-id', 'openai:k'], `sk-proj-${C.pastedKey}`);
  both(['models', 'auth', 'add-key', '--provider', 'anthropic'], `bad ${C.badPaste}`);
  both(['models', 'auth', 'setup-token', '--provider', 'anthropic'], `sk-ant-oat01-${C.pastedToken}`);
  both(['models', 'auth', 'remove', 'anthropic:new']);
  both(['models', 'auth', 'remove', 'anthropic:missing']);
  both(['models', 'auth', 'import', 'openclaw']);
  both(['config', 'get']);
  both(['config', 'get', 'gateway.auth.token']);
  both(['config', 'get', 'env.vars']);
  both(['config', 'get', 'alerts.channels']);
  both(['config', 'set', 'gateway.auth.token', C.setArg]);
  both(['config', 'set', 'alerts.repeat', 'nonsense']);
  both(['config', 'unset', 'auth.warnHours']);
  both(['config', 'validate']);
  runs.push([['config', 'path']]);
  both(['doctor']);
  both(['doctor', '--fix']);
  runs.push([
    ['onboard', '--non-interactive', '--provider', 'anthropic', '--store', 'env', '--secret-stdin'],
    `sk-ant-api03-${C.onboardKey}`,
  ]);
  runs.push([
    ['onboard', '--non-interactive', '--provider', 'anthropic', '--secret-stdin', '--profile-id', 'anthropic:ob'],
    `sk-ant-api03-${C.onboardKey}`,
  ]);
  runs.push([['onboard', '--non-interactive', '--provider', 'anthropic', '--secret-stdin'], `nope-${C.badPaste}`]);

  const outputs: { args: string[]; r: CliResult }[] = [];
  for (const [args, input] of runs) {
    const r = await runCli(args, { env, ...(input !== undefined ? { input } : {}) });
    outputs.push({ args, r });
    t.not(r.code, null, `${args.join(' ')} finished`);
  }
  for (const { args, r } of outputs) {
    t.deepEqual(leaks(r.stdout), [], `stdout of ${args.join(' ')}`);
    t.deepEqual(leaks(r.stderr), [], `stderr of ${args.join(' ')}`);
    t.false(/unexpected failure/.test(r.stderr), `${args.join(' ')}: ${r.stderr}`);
  }
  // Sanity: the scanner finds a 12-character slice, and the commands did real work.
  // Delimiters outside the base64url alphabet, so a neighbouring slice can never match by chance.
  t.deepEqual(leaks(`<<${C.token.slice(30, 42)}>>`), ['token (slice at 30)']);
  t.true(
    outputs.some(({ r }) => r.stdout.includes('sk-ant-oat01-…')),
    'fingerprints are shown instead',
  );
});
