/**
 * Probe every credential of some agents, the way `models status --probe` and the
 * validity monitor both need it: refresh OAuth access tokens that are due first (an
 * expired access token would read as "rejected" when it only needs a refresh), probe
 * with bounded concurrency, store the results. One function, two callers.
 */
import type { AiproConfig } from '../src/config/schema.js';
import { needsRefresh, refreshProfile, type RefreshResult } from '../src/oauth/refresh.js';
import { collectCredentials } from '../src/store/credentials.js';
import type { StoreBackend } from '../src/store/backends/types.js';
import { readStore } from '../src/store/read.js';
import type { CredentialView } from '../src/store/status.js';
import { persistProbes, probeCredentials, probeKey } from '../src/providers/probe.js';
import type { ProbeResult } from '../src/providers/types.js';

export interface ProbeAgentsInput {
  agents: { id: string; storePath: string; isDefault: boolean }[];
  config: AiproConfig;
  env: Record<string, string>;
  now: () => number;
  timeoutMs: number;
  concurrency: number;
  provider?: string;
  profile?: string;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
  /** Store results as `lastProbe` (default true). */
  persist?: boolean;
  /** The store backend (default: each agent's file); on postgres refreshes are fleet-wide. */
  store?: StoreBackend;
}

export interface ProbeAgentsOutput {
  /** Keyed by `probeKey(agent, profileId)`. */
  results: Map<string, ProbeResult>;
  /** The views that were probed (secrets inside: never print them). */
  views: CredentialView[];
  refreshes: { agent: string; profile: string; provider: string; result: RefreshResult }[];
  /** Stores that could not be read or written (path: message). */
  errors: string[];
}

/** Refresh due OAuth profiles, probe everything, persist. */
export async function probeAgents(input: ProbeAgentsInput): Promise<ProbeAgentsOutput> {
  const out: ProbeAgentsOutput = { results: new Map(), views: [], refreshes: [], errors: [] };
  const wanted = (id: string, provider: string) =>
    (!input.provider || provider === input.provider) && (!input.profile || id === input.profile);

  for (const agent of input.agents) {
    const read = input.store ? await input.store.read(agent) : readStore(agent.storePath);
    if (!read.ok) {
      out.errors.push(`${read.path}: ${read.detail}`);
      continue;
    }
    for (const [id, p] of Object.entries(read.store.profiles)) {
      if (!wanted(id, p.provider) || !needsRefresh(p, input.now(), input.config.auth.refreshSkewMs)) continue;
      const store = input.store ? { store: { backend: input.store, agentId: agent.id } } : {};
      // A fleet store that cannot be reached fails this refresh as data, like any store failure.
      const result = await refreshProfile({
        storePath: agent.storePath,
        profileId: id,
        config: input.config,
        env: input.env,
        now: input.now,
        ...store,
      }).catch((err: Error): RefreshResult => {
        if (err.name !== 'StoreUnavailableError') throw err;
        return { ok: false, reason: 'store', permanent: false, detail: err.message };
      });
      out.refreshes.push({ agent: agent.id, profile: id, provider: p.provider, result });
    }
    const again = input.store ? await input.store.read(agent) : readStore(agent.storePath);
    if (!again.ok) continue;
    const views = collectCredentials(
      agent.id,
      again.store,
      input.env,
      input.provider ? { provider: input.provider } : {},
    );
    out.views.push(...views.filter((v) => wanted(v.id, v.provider)));
  }

  // The same secret under several agents (an env key) is probed once.
  const bySecret = new Map<string, CredentialView>();
  for (const v of out.views) {
    const k = `${v.provider}|${v.type}|${v.secretHash ?? v.agent + v.id}`;
    if (!bySecret.has(k)) bySecret.set(k, v);
  }
  const unique = [...bySecret.values()];
  const probed = await probeCredentials(unique, {
    config: input.config,
    timeoutMs: input.timeoutMs,
    concurrency: input.concurrency,
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const at = input.now();
  const perStore = new Map<string, { profileId: string; result: ProbeResult; secretHash: string | undefined }[]>();
  for (const v of out.views) {
    const src = bySecret.get(`${v.provider}|${v.type}|${v.secretHash ?? v.agent + v.id}`);
    const r = src ? probed.get(probeKey(src.agent, src.id)) : undefined;
    if (!r) continue;
    out.results.set(probeKey(v.agent, v.id), r);
    const storePath = input.agents.find((a) => a.id === v.agent)?.storePath;
    if (!storePath) continue;
    const list = perStore.get(storePath) ?? [];
    list.push({ profileId: v.id, result: r, secretHash: v.secretHash });
    perStore.set(storePath, list);
  }
  if (input.persist !== false) {
    for (const [storePath, entries] of perStore) {
      try {
        const agent = input.agents.find((a) => a.storePath === storePath);
        await persistProbes(storePath, entries, at, input.store && agent ? { backend: input.store, agent } : undefined);
      } catch (err) {
        out.errors.push(`${storePath}: could not store probe results (${(err as Error).message})`);
      }
    }
  }
  return out;
}
