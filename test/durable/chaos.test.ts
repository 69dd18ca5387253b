/**
 * Chaos, bounded: 200 random operations (add-key, paste-token, order set, remove, config set,
 * monitor --once) across 8 concurrent workers on a small real tmpfs, with random SIGKILLs and a
 * full disk for the middle third. Then: every file parses, no acknowledged write is lost, no
 * secret appears outside the store, and doctor reports exactly the locks left by killed writers.
 * Seeded: the same operations, kills and delays on every run; only the interleaving varies,
 * and every check holds for any interleaving.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { lockHolderDead } from '../../src/store/lock.js';
import { CLI, runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { mountTmpfs } from '../helpers/tmpfs.js';

const WORKERS = 8;
const OPS = 200;

type Op =
  | { kind: 'add-key' | 'paste-token'; id: string; secret: string }
  | { kind: 'order'; id: string }
  | { kind: 'remove'; id: string }
  | { kind: 'config'; key: string; value: string }
  | { kind: 'monitor' };

interface Outcome { op: Op; acked: boolean; killed: boolean; out: string }

function rng(seed: number): () => number {
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

function exec(op: Op, env: Record<string, string>, killAfterMs: number | null): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args(op)], { env, cwd: env.HOME, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ op, acked: signal === null && code === 0, killed: signal === 'SIGKILL', out });
    });
    child.stdin.end('secret' in op ? op.secret : '');
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'filler')
    .map((e) => join(e.parentPath, e.name));
}

test.serial('200 random operations, 8 processes, SIGKILLs and a full disk: nothing acknowledged is lost', async (t) => {
  t.timeout(240_000);
  const mounted = mountTmpfs(t, 1024);
  if (!mounted) return t.pass();
  // A const the worker closures below see as non-null.
  const fs = mounted;
  const base = tempHome();
  t.teardown(() => base.cleanup());
  const env = { ...base.env, HOME: fs.dir };
  const rand = rng(20261201);
  const outcomes: Outcome[] = [];
  let started = 0;
  const secretOf = (n: number, kind: string) => (kind === 'add-key' ? `sk-ant-api03-CHAOS${String(n).padStart(4, '0')}${'z'.repeat(70)}AA` : `sk-ant-oat01-CHAOS${String(n).padStart(4, '0')}${'y'.repeat(70)}AA`);

  async function worker(w: number): Promise<void> {
    const mine: string[] = [];
    while (started < OPS) {
      const n = started++;
      if (n === Math.floor(OPS / 3)) fs.leave(0);
      if (n === Math.floor((2 * OPS) / 3)) fs.free();
      const r = rand();
      let op: Op;
      if (r < 0.3 || mine.length === 0) {
        const kind = rand() < 0.5 ? 'add-key' : 'paste-token';
        op = { kind, id: `anthropic:w${w}n${n}`, secret: secretOf(n, kind) };
      } else if (r < 0.45) op = { kind: 'order', id: mine[Math.floor(rand() * mine.length)] as string };
      else if (r < 0.55) op = { kind: 'remove', id: mine.splice(Math.floor(rand() * mine.length), 1)[0] as string };
      else if (r < 0.85) op = { kind: 'config', key: `env.vars.CHAOS_W${w}`, value: `v${n}` };
      else op = { kind: 'monitor' };
      const kill = rand() < 0.25 ? 20 + Math.floor(rand() * 400) : null;
      const res = await exec(op, env, kill);
      outcomes.push(res);
      if ((op.kind === 'add-key' || op.kind === 'paste-token') && !mine.includes(op.id)) mine.push(op.id);
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  fs.free();
  t.log(`${outcomes.length} ops: ${outcomes.filter((o) => o.acked).length} acknowledged, ${outcomes.filter((o) => o.killed).length} killed`);

  // No failure that is not an operator's error, and no bug report request.
  for (const o of outcomes) t.notRegex(o.out, /unexpected failure|report this/, `${o.op.kind}: ${o.out}`);

  // Every file parses.
  const state = join(fs.dir, '.aipro');
  for (const f of filesUnder(state).filter((p) => p.endsWith('.json') || p.endsWith('.bak') || p.endsWith('.fresh'))) {
    t.notThrows(() => JSON.parse(readFileSync(f, 'utf8')), `${f} parses`);
  }
  const storePath = join(state, 'agents', 'main', 'agent', 'auth-profiles.json');
  const store = JSON.parse(readFileSync(storePath, 'utf8')) as { profiles: Record<string, { key?: string; token?: string }>; order?: Record<string, string[]> };
  const config = existsSync(join(state, 'aipro.json')) ? (JSON.parse(readFileSync(join(state, 'aipro.json'), 'utf8')) as { env?: { vars?: Record<string, string> } }) : {};

  // No acknowledged write lost: every acknowledged add whose id no remove ever touched is there, with its secret.
  const removed = new Set(outcomes.filter((o) => o.op.kind === 'remove').map((o) => (o.op as { id: string }).id));
  for (const o of outcomes) {
    if (!o.acked || (o.op.kind !== 'add-key' && o.op.kind !== 'paste-token') || removed.has(o.op.id)) continue;
    const p = store.profiles[o.op.id];
    t.is(p?.key ?? p?.token, o.op.secret, `acknowledged ${o.op.kind} ${o.op.id} is stored`);
  }
  // An acknowledged remove is gone for good (ids are never re-added).
  for (const o of outcomes) if (o.acked && o.op.kind === 'remove') t.false(Object.hasOwn(store.profiles, o.op.id), `removed ${o.op.id} stays removed`);
  // Config: per worker key, the value is the last acknowledged one or one from a later killed attempt.
  for (let w = 0; w < WORKERS; w++) {
    const key = `env.vars.CHAOS_W${w}`;
    const mine = outcomes.filter((o) => o.op.kind === 'config' && o.op.key === key);
    const lastAck = mine.map((o) => o.acked).lastIndexOf(true);
    if (lastAck < 0) continue;
    const allowed = mine.slice(lastAck).filter((o, i) => i === 0 || !o.acked).map((o) => (o.op as { value: string }).value);
    t.true(allowed.includes(config.env?.vars?.[`CHAOS_W${w}`] as string), `${key} = ${config.env?.vars?.[`CHAOS_W${w}`]}, allowed ${allowed.join(',')}`);
  }

  // No secret outside the store: not in any other file, not in any output.
  const secrets = outcomes.flatMap((o) => ('secret' in o.op ? [o.op.secret] : []));
  const others = filesUnder(fs.dir).filter((f) => !f.startsWith(`${storePath}`));
  const blobs = [...others.map((f) => readFileSync(f, 'utf8')), ...outcomes.map((o) => o.out)];
  for (const s of secrets) t.false(blobs.some((b) => b.includes(s) || b.includes(s.slice(0, 30))), 'a secret leaked outside the store');

  // Doctor reports the state exactly: the store parses, and lock.stale lists exactly the dead holders' locks.
  const doc = await runCli(['doctor', '--json'], { env, timeoutMs: 60_000 });
  const checks = (JSON.parse(doc.stdout) as { checks: { id: string; level: string; path?: string }[] }).checks;
  t.false(checks.some((c) => c.id === 'store.parse' && c.level === 'error'), 'store parses per doctor');
  t.false(checks.some((c) => c.id === 'config.valid' && c.level === 'error'), 'config valid per doctor');
  const dead = readdirSync(state, { recursive: true, withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.endsWith('.lock'))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => lockHolderDead(p))
    .sort();
  t.deepEqual(checks.filter((c) => c.id === 'lock.stale').map((c) => c.path).sort(), dead);
  t.true(statSync(storePath).mode % 0o1000 === 0o600);
});
