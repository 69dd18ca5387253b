/**
 * The status report of one agent: every credential judged by `status()`, with the
 * fingerprint (never the secret), order, lastGood and the fix for what is broken.
 * Shared by `models status`, `doctor`, and the monitor's expiry observations.
 */
import { configuredProviders } from '../config/models.js';
import type { AiproConfig } from '../config/schema.js';
import { getProvider } from '../providers/index.js';
import { collectCredentials, noCredentialsHint } from './credentials.js';
import type { Env } from './paths.js';
import { readStore, type StoreRead, type StoreReadError } from './read.js';
import type { ProbeRecord, Store } from './schema.js';
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
  /** The command that fixes a broken or expiring credential. */
  hint?: string;
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

/** Judge one credential view into a row. Pure. */
export function rowFor(view: CredentialView, now: number, warnMs: number): StatusRow {
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
  };
  if (s.expiresAt !== undefined) row.expiresAt = s.expiresAt;
  if (s.remainingMs !== undefined) row.remainingMs = s.remainingMs;
  if (view.secret.ok) row.fingerprint = fingerprint(view.secret.value);
  if (view.envVar) row.envVar = view.envVar;
  if (view.email) row.email = view.email;
  if (stats?.cooldownUntil && stats.cooldownUntil > now) row.cooldownUntil = stats.cooldownUntil;
  if (stats?.disabledUntil && stats.disabledUntil > now) {
    row.disabledUntil = stats.disabledUntil;
    if (stats.disabledReason) row.disabledReason = stats.disabledReason;
  }
  if (stats?.lastUsed) row.lastUsed = stats.lastUsed;
  if (stats?.lastProbe) row.lastProbe = stats.lastProbe;
  const hint = hintFor(row, view);
  if (hint) row.hint = hint;
  return row;
}

function hintFor(row: StatusRow, view: CredentialView): string | undefined {
  if (row.status === 'missing') return noCredentialsHint(row.provider);
  if (!FAILING.has(row.status) && row.status !== 'expiring') return undefined;
  if (row.status === 'rejected' && view.stats?.lastProbe?.hint) return view.stats.lastProbe.hint;
  if (view.source === 'env') return `replace ${view.envVar} (in the environment or ~/.aipro/.env), then \`aipro models status\``;
  const p = getProvider(row.provider);
  if (row.status === 'refresh_failed') return `re-authenticate: aipro models auth login --provider ${row.provider}`;
  if (view.type === 'none') return noCredentialsHint(row.provider);
  return p ? p.fixCommand(view.type) : `aipro models auth paste-token --provider ${row.provider}`;
}

/** Build the report of one agent from its store (read from its file unless `read` is given by a backend). */
export function agentReport(
  agent: { id: string; storePath: string; isDefault?: boolean },
  config: AiproConfig,
  env: Env,
  opts: ReportOptions,
  read: StoreRead = readStore(agent.storePath),
): AgentReport {
  if (!read.ok) {
    return { agent: agent.id, storePath: agent.storePath, storeExists: true, storeError: read, rows: [], order: {}, lastGood: {} };
  }
  const store = read.store;
  const inUse = new Set([...configuredProviders(config), ...Object.keys(store.order ?? {})]);
  if (opts.provider) inUse.add(opts.provider);
  const views = collectCredentials(agent.id, store, env, {
    providersInUse: inUse,
    // Config declarations describe the default agent's store (paste-token records them there).
    ...(agent.isDefault !== false ? { configProfiles: config.auth.profiles } : {}),
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
