/** Credential views as the store reader builds them, for the pure status and probe functions. */
import type { CredentialView } from '../../src/store/status.js';

/** A readable, well-formed Anthropic token from a profile of agent `main`; `over` changes any field. */
export function credentialView(over: Partial<CredentialView> = {}): CredentialView {
  return {
    agent: 'main',
    id: 'anthropic:x',
    provider: 'anthropic',
    type: 'token',
    source: 'profile',
    secret: { ok: true, value: 'sk-ant-oat01-secret' },
    shapeProblem: null,
    hasRefreshToken: false,
    ...over,
  };
}

/** A readable profile credential holding `secret` (what a probe reads). */
export const profileView = (id: string, provider: string, type: CredentialView['type'], secret: string) =>
  credentialView({ id, provider, type, secret: { ok: true, value: secret } });
