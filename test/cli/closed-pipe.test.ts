/** A reader that goes away (`aipro … | head -1`) ends the command quietly: no EPIPE crash. */
import { spawn } from 'node:child_process';
import test from 'ava';
import { CLI } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { DAY, KEY, TOKEN, storeWith } from './support.js';

/**
 * Run the CLI into a pipe whose reader is already gone (what `head -1` leaves behind once it
 * has its line), so every write meets EPIPE, deterministically; its exit code and stderr.
 */
function intoClosedPipe(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: env.HOME, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.destroy();
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const CASES: string[][] = [
  ['models', 'auth', 'order', 'set', '--help'],
  ['--help'],
  ['config', '--help'],
  ['completion', 'bash'],
  ['models', 'status', '--json'],
];

for (const args of CASES) {
  test(`\`aipro ${args.join(' ')} | head -1\` exits 0 without a stack trace`, async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const profiles: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) profiles[`anthropic:p${i}`] = { type: 'api_key', provider: 'anthropic', key: KEY };
    h.writeStore(storeWith(profiles));
    const r = await intoClosedPipe(args, h.env);
    t.is(r.code, 0, r.stderr);
    t.false(/EPIPE|Unhandled|\n\s+at /.test(r.stderr), r.stderr);
  });
}

test('a command into a closed pipe still exits with its own code (--check: 1 for an expired token)', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(
    storeWith({
      'anthropic:manual': { type: 'token', provider: 'anthropic', token: TOKEN, expires: Date.now() - DAY },
    }),
  );
  const r = await intoClosedPipe(['models', 'status', '--check'], h.env);
  t.is(r.code, 1, r.stderr);
  t.false(/EPIPE|Unhandled|\n\s+at /.test(r.stderr), r.stderr);
});
