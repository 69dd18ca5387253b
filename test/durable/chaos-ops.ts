/**
 * The CLI side of the chaos test: the operations a worker runs (as an `aipro` process when it
 * is to be SIGKILLed after a seeded delay, else in-process), a small seeded generator, and
 * file listing.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli } from '../helpers/cli.js';

export type Op =
  | { kind: 'add-key' | 'paste-token'; id: string; secret: string }
  | { kind: 'order'; id: string }
  | { kind: 'remove'; id: string }
  | { kind: 'config'; key: string; value: string }
  | { kind: 'monitor' };

export interface Outcome {
  op: Op;
  acked: boolean;
  killed: boolean;
  out: string;
}

/** A linear congruential generator: the same sequence for the same seed, in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function args(op: Op): string[] {
  switch (op.kind) {
    case 'add-key':
      return ['models', 'auth', 'add-key', '--provider', 'anthropic', '--profile-id', op.id];
    case 'paste-token':
      return ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--profile-id', op.id];
    case 'order':
      return ['models', 'auth', 'order', 'set', '--provider', 'anthropic', op.id];
    case 'remove':
      return ['models', 'auth', 'remove', op.id];
    case 'config':
      return ['config', 'set', op.key, op.value];
    case 'monitor':
      return ['monitor', '--once'];
  }
}

/**
 * Run one operation. One to be SIGKILLed after `killAfterMs` runs as an `aipro` process; the
 * others run in-process (the same command through `run(argv, io)`, writing the same files under
 * the same file locks), so the test process is one more writer beside the gateway and the killed
 * processes, and the ~140 operations do not each pay a Node start (~0.15 CPU-s).
 */
export async function exec(op: Op, env: Record<string, string>, killAfterMs: number | null): Promise<Outcome> {
  if (killAfterMs === null) {
    const r = await runCli(args(op), { env, input: 'secret' in op ? op.secret : '' });
    return { op, acked: r.code === 0, killed: false, out: r.stdout + r.stderr };
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args(op)], { env, cwd: env.HOME, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ op, acked: signal === null && code === 0, killed: signal === 'SIGKILL', out });
    });
    child.stdin.end('secret' in op ? op.secret : '');
  });
}

/** Every regular file under `dir` except the tmpfs filler. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'filler')
    .map((e) => join(e.parentPath, e.name));
}
