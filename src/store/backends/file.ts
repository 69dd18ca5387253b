/**
 * The file backend: one `auth-profiles.json` per agent on this host. It is a thin face
 * over the store reader, the durable writer and the lock file code, so those stay the one
 * copy of each rule. The writer is loaded on first update: reading a store (the cold path
 * of `models status`) never loads the lock and atomic-write libraries.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { agentsRoot, AGENT_ID_RE, type Env } from '../paths.js';
import { readStore } from '../read.js';
import { sha256Prefix } from '../../util/sha256.js';
import type { AgentRef, StoreBackend } from './types.js';

/** The per-profile refresh lock of a file store (its `.lock` directory sits next to the store). */
export function refreshLockPath(storePath: string, profileId: string): string {
  const safe = profileId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  return join(dirname(storePath), `.refresh-${safe}-${sha256Prefix(profileId).slice(0, 8)}`);
}

/** Agents with a directory under `<state>/agents`, plus `defaultAgent`. */
export function fileAgentIds(env: Env, defaultAgent: string): string[] {
  const ids = new Set<string>([defaultAgent]);
  try {
    for (const e of readdirSync(agentsRoot(env), { withFileTypes: true }))
      if (e.isDirectory() && AGENT_ID_RE.test(e.name)) ids.add(e.name);
  } catch {
    // No agents directory yet: only the default agent.
  }
  return [...ids].sort();
}

export function fileBackend(env: Env, defaultAgent = 'main'): StoreBackend {
  return {
    kind: 'file',
    describe: (agent: AgentRef) => agent.storePath,
    read: async (agent) => readStore(agent.storePath),
    update: async (agent, change) => (await import('../write.js')).updateStore(agent.storePath, change),
    listAgents: async () => fileAgentIds(env, defaultAgent),
    withRefreshLock: async (agent, profileId, fn) =>
      (await import('../lock.js')).withLock(refreshLockPath(agent.storePath, profileId), fn),
    close: async () => undefined,
  };
}
