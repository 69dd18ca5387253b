/** PKCE (RFC 7636, S256 only) and the `state` value of an authorization request. */
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  /** Secret: stays in this process, sent only to the token endpoint. */
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** A fresh verifier (43 chars of base64url = 32 random bytes) and its S256 challenge. */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256(verifier), method: 'S256' };
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * An unguessable `state` that ties the redirect to this login: 32 random bytes, 43
 * base64url characters, as Claude Code and Codex send (shorter ones are refused).
 */
export function createState(): string {
  return randomBytes(32).toString('base64url');
}
