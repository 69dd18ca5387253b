/**
 * The status report of one agent: every credential judged by `status()`, with the
 * fingerprint (never the secret), order, lastGood and the fix for what is broken.
 * Shared by `models status`, `doctor`, and the monitor's expiry observations.
 */
import { collectCredentials, noCredentialsHint } from './credentials.js';
import { fixCommand } from './fix.js';
import type { Env } from './paths.js';
import { readStore, type StoreRead, type StoreReadError } from './read.js';
import { latestQuota } from './quota.js';
import type { ProbeRecord, QuotaRecord, Store } from './schema.js';
import { fingerprint } from './secrets.js';
import { FAILING, status, type CredentialView, type Status } from './status.js';

export interface StatusRow {
  agent: string;
  id: string;
  provider: string;
  type: CredentialView['type'];
  source: CredentialView['source'];
  status: Status;
  detail: string;
  expiresAt?: number;
  remainingMs?: number;
  fingerprint?: string;
  envVar?: string;
  email?: string;
  cooldownUntil?: number;
  disabledUntil?: number;
  disabledReason?: string;
  lastUsed?: number;
  lastProbe?: ProbeRecord;
  /** Latest quota observation (probe or gateway answer), windows labelled, utilization 0–100. */
  quota?: QuotaRecord;
  /** What to do about a broken or expiring credential (prose around `fixCommand`). */
  hint?: string;
  /** The exact command that replaces this credential (names its profile and agent). */
  fixCommand?: string;
  /** False when nothing records when this credential expires (a token without `expires`). */
  expiryKnown: boolean;
}

export interface AgentReport {
  agent: string;
  storePath: string;
  storeExists: boolean;
  storeError?: StoreReadError;
  rows: StatusRow[];
  order: Record<string, string[]>;
  lastGood: Record<string, string>;
  store?: Store;
}

export interface ReportOptions {
  now: number;
  warnMs: number;
  provider?: string;
  /** See CollectOptions.hashSecrets. */
  hashSecrets?: boolean;
}

/** A number a Date can hold (stats timestamps are printed as dates). */
function isTime(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
}

/**
 * Judge one credential view into a row. Pure. `display: false` leaves out what only a reader of
 * the report sees (fingerprint, e-mail, disabled and last-used times, remaining time): the monitor
 * judges 10,000 credentials a cycle into observations that carry none of them.
 */
export function rowFor(view: CredentialView, now: number, warnMs: number, display = true): StatusRow {
  const s = status(view, now, warnMs);
  const stats = view.stats;
  const row: StatusRow = {
    agent: view.agent,
    id: view.id,
    provider: view.provider,
    type: view.type,
    source: view.source,
    status: s.status,
    detail: s.detail,
    // A token (or OAuth that cannot refresh) without a usable `expires` can never warn before it stops working.
    // Same rule as the exporter's aipro_auth_profile_expiry_known.
    expiryKnown:
      !(view.type === 'token' || (view.type === 'oauth' && !view.hasRefreshToken)) || s.expiresAt !== undefined,
  };
  if (s.expiresAt !== undefined) row.expiresAt = s.expiresAt;
  if (display) {
    if (s.remainingMs !== undefined) row.remainingMs = s.remainingMs;
    if (view.secret.ok) row.fingerprint = fingerprint(view.secret.value);
    if (view.envVar) row.envVar = view.envVar;
    if (view.email) row.email = view.email;
  }
  // Stats are written by other tools too: a timestamp outside the Date range is ignored, never printed.
  if (stats?.cooldownUntil && isTime(stats.cooldownUntil) && stats.cooldownUntil > now)
    row.cooldownUntil = stats.cooldownUntil;
  if (display && stats?.disabledUntil && isTime(stats.disabledUntil) && stats.disabledUntil > now) {
    row.disabledUntil = stats.disabledUntil;
    if (stats.disabledReason) row.disabledReason = stats.disabledReason;
  }
  if (display && stats?.lastUsed && isTime(stats.lastUsed)) row.lastUsed = stats.lastUsed;
  if (stats?.lastProbe && isTime(stats.lastProbe.at)) row.lastProbe = stats.lastProbe;
  const quota = latestQuota(stats);
  if (quota && isTime(quota.at)) row.quota = quota;
  const fix = fixFor(row, view);
  if (fix) {
    row.hint = fix.hint;
    if (fix.command) row.fixCommand = fix.command;
  }
  return row;
}

function fixFor(row: StatusRow, view: CredentialView): { hint: string; command?: string } | undefined {
  const needsFix =
    row.status === 'missing' ||
    FAILING.has(row.status) ||
    row.status === 'expiring' ||
    (row.status === 'static' && !row.expiryKnown);
  if (!needsFix) return undefined;
  if (view.source === 'env')
    return { hint: `replace ${view.envVar} (in the environment or ~/.aipro/.env), then \`aipro models status\`` };
  // A provider with nothing stored gets a synthetic `<provider>:none` id: no profile to name then.
  const synthetic = view.type === 'none' && view.id === `${view.provider}:none`;
  const command = fixCommand({
    provider: row.provider,
    type: view.type,
    agent: row.agent,
    ...(synthetic ? {} : { profileId: row.id }),
  });
  if (row.status === 'missing') return { hint: noCredentialsHint(row.provider, command), command };
  // The detail already says why an unknown expiry matters; the hint is only the command, with
  // the flag that records a lifetime (re-pasting without it would store no expiry again).
  if (row.status === 'static') {
    const lifetime = command.includes(' paste-token ') ? ' --expires-in 90d (use its real lifetime)' : '';
    return { hint: `record its lifetime: ${command}${lifetime}`, command };
  }
  const probeHint = view.stats?.lastProbe?.hint;
  // A probe's own advice (e.g. "use an API key instead") is kept; its generic fix is replaced by the targeted one.
  if (row.status === 'rejected' && probeHint && !probeHint.includes('aipro models auth'))
    return { hint: `${probeHint}; or replace it: ${command}`, command };
  if (row.status === 'refresh_failed') return { hint: `re-authenticate: ${command}`, command };
  return { hint: command, command };
}

/**
 * What the report needs from the config (see `reportSettings` in config/models.ts): the
 * providers it depends on and the profiles it declares. Passed in, so the store never reads
 * the config.
 */
export interface ReportSettings {
  providersInUse: readonly string[];
  profiles: Record<string, { provider?: string; mode?: string }>;
}

/** Build the report of one agent from its store (read from its file unless `read` is given by a backend). */
export function agentReport(
  agent: { id: string; storePath: string; isDefault?: boolean },
  settings: ReportSettings,
  env: Env,
  opts: ReportOptions,
  read: StoreRead = readStore(agent.storePath),
): AgentReport {
  if (!read.ok) {
    return {
      agent: agent.id,
      storePath: agent.storePath,
      storeExists: true,
      storeError: read,
      rows: [],
      order: {},
      lastGood: {},
    };
  }
  const store = read.store;
  const inUse = new Set([...settings.providersInUse, ...Object.keys(store.order ?? {})]);
  if (opts.provider) inUse.add(opts.provider);
  const views = collectCredentials(agent.id, store, env, {
    providersInUse: inUse,
    // Config declarations describe the default agent's store (paste-token records them there).
    ...(agent.isDefault !== false ? { configProfiles: settings.profiles } : {}),
    ...(opts.provider ? { provider: opts.provider } : {}),
    ...(opts.hashSecrets === false ? { hashSecrets: false } : {}),
  });
  return {
    agent: agent.id,
    storePath: agent.storePath,
    storeExists: read.exists,
    rows: views.map((v) => rowFor(v, opts.now, opts.warnMs)),
    order: store.order ?? {},
    lastGood: store.lastGood ?? {},
    store,
  };
}
