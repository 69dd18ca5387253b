/**
 * Probing many credentials at once with bounded concurrency, and remembering the
 * result in the store (`usageStats[id].lastProbe`) so `models status`, the monitor and
 * the metrics can show it without probing again.
 */
import { resolveModelRef } from '../config/models.js';
import type { AiproConfig } from '../config/schema.js';
import type { ProbeRecord } from '../store/schema.js';
import type { CredentialView } from '../store/status.js';
import type { AgentRef, StoreBackend, StoreChange } from '../store/backends/types.js';
import { updateStore } from '../store/write.js';
import { getProvider } from './index.js';
import type { ProbeResult } from './types.js';
import { own } from '../util/own.js';

export interface ProbeOptions {
  config: AiproConfig;
  timeoutMs: number;
  concurrency: number;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

/** Key of a result in the map `probeCredentials` returns: `<agent>/<profileId>`. */
export function probeKey(agent: string, profileId: string): string {
  return `${agent}/${profileId}`;
}

/** Base URL of a provider: config `models.providers.<id>.baseUrl`, else the provider default. */
export function providerBaseUrl(providerId: string, config: AiproConfig): string | undefined {
  const fromConfig = own(config.models.providers, providerId)?.baseUrl;
  return typeof fromConfig === 'string' && fromConfig ? fromConfig : getProvider(providerId)?.defaultBaseUrl;
}

/** The model a message probe uses: the configured default when it is this provider's. */
function probeModel(providerId: string, config: AiproConfig): string | undefined {
  const ref = resolveModelRef(config.models.default, config);
  return ref?.provider === providerId ? ref.model : getProvider(providerId)?.probeModel;
}

/** True when a view can be probed: a readable secret of a provider that has a probe. */
export function isProbeable(v: CredentialView): boolean {
  return v.type !== 'none' && v.secret.ok && !v.shapeProblem && typeof getProvider(v.provider)?.probe === 'function';
}

/** Probe one credential view. Never throws for expected failures. */
export async function probeOne(
  v: CredentialView,
  opts: Pick<ProbeOptions, 'config' | 'timeoutMs' | 'signal'>,
): Promise<ProbeResult | null> {
  const p = getProvider(v.provider);
  const baseUrl = providerBaseUrl(v.provider, opts.config);
  if (!p?.probe || !baseUrl || v.type === 'none' || v.type === 'unknown' || !v.secret.ok) return null;
  const model = probeModel(v.provider, opts.config);
  try {
    return await p.probe({
      baseUrl,
      type: v.type,
      secret: v.secret.value,
      timeoutMs: opts.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(model ? { model } : {}),
      ...(v.accountId ? { accountId: v.accountId } : {}),
    });
  } catch (err) {
    // A probe bug must not take the whole run down; report it as `unknown` without the message
    // (it could quote a request that carried the secret).
    return {
      ok: false,
      reason: 'unknown',
      latencyMs: 0,
      detail: `probe failed unexpectedly (${(err as Error)?.name ?? 'error'})`,
    };
  }
}

/**
 * Probe every probeable view, at most `concurrency` at a time. Views that cannot be
 * probed (missing, unreadable secret, malformed) are left out of the map.
 */
export async function probeCredentials(views: CredentialView[], opts: ProbeOptions): Promise<Map<string, ProbeResult>> {
  const todo = views.filter(isProbeable);
  const out = new Map<string, ProbeResult>();
  let next = 0;
  let done = 0;
  opts.onProgress?.(0, todo.length);
  const worker = async () => {
    while (next < todo.length) {
      const v = todo[next++] as CredentialView;
      const r = await probeOne(v, opts);
      if (r) out.set(probeKey(v.agent, v.id), r);
      done++;
      opts.onProgress?.(done, todo.length);
    }
  };
  const n = Math.max(1, Math.min(Math.floor(opts.concurrency) || 1, todo.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}

/** The stored form of a probe result. */
export function probeRecord(result: ProbeResult, secretHash: string | undefined, now: number): ProbeRecord {
  const rec: ProbeRecord = { at: now, ok: result.ok, reason: result.reason, latencyMs: result.latencyMs };
  if (result.httpStatus !== undefined) rec.httpStatus = result.httpStatus;
  if (result.requestId) rec.requestId = result.requestId;
  if (result.hint) rec.hint = result.hint;
  if (result.detail) rec.detail = result.detail;
  if (secretHash) rec.secretHash = secretHash;
  if (result.quota && result.quota.length > 0) rec.quota = result.quota;
  if (result.quotaStatus) rec.quotaStatus = result.quotaStatus;
  if (result.clockSkewMs !== undefined) rec.clockSkewMs = result.clockSkewMs;
  return rec;
}

/** Store one probe result as `usageStats[profileId].lastProbe`. */
export async function persistProbe(
  storePath: string,
  profileId: string,
  result: ProbeResult,
  secretHash: string | undefined,
  now: number,
): Promise<void> {
  await persistProbes(storePath, [{ profileId, result, secretHash }], now);
}

/** Store many probe results of one store in a single locked write. */
export async function persistProbes(
  storePath: string,
  entries: { profileId: string; result: ProbeResult; secretHash: string | undefined }[],
  now: number,
  /** Write through this backend instead of the file at `storePath`. */
  via?: { backend: StoreBackend; agent: AgentRef },
): Promise<void> {
  if (entries.length === 0) return;
  const change: StoreChange<undefined> = (store) => {
    const usage = { ...(store.usageStats ?? {}) };
    for (const e of entries)
      usage[e.profileId] = { ...(usage[e.profileId] ?? {}), lastProbe: probeRecord(e.result, e.secretHash, now) };
    store.usageStats = usage;
    return { store, result: undefined };
  };
  await (via ? via.backend.update(via.agent, change) : updateStore(storePath, change));
}
