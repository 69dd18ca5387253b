/**
 * `models status` filters that match nothing are usage errors (exit 64), never an empty
 * report: `--check --profile anthropic:typo` must not answer "all credentials ok".
 */
import { getProvider } from '../providers/index.js';
import type { AgentReport } from '../store/report.js';
import type { Agent } from '../context.js';
import { usageError } from './errors.js';

function existing(names: Iterable<string>): string {
  const list = [...new Set(names)].sort();
  return list.length ? list.join(', ') : 'none';
}

/** `--agent ID` must name an agent that has a directory, or the default agent. */
export function checkAgentFilter(id: string | undefined, agents: Agent[]): void {
  if (id === undefined || agents.some((a) => a.id === id)) return;
  throw usageError(
    `--agent ${id}: no such agent; agents: ${existing(agents.map((a) => a.id))} (create one with \`aipro models ` +
      `auth add-key --provider P --agent ${id}\`)`,
  );
}

/**
 * `--provider P` must be a provider aipro knows or one some store holds (a known provider
 * with no credential is a real `missing` verdict, not a typo).
 */
export function checkProviderFilter(provider: string | undefined, reports: AgentReport[]): void {
  if (provider === undefined || getProvider(provider)) return;
  if (reports.some((r) => r.rows.some((row) => row.provider === provider && row.type !== 'none'))) return;
  const held = reports.flatMap((r) => Object.values(r.store?.profiles ?? {}).map((p) => p.provider));
  throw usageError(
    `--provider ${provider}: no credential and not a known provider; providers with credentials: ${existing(held)}`,
  );
}

/** `--profile ID` must match a profile of the agents shown. */
export function checkProfileFilter(profile: string | undefined, reports: AgentReport[]): void {
  if (profile === undefined) return;
  if (reports.some((r) => r.storeError || r.rows.some((row) => row.id === profile))) return;
  const ids = reports.flatMap((r) => r.rows.filter((row) => row.type !== 'none').map((row) => row.id));
  throw usageError(
    `--profile ${profile}: no such profile; profiles: ${existing(ids)} (list them with \`aipro models auth list\`)`,
  );
}
