/** Shared pieces of the CLI tests: well-formed fake secrets, store reads, fixture paths. */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from '../../src/store/schema.js';
import { CLI } from '../helpers/cli.js';

/** A well-formed Anthropic setup-token (fake). */
export const TOKEN = `sk-ant-oat01-${'T'.repeat(90)}`;
/** A well-formed Anthropic API key (fake). */
export const KEY = `sk-ant-api03-${'K'.repeat(40)}`;
export const DAY = 86_400_000;

export const FIXTURES = fileURLToPath(new URL('../fixtures/auth-store/', import.meta.url));

export function readJson<T = Store>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A store with one profile per interesting status (expiry relative to now). */
export function storeWith(
  profiles: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { version: 1, profiles, ...extra };
}

const HAVE_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** TTY tests need util-linux `script`; skip (or fail under AIPRO_REQUIRE_INTEGRATION=1) without it. */
export function skipIfNoPty(t: { log(msg: string): void; fail(msg: string): void; pass(): void }): boolean {
  if (HAVE_SCRIPT) return false;
  if (process.env.AIPRO_REQUIRE_INTEGRATION === '1') t.fail('util-linux `script` is required for the TTY tests');
  else {
    t.log('skipped: util-linux `script` (pseudo-terminal) is not installed');
    t.pass();
  }
  return true;
}

/** The text as a terminal shows it: colour and cursor escapes and carriage returns removed. */
export function plainText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/**
 * Run the CLI on a pseudo-terminal (`script`), `cols` wide when given. Each step waits for its prompt to appear in
 * the output written since the previous answer, then types the answer.
 */
export function underPty(
  args: string[],
  env: Record<string, string>,
  steps: [RegExp, string][],
  opts: { cols?: number } = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // `script` gives the terminal no size of its own when it runs without one: set it (stty) first.
    const size = opts.cols ? `stty cols ${opts.cols} rows 500 && ` : '';
    const cmd = size + [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], {
      env: { ...env, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let since = 0;
    let step = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString('utf8');
      const next = steps[step];
      if (next?.[0].test(out.slice(since))) {
        step++;
        since = out.length;
        child.stdin.write(next[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, out });
    });
  });
}
