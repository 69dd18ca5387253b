/**
 * The `profile` label of metrics and Alertmanager alerts (`monitor.labels.profile`). Profile
 * ids may be e-mail addresses (`openai-codex:me@example.com`); `hash` exports
 * `<provider>:<12 hex digits of sha256(id)>` instead: stable across hosts and restarts (the
 * same id always gives the same label), pseudonymous rather than anonymous (anyone holding a
 * candidate id can compute its hash). `aipro models status` shows the mapping.
 */
import { sha256Prefix } from './sha256.js';

export type ProfileLabelMode = 'id' | 'hash';

/** The label value of profile `id` under `mode`. Pure. */
export function profileLabel(id: string, mode: ProfileLabelMode = 'id'): string {
  const colon = id.indexOf(':');
  // Pseudo profiles (the `auth-store` of an unreadable store) name no account: kept as they are.
  if (mode !== 'hash' || colon <= 0) return id;
  const provider = id.slice(0, colon);
  return `${provider}:${sha256Prefix(id)}`;
}
