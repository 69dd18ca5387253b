/**
 * The CLI side of the chaos test: the operations a worker runs (as an `aipro` process when it
 * is to be SIGKILLed after a seeded delay, else in-process), a small seeded generator, and
 * file listing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../helpers/child.js';
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
  const r = await runProcess(process.execPath, [CLI, ...args(op)], {
    env,
    cwd: env.HOME,
    input: 'secret' in op ? op.secret : '',
    timeoutMs: killAfterMs,
  });
  return { op, acked: r.signal === null && r.code === 0, killed: r.signal === 'SIGKILL', out: r.stdout + r.stderr };
}

/** Every regular file under `dir` except the tmpfs filler. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'filler')
    .map((e) => join(e.parentPath, e.name));
}
