/**
 * Doctor checks for each agent's auth store: parses (else: is there a good `.bak`?),
 * modes, stale locks, the status of every credential, the same secret stored twice, an
 * env key next to a different stored key of the same provider, order entries that point
 * at nothing.
 */
import { reportSettings } from '../config/models.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { lockHolderDead, readLockOwner } from '../store/lock.js';
import { monitorDir, stateDir } from '../store/paths.js';
import { bakParses, readStore } from '../store/read.js';
import { envViews } from '../store/credentials.js';
import { agentReport, type AgentReport } from '../store/report.js';
import { malformedProfiles, type Store } from '../store/schema.js';
import { fingerprint, profileSecret } from '../store/secrets.js';
import { sha256Prefix } from '../util/sha256.js';
import { FAILING } from '../store/status.js';
import type { DoctorContext, Finding } from './context.js';
import { LAYER_LABEL } from './env.js';
import { modeFinding } from './state.js';

export interface DoctorAgent {
  id: string;
  isDefault: boolean;
  storePath: string;
}

/** Lock dirs (`*.lock`) under the state dir, the monitor dir and every agent dir whose holder is dead. */
export function staleLocks(dirs: string[], now: number): { path: string; ageMs: number }[] {
  const out: { path: string; ageMs: number }[] = [];
  for (const dir of new Set(dirs)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.lock'))) {
      const path = join(dir, name);
      try {
        const ageMs = now - statSync(path).mtimeMs;
        if (lockHolderDead(path, now)) out.push({ path, ageMs });
      } catch {
        // vanished: released meanwhile
      }
    }
  }
  return out;
}

export function lockChecks(ctx: DoctorContext, agents: DoctorAgent[]): Finding[] {
  const dirs = [
    stateDir(ctx.env),
    dirname(ctx.configPath),
    monitorDir(ctx.env),
    ...agents.map((a) => dirname(a.storePath)),
  ];
  return staleLocks(dirs, ctx.now).map(({ path, ageMs }) => ({
    id: 'lock.stale',
    level: 'warn' as const,
    path,
    summary:
      `stale lock ${path} (${Math.round(ageMs / 1000)} s old, ${holderWords(path)}): a process died while writing; ` +
      `the next writer takes it over`,
    fix: `remove it: aipro doctor --fix (or rm -r ${path})`,
    fixable: true,
    repair: { kind: 'unlock' as const, path },
  }));
}

function holderWords(path: string): string {
  const o = readLockOwner(path);
  return o ? `held by pid ${o.pid} (${o.cmd}) on ${o.host}, no longer running` : 'no holder recorded';
}

function parseFinding(agent: DoctorAgent, detail: string): Finding {
  const path = agent.storePath;
  const bak = bakParses(path);
  return {
    id: 'store.parse',
    level: 'error',
    agent: agent.id,
    path,
    summary: `agent ${agent.id}: ${path} is unreadable: ${detail}`,
    fix: bak
      ? `restore the last good copy: aipro doctor --fix --yes (keeps the broken file as ` +
        `${basename(path)}.corrupt-<time>)`
      : `no usable ${basename(path)}.bak; move the file away and add the credentials again (aipro models auth ` +
        `add-key / paste-token)`,
    fixable: bak,
    ...(bak ? { repair: { kind: 'restore' as const, path } } : {}),
  };
}

/** The same secret under two profile ids, and env keys next to stored keys of the same provider. */
function duplicateChecks(ctx: DoctorContext, agent: DoctorAgent, store: Store): Finding[] {
  const out: Finding[] = [];
  const byHash = new Map<string, string[]>();
  const stored: { id: string; provider: string; type: string; hash: string }[] = [];
  for (const [id, profile] of Object.entries(store.profiles)) {
    const s = profileSecret(profile, ctx.env);
    if (!s.ok) continue;
    const hash = sha256Prefix(s.value);
    byHash.set(hash, [...(byHash.get(hash) ?? []), id]);
    stored.push({ id, provider: profile.provider, type: profile.type, hash });
  }
  for (const ids of byHash.values()) {
    if (ids.length > 1) {
      out.push({
        id: 'store.duplicate',
        level: 'warn',
        agent: agent.id,
        summary: `agent ${agent.id}: ${ids.join(' and ')} hold the same secret; failover between them gains nothing`,
        fix: `aipro models auth remove ${ids[ids.length - 1]}${agent.isDefault ? '' : ` --agent ${agent.id}`}`,
      });
    }
  }
  for (const row of envViews(agent.id, ctx.env)) {
    if (!row.secret.ok) continue;
    const value = row.secret.value;
    const hash = sha256Prefix(value);
    const sameProvider = stored.filter((s) => s.provider === row.provider && s.type === 'api_key');
    const origin = LAYER_LABEL[ctx.envOrigin[row.envVar ?? ''] ?? 'process'];
    for (const s of sameProvider) {
      out.push(
        s.hash === hash
          ? {
              id: 'env.duplicate',
              level: 'warn',
              agent: agent.id,
              summary: `agent ${agent.id}: ${row.envVar} (from ${origin}) is the same key as profile ${s.id}`,
              fix: `keep one of them (e.g. aipro models auth remove ${s.id})`,
            }
          : {
              id: 'env.shadow',
              level: 'warn',
              agent: agent.id,
              summary:
                `agent ${agent.id}: ${row.envVar} (from ${origin}, ${fingerprint(value)}) and profile ${s.id} are ` +
                `different ${row.provider} keys; requests may use either`,
              fix: `remove the one you no longer use (unset ${row.envVar}, or aipro models auth remove ${s.id})`,
            },
      );
    }
  }
  return out;
}

/** One finding per credential that needs attention (shared by the file and the fleet store checks). */
export function profileFindings(agent: { id: string }, rows: AgentReport['rows']): Finding[] {
  const out: Finding[] = [];
  for (const r of rows) {
    if (r.status === 'static' && !r.expiryKnown) {
      // Nothing will ever alert before such a token stops working.
      out.push({
        id: 'profile.expiry_unknown',
        level: 'warn',
        agent: agent.id,
        summary:
          `agent ${agent.id}: ${r.id} is a token with no recorded expiry: expiry unknown, no alert will warn before ` +
          `it stops working`,
        ...(r.hint ? { fix: r.hint } : r.fixCommand ? { fix: r.fixCommand } : {}),
      });
      continue;
    }
    if (!FAILING.has(r.status) && r.status !== 'expiring') continue;
    const who = r.type === 'none' ? r.provider : r.id;
    out.push({
      id: `profile.${r.status}`,
      level: r.status === 'expiring' ? 'warn' : 'error',
      agent: agent.id,
      summary: `agent ${agent.id}: ${who} is ${r.status}: ${r.detail}`,
      ...(r.hint ? { fix: r.hint } : {}),
    });
  }
  return out;
}

export function storeChecks(ctx: DoctorContext, agent: DoctorAgent): Finding[] {
  const out: Finding[] = [];
  const path = agent.storePath;
  const dirMode = existsSync(dirname(path))
    ? modeFinding('store.dir.mode', dirname(path), 0o700, 'agent dir', 'warn', agent.id)
    : null;
  if (dirMode && dirMode.level !== 'ok') out.push(dirMode);
  for (const p of [path, `${path}.bak`]) {
    const m = modeFinding('store.mode', p, 0o600, 'auth store', 'error', agent.id);
    if (m && m.level !== 'ok') out.push(m);
  }
  const read = readStore(path);
  if (!read.ok) return [...out, parseFinding(agent, read.detail)];
  const report = agentReport(agent, reportSettings(ctx.config), ctx.env, {
    now: ctx.now,
    warnMs: ctx.config.auth.warnHours * 3_600_000,
  });
  const good = report.rows.filter((r) => !FAILING.has(r.status) && r.status !== 'expiring');
  const malformed = new Set(malformedProfiles(read.store).map((m) => m.id));
  const count = Object.keys(read.store.profiles).length + malformed.size;
  out.push({
    id: 'store.parse',
    level: 'ok',
    agent: agent.id,
    path,
    summary:
      `agent ${agent.id}: ${read.exists ? `${count} profiles in ${path}` : `no store yet (${path})`}; ${good.length} ` +
      `credential(s) fine`,
  });
  out.push(...profileFindings(agent, report.rows));
  for (const [provider, ids] of Object.entries(read.store.order ?? {})) {
    const dangling = ids.filter((id) => !Object.hasOwn(read.store.profiles, id) && !malformed.has(id));
    if (dangling.length) {
      out.push({
        id: 'store.order',
        level: 'warn',
        agent: agent.id,
        summary: `agent ${agent.id}: order for ${provider} names missing profiles: ${dangling.join(', ')}`,
        fix:
          `aipro models auth order set --provider ${provider} ` +
          `<ids…>${agent.isDefault ? '' : ` --agent ${agent.id}`}`,
      });
    }
  }
  return [...out, ...duplicateChecks(ctx, agent, read.store)];
}
