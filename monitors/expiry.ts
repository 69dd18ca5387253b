/**
 * The expiry monitor: every credential of every agent (store profiles, env keys, declared
 * and missing providers) judged by the same report as `aipro models status`. No network;
 * runs every minute by default.
 */
import { configuredProviders } from '../src/config/models.js';
import type { AiproConfig } from '../src/config/schema.js';
import { collectCredentials } from '../src/store/credentials.js';
import type { Env } from '../src/store/paths.js';
import { readStore, type StoreRead, type StoreReadError } from '../src/store/read.js';
import { rowFor, type StatusRow } from '../src/store/report.js';
import type { CredentialView } from '../src/store/status.js';
import type { StoreBackend } from '../src/store/backends/types.js';
import type { CredentialObservation, MonitorImpl, MonitorContext, Observation } from './types.js';
import { fileSignature } from '../src/util/fs.js';

type Agent = MonitorContext['agents'][number];

/**
 * The credentials of one agent, exactly as `agentReport()` (src/store/report.ts) collects
 * them for `models status` — a test holds the two equal. Kept separate so the views can be
 * cached: parsing and hashing 10,000 profiles every minute costs more than judging them.
 */
export function agentViews(
  agent: Agent,
  config: AiproConfig,
  env: Env,
): { ok: true; views: CredentialView[] } | StoreReadError {
  return viewsOf(agent, readStore(agent.storePath), config, env);
}

/** The credential views of one agent's store read (any backend). Pure. */
export function viewsOf(
  agent: Agent,
  read: StoreRead,
  config: AiproConfig,
  env: Env,
): { ok: true; views: CredentialView[] } | StoreReadError {
  if (!read.ok) return read;
  const store = read.store;
  const inUse = new Set([...configuredProviders(config), ...Object.keys(store.order ?? {})]);
  const views = collectCredentials(agent.id, store, env, {
    providersInUse: inUse,
    ...(agent.isDefault !== false ? { configProfiles: config.auth.profiles } : {}),
  });
  return { ok: true, views };
}

interface Cached {
  sig: string;
  config: AiproConfig;
  env: Env;
  agent: string;
  isDefault: boolean;
  views: CredentialView[];
}

/**
 * Views by store path, valid while the file (inode, size, mtime), the config object and
 * the env object are the same. Every store write is an atomic rename, so a change always
 * shows in the signature. Stores with file-referenced secrets are never cached (the
 * referenced file can change on its own).
 */
const cache = new Map<string, Cached>();

function cachedViews(
  agent: Agent,
  config: AiproConfig,
  env: Env,
): { ok: true; views: CredentialView[] } | StoreReadError {
  const sig = fileSignature(agent.storePath);
  const hit = cache.get(agent.storePath);
  if (
    hit &&
    hit.sig === sig &&
    hit.config === config &&
    hit.env === env &&
    hit.agent === agent.id &&
    hit.isDefault === (agent.isDefault !== false)
  ) {
    return { ok: true, views: hit.views };
  }
  const res = agentViews(agent, config, env);
  if (res.ok && !res.views.some((v) => v.secret.ref?.source === 'file')) {
    cache.set(agent.storePath, {
      sig,
      config,
      env,
      agent: agent.id,
      isDefault: agent.isDefault !== false,
      views: res.views,
    });
  } else cache.delete(agent.storePath);
  return res;
}

/** One judged credential as an observation. Pure. */
export function credentialObservation(row: StatusRow, view: CredentialView): CredentialObservation {
  const o: CredentialObservation = {
    kind: 'credential',
    agent: row.agent,
    provider: row.provider,
    profile: row.id,
    type: row.type,
    source: row.source,
    status: row.status,
    detail: row.detail,
  };
  if (row.expiresAt !== undefined) o.expiresAt = row.expiresAt;
  if (row.hint) o.hint = row.hint;
  if (view.secretHash) o.secretHash = view.secretHash;
  if (row.cooldownUntil) o.cooldownUntil = row.cooldownUntil;
  if (view.hasRefreshToken) o.refreshable = true;
  if (view.refreshExpires !== undefined) o.refreshExpiresAt = view.refreshExpires;
  const p = row.lastProbe;
  // A stored probe of an older secret says nothing about the current one.
  if (p && (!p.secretHash || !view.secretHash || p.secretHash === view.secretHash)) {
    o.probe = { ok: p.ok, reason: p.reason, at: p.at };
    if (p.httpStatus !== undefined) o.probe.httpStatus = p.httpStatus;
    if (p.latencyMs !== undefined) o.probe.latencyMs = p.latencyMs;
    if (p.clockSkewMs !== undefined) o.probe.clockSkewMs = p.clockSkewMs;
  }
  if (row.quota) o.quota = row.quota;
  return o;
}

/**
 * Observations of every agent at `now`: its credentials and one `store` observation saying
 * whether its store could be read (an unreadable store yields that observation only, so its
 * profiles are never mistaken for deleted ones).
 */
export function expiryObservations(ctx: Pick<MonitorContext, 'agents' | 'config' | 'env'>, now: number): Observation[] {
  const seen = new Set<string>();
  const out = judgeAgents(ctx, now, (agent) => {
    seen.add(agent.storePath);
    return cachedViews(agent, ctx.config, ctx.env);
  });
  for (const path of cache.keys()) if (!seen.has(path)) cache.delete(path);
  return out;
}

type Views = { ok: true; views: CredentialView[] } | StoreReadError;

function judgeAgents(
  ctx: Pick<MonitorContext, 'agents' | 'config' | 'env'>,
  now: number,
  viewsFor: (agent: Agent) => Views,
): Observation[] {
  const warnMs = ctx.config.auth.warnHours * 3_600_000;
  const out: Observation[] = [];
  for (const agent of ctx.agents) {
    const res = viewsFor(agent);
    if (!res.ok) {
      out.push({
        kind: 'store',
        agent: agent.id,
        path: agent.storePath,
        ok: false,
        reason: res.reason,
        detail: res.detail,
      });
      continue;
    }
    out.push({ kind: 'store', agent: agent.id, path: agent.storePath, ok: true, reason: 'ok' });
    for (const view of res.views) {
      const o = credentialObservation(rowFor(view, now, warnMs, false), view);
      if (o.refreshable && typeof o.expiresAt === 'number')
        o.nextRefreshAt = o.expiresAt - ctx.config.auth.refreshSkewMs;
      out.push(o);
    }
  }
  return out;
}

/** The same observations from a store backend (the fleet's database): every agent read afresh. */
export async function expiryObservationsFrom(
  ctx: Pick<MonitorContext, 'agents' | 'config' | 'env'>,
  store: StoreBackend,
  now: number,
): Promise<Observation[]> {
  const reads = new Map<string, StoreRead>();
  for (const agent of ctx.agents) reads.set(agent.id, await store.read(agent));
  return judgeAgents(ctx, now, (agent) => viewsOf(agent, reads.get(agent.id) as StoreRead, ctx.config, ctx.env));
}

export const expiry: MonitorImpl = {
  name: 'expiry',
  async run(ctx) {
    // Files are judged through the signature cache; any other backend is read each cycle.
    if (ctx.store && ctx.store.kind !== 'file') return expiryObservationsFrom(ctx, ctx.store, ctx.now());
    return expiryObservations(ctx, ctx.now());
  },
};
