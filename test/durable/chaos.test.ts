/**
 * Chaos, bounded: 200 random operations (add-key, paste-token, order set, remove, config set,
 * monitor --once, and gateway requests, `/model` commands and gateway SIGKILLs) across 8
 * concurrent workers on a small real tmpfs, with random SIGKILLs and a full disk for the
 * middle third. A real `aipro gateway` process serves over the same state dir against a fake
 * upstream that also hangs, resets and truncates. Then: every file parses, no acknowledged
 * write is lost, no secret appears outside the store (files, outputs, gateway logs and
 * replies), every gateway reply is a whole upstream success or a well-formed gateway error,
 * and doctor reports exactly the locks left by killed writers.
 * Seeded per worker: each worker runs the same operations, kills and delays on every run;
 * only the interleaving varies, and every check holds for any interleaving.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { lockHolderDead } from '../../src/store/lock.js';
import { sweepStaleTemps } from '../../src/util/durable.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { mountTmpfs } from '../helpers/tmpfs.js';
import { GatewaySupervisor, send, type Reply } from './chaos-gateway.js';
import { judge, type GwRequest } from './chaos-judge.js';
import { exec, filesUnder, rng, type Op, type Outcome } from './chaos-ops.js';
import { SCENARIOS, startChaosUpstream, type Scenario } from './chaos-upstream.js';

const WORKERS = 8;
const OPS = 200;
/** No gateway request may take longer: upstream deadlines are 2 s, the gateway's lock wait 10 s. */
const REPLY_BOUND_MS = 30_000;
const BASE = { id: 'anthropic:gw-base', secret: `sk-ant-api03-CHAOSBASE${'x'.repeat(70)}AA` };

const secretOf = (n: number, kind: string) =>
  kind === 'add-key'
    ? `sk-ant-api03-CHAOS${String(n).padStart(4, '0')}${'z'.repeat(70)}AA`
    : `sk-ant-oat01-CHAOS${String(n).padStart(4, '0')}${'y'.repeat(70)}AA`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial(
  '200 random operations, 8 processes and a gateway, SIGKILLs and a full disk: nothing acknowledged is lost',
  async (t) => {
    t.timeout(240_000);
    const mounted = mountTmpfs(t, 1024);
    if (!mounted) return t.pass();
    const fs = mounted;
    const base = tempHome();
    const upstream = await startChaosUpstream();
    const env = { ...base.env, HOME: fs.dir };
    const gw = new GatewaySupervisor({ ...env, AIPRO_LOCK_WAIT_MS: '10000' });
    t.teardown(async () => {
      gw.killAll();
      await upstream.close();
      base.cleanup();
    });
    const state = join(fs.dir, '.aipro');
    // Upstream deadlines far below the reply bound; the idle one far above any scheduling stall.
    mkdirSync(state, { recursive: true, mode: 0o700 });
    const gatewayConfig = { timeouts: { connectMs: 5000, headersMs: 2000, idleMs: 20_000 } };
    writeFileSync(
      join(state, 'aipro.json'),
      JSON.stringify({ models: { providers: { anthropic: { baseUrl: upstream.url } } }, gateway: gatewayConfig }),
      { mode: 0o600 },
    );
    const baseKey = await runCli(['models', 'auth', 'add-key', '--provider', 'anthropic', '--profile-id', BASE.id], {
      env,
      input: BASE.secret,
      timeoutMs: 60_000,
    });
    if (baseKey.code !== 0) return t.fail(baseKey.stderr);
    await gw.serving();

    const outcomes: Outcome[] = [];
    const replies: { req: GwRequest; reply: Reply }[] = [];
    let gwKills = 0;
    let started = 0;
    const t0 = performance.now();

    async function gatewayOp(n: number, rand: () => number): Promise<void> {
      const g = rand();
      if (g < 0.06) {
        await sleep(Math.floor(rand() * 300));
        gwKills++;
        await gw.restart();
        return;
      }
      const req: GwRequest =
        g < 0.25
          ? { kind: 'command', session: `chaos-s${n}` }
          : {
              kind: 'request',
              marker: `m${n}`,
              scenario: SCENARIOS[Math.floor(rand() * SCENARIOS.length)] as Scenario,
              stream: rand() < 0.35,
            };
      const content = req.kind === 'command' ? '/model sonnet' : `chaos ${req.marker} ${req.scenario}`;
      const body = {
        model: 'sonnet',
        max_tokens: 16,
        messages: [{ role: 'user', content }],
        ...(req.kind === 'request' && req.stream ? { stream: true } : {}),
      };
      const headers: Record<string, string> = {
        'anthropic-version': '2023-06-01',
        ...(req.kind === 'command' ? { 'x-aipro-session': req.session } : {}),
      };
      replies.push({ req, reply: await send(await gw.serving(), '/v1/messages', body, headers, REPLY_BOUND_MS) });
    }

    async function worker(w: number): Promise<void> {
      const rand = rng(20261201 + 7919 * w);
      const mine: string[] = [];
      while (started < OPS) {
        const n = started++;
        if (n === Math.floor(OPS / 3)) fs.leave(0);
        if (n === Math.floor((2 * OPS) / 3)) fs.free();
        if (rand() < 0.3) {
          await gatewayOp(n, rand);
          continue;
        }
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
    const last = await gw.stop();
    const chaosMs = Math.round(performance.now() - t0);
    t.log(
      `${outcomes.length} CLI ops: ${outcomes.filter((o) => o.acked).length} acknowledged, ` +
        `${outcomes.filter((o) => o.killed).length} killed; ${replies.length} gateway requests, ${gwKills} gateway ` +
        `SIGKILLs, ${gw.generations.length} gateway processes; ${chaosMs} ms`,
    );

    // No failure that is not an operator's error, and no bug report request.
    for (const o of outcomes) t.notRegex(o.out, /unexpected failure|report this/, `${o.op.kind}: ${o.out}`);

    // Every gateway reply is a whole upstream success, the gateway's own reply, or a well-formed error; never a hang.
    const verdicts = replies.map(({ req, reply }) => ({ req, reply, v: judge(req, reply) }));
    const labels = new Map<string, number>();
    for (const { v } of verdicts) labels.set(v.label, (labels.get(v.label) ?? 0) + 1);
    t.log(
      `gateway replies: ${[...labels].map(([l, c]) => `${c}× ${l}`).join(', ')}; slowest ` +
        `${Math.max(0, ...replies.map((r) => r.reply.ms))} ms`,
    );
    // CHAOS_DEBUG=1 shows every reply and the gateways' warnings (to see why a run failed).
    if (process.env.CHAOS_DEBUG) {
      for (const { req, reply, v } of verdicts)
        t.log(JSON.stringify(req), `gateway ${reply.gen}`, `${reply.ms} ms`, v.label, reply.body.slice(0, 300));
      for (const g of gw.generations)
        t.log(
          g.stderr
            .split('\n')
            .filter((l) => /"(warn|error)"/.test(l))
            .join('\n'),
        );
    }
    for (const { req, reply, v } of verdicts)
      t.is(v.problem, null, `${JSON.stringify(req)} -> gateway ${reply.gen}: ${v.problem}`);
    // A success was served with the secret of the profile the gateway names: ids and secrets are never re-used.
    const secretById = new Map<string, string>([[BASE.id, BASE.secret]]);
    for (const o of outcomes)
      if (o.op.kind === 'add-key' || o.op.kind === 'paste-token') secretById.set(o.op.id, o.op.secret);
    for (const { req, v } of verdicts) {
      if (!v.served || req.kind !== 'request') continue;
      const sent = upstream.attempts.get(req.marker)?.[v.served.attempt - 1];
      t.true(
        sent !== undefined && sent === secretById.get(v.served.profile),
        `${req.marker}: served as ${v.served.profile} with that profile's secret`,
      );
    }
    for (const s of upstream.secrets)
      t.true([...secretById.values()].includes(s), 'the upstream only ever saw stored secrets, whole');
    // Gateways end only by our SIGKILLs; the last stops cleanly on SIGTERM.
    for (const g of gw.generations)
      if (g !== last)
        t.true(
          g.killed && g.exit?.signal === 'SIGKILL',
          `gateway ${g.n} ended by itself: ${JSON.stringify(g.exit)} ${g.stderr.slice(-500)}`,
        );
    t.deepEqual(last.exit, { code: 0, signal: null }, `the last gateway stops cleanly: ${last.stderr.slice(-1500)}`);
    // Every whole log line is a JSON object naming its event.
    const gatewayLogs = gw.generations.map((g) => g.stdout + g.stderr);
    for (const g of gw.generations) {
      for (const line of g.stderr.split('\n').slice(0, -1))
        t.notThrows(() => JSON.parse(line).event.length, `gateway ${g.n} log line: ${line}`);
    }

    // Every file parses, a held lock's owner.json included. Not the scratch dirs a lock is built in
    // or moved aside to (`<lock>.<pid>.<hex>.new|gone`): a lock dir is renamed into place only after
    // its owner.json is written whole, so a process killed while writing one leaves a dir that no
    // reader opens.
    const lockScratch = /\.lock\.\d+\.[0-9a-f]{8}\.(?:new|gone)\//;
    for (const f of filesUnder(state).filter(
      (p) => (p.endsWith('.json') || p.endsWith('.bak') || p.endsWith('.fresh')) && !lockScratch.test(p),
    )) {
      t.notThrows(() => JSON.parse(readFileSync(f, 'utf8')), `${f} parses`);
    }
    const storePath = join(state, 'agents', 'main', 'agent', 'auth-profiles.json');
    const store = JSON.parse(readFileSync(storePath, 'utf8')) as {
      profiles: Record<string, { key?: string; token?: string }>;
      usageStats?: Record<string, unknown>;
    };
    const config = existsSync(join(state, 'aipro.json'))
      ? (JSON.parse(readFileSync(join(state, 'aipro.json'), 'utf8')) as { env?: { vars?: Record<string, string> } })
      : {};
    t.true(
      Object.values(store.usageStats ?? {}).every((s) => typeof s === 'object' && s !== null),
      'usage stats are objects',
    );

    // No acknowledged write lost: every acknowledged add whose id no remove ever touched is there, with its secret.
    t.is(store.profiles[BASE.id]?.key, BASE.secret, 'the base profile is untouched');
    const removed = new Set(outcomes.filter((o) => o.op.kind === 'remove').map((o) => (o.op as { id: string }).id));
    for (const o of outcomes) {
      if (!o.acked || (o.op.kind !== 'add-key' && o.op.kind !== 'paste-token') || removed.has(o.op.id)) continue;
      const p = store.profiles[o.op.id];
      t.is(p?.key ?? p?.token, o.op.secret, `acknowledged ${o.op.kind} ${o.op.id} is stored`);
    }
    // An acknowledged remove is gone for good (ids are never re-added).
    for (const o of outcomes)
      if (o.acked && o.op.kind === 'remove')
        t.false(Object.hasOwn(store.profiles, o.op.id), `removed ${o.op.id} stays removed`);
    // Config: per worker key, the value is the last acknowledged one or one from a later killed attempt.
    for (let w = 0; w < WORKERS; w++) {
      const key = `env.vars.CHAOS_W${w}`;
      const mine = outcomes.filter((o) => o.op.kind === 'config' && o.op.key === key);
      const lastAck = mine.map((o) => o.acked).lastIndexOf(true);
      if (lastAck < 0) continue;
      const allowed = mine
        .slice(lastAck)
        .filter((o, i) => i === 0 || !o.acked)
        .map((o) => (o.op as { value: string }).value);
      t.true(
        allowed.includes(config.env?.vars?.[`CHAOS_W${w}`] as string),
        `${key} = ${config.env?.vars?.[`CHAOS_W${w}`]}, allowed ${allowed.join(',')}`,
      );
    }
    // Sessions: the file parses as version 1, and every session a `/model` reply said was saved is there.
    const sessionsPath = join(state, 'agents', 'main', 'agent', 'gateway-sessions.json');
    const sessions = existsSync(sessionsPath)
      ? (JSON.parse(readFileSync(sessionsPath, 'utf8')) as {
          version: number;
          sessions: Record<string, { model?: string }>;
        })
      : { version: 1, sessions: {} };
    t.is(sessions.version, 1);
    for (const { req, v } of verdicts) {
      if (req.kind === 'command' && v.acked)
        t.is(
          sessions.sessions[req.session]?.model,
          'anthropic/claude-sonnet-4-5',
          `acknowledged session ${req.session} is stored`,
        );
    }

    // No secret outside the store: not in any other file, not in any output, gateway log or reply.
    const secrets = [BASE.secret, ...outcomes.flatMap((o) => ('secret' in o.op ? [o.op.secret] : []))];
    // A writer killed mid-write leaves its temp file; the next write of the store sweeps it (as here).
    sweepStaleTemps(storePath);
    const others = filesUnder(fs.dir).filter((f) => !f.startsWith(`${storePath}`));
    const blobs: [string, string][] = [
      ...others.map((f): [string, string] => [`file ${f}`, readFileSync(f, 'utf8')]),
      ...outcomes.map((o, i): [string, string] => [`output of op ${i} (${o.op.kind})`, o.out]),
      ...gatewayLogs.map((l, i): [string, string] => [`gateway log ${i}`, l]),
      ...replies.map((r, i): [string, string] => [`reply ${i}`, JSON.stringify(r.reply.headers) + r.reply.body]),
    ];
    for (const s of secrets)
      t.deepEqual(
        blobs.filter(([, b]) => b.includes(s) || b.includes(s.slice(0, 30))).map(([where]) => where),
        [],
        'a secret leaked outside the store',
      );

    // Doctor reports the state exactly: the store parses, and lock.stale lists exactly the dead holders' locks.
    const doc = await runCli(['doctor', '--json'], { env, timeoutMs: 60_000 });
    const checks = (JSON.parse(doc.stdout) as { checks: { id: string; level: string; path?: string }[] }).checks;
    t.false(
      checks.some((c) => c.id === 'store.parse' && c.level === 'error'),
      'store parses per doctor',
    );
    t.false(
      checks.some((c) => c.id === 'config.valid' && c.level === 'error'),
      'config valid per doctor',
    );
    const dead = readdirSync(state, { recursive: true, withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name.endsWith('.lock'))
      .map((e) => join(e.parentPath, e.name))
      .filter((p) => lockHolderDead(p))
      .sort();
    t.deepEqual(
      checks
        .filter((c) => c.id === 'lock.stale')
        .map((c) => c.path)
        .sort(),
      dead,
    );
    t.true(statSync(storePath).mode % 0o1000 === 0o600);
  },
);
