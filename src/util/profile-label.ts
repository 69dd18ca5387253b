/**
 * The `profile` label of metrics and Alertmanager alerts (`monitor.labels.profile`). Profile
 * ids may be e-mail addresses (`openai-codex:me@example.com`); `hash` exports
 * `<provider>:<12 hex digits of sha256(id)>` instead: stable across hosts and restarts (the
 * same id always gives the same label), pseudonymous rather than anonymous (anyone holding a
 * candidate id can compute its hash). `aipro models status` shows the mapping.
 */
import { createRequire } from 'node:module';

// node:crypto loads on the first hash (~4 ms CPU): `models status` imports this module, and with
// the default label mode it never hashes.
let createHash: typeof import('node:crypto').createHash | undefined;

export type ProfileLabelMode = 'id' | 'hash';

/** The label value of profile `id` under `mode`. Pure. */
export function profileLabel(id: string, mode: ProfileLabelMode = 'id'): string {
  const colon = id.indexOf(':');
  // Pseudo profiles (the `auth-store` of an unreadable store) name no account: kept as they are.
  if (mode !== 'hash' || colon <= 0) return id;
  const provider = id.slice(0, colon);
  createHash ??= (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash;
  return `${provider}:${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 12)}`;
}
