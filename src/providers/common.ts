/** Small pieces shared by provider files. */
import type { CredentialType } from '../store/schema.js';

/** A secret must be one printable token: no spaces, no control characters. */
export function basicSecretProblem(secret: string): string | null {
  if (secret.length === 0) return 'the secret is empty';
  if (/\s/.test(secret)) return 'the secret contains whitespace';
  if (/[^\x21-\x7e]/.test(secret)) return 'the secret contains non-printable or non-ASCII characters';
  return null;
}

/** Default fix commands: add-key for API keys, paste-token for tokens, login for OAuth. */
export function defaultFixCommand(provider: string, type: CredentialType): string {
  switch (type) {
    case 'api_key':
      return `aipro models auth add-key --provider ${provider}`;
    case 'token':
      return `aipro models auth paste-token --provider ${provider}`;
    case 'oauth':
      return `aipro models auth login --provider ${provider}`;
  }
}

export function bearer(secret: string): Record<string, string> {
  return { authorization: `Bearer ${secret}` };
}
