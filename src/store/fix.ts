/**
 * The ONE builder of printed fixes. A fix names the profile and the agent it is about, so
 * running it replaces THAT credential (not a new `<provider>:manual` beside it), and it
 * runs `claude setup-token` at most once: `aipro models auth setup-token` runs it itself.
 */
import { providerFacts } from '../providers/catalog.js';
import type { CredentialType } from './schema.js';

export interface FixTarget {
  provider: string;
  /** Credential type; `none` for a provider with nothing stored, `unknown` for a type aipro cannot read. */
  type: CredentialType | 'none' | 'unknown';
  /** The profile to replace; absent when nothing is stored under a known id. */
  profileId?: string;
  agent: string;
}

/** Shell-quote a flag value only when it needs it (profile ids may hold `@`, `+`, …). */
function q(v: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

function targetFlags(t: FixTarget): string {
  return `${t.profileId ? ` --profile-id ${q(t.profileId)}` : ''} --agent ${q(t.agent)}`;
}

/** The `aipro models auth …` command that stores a fresh credential of this type. */
function storeCommand(provider: string, type: CredentialType): string {
  const p = providerFacts(provider);
  if (type === 'oauth') return `aipro models auth login --provider ${q(provider)}`;
  if (type === 'token') {
    return provider === 'anthropic'
      ? 'aipro models auth setup-token --provider anthropic'
      : `aipro models auth paste-token --provider ${q(provider)}`;
  }
  if (p && !p.types.includes('api_key')) return storeCommand(provider, p.types.includes('token') ? 'token' : 'oauth');
  return `aipro models auth add-key --provider ${q(provider)}`;
}

/** The command that replaces the credential described by `t`. */
export function fixCommand(t: FixTarget): string {
  if (t.type === 'unknown') {
    return (
      `aipro models auth remove ${q(t.profileId ?? `${t.provider}:?`)} --agent ${q(t.agent)} (a newer tool wrote a ` +
      `credential type this aipro cannot read; upgrade aipro to keep it)`
    );
  }
  if (t.type === 'none') {
    // Nothing stored: the provider's usual way to add a credential, under the declared id if any.
    const p = providerFacts(t.provider);
    const type: CredentialType =
      t.provider === 'anthropic' ? 'token' : p?.types.includes('api_key') || !p ? 'api_key' : (p.types[0] ?? 'api_key');
    return `${storeCommand(t.provider, type)}${targetFlags(t)}`;
  }
  return `${storeCommand(t.provider, t.type)}${targetFlags(t)}`;
}
