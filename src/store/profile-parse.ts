/**
 * Parsing ONE stored profile. Each profile is judged on its own: a malformed one becomes
 * data (a reason shown as `invalid`), never an error that hides the rest of the store.
 * Legacy OpenClaw spellings (`type: "apiKey"`, `apiKey` instead of `key`) read as an API key.
 */
import { CREDENTIAL_TYPES, type CredentialType, type Profile } from './schema.js';
import { parseProfileShape } from './validate.js';

export type ProfileParse = { ok: true; profile: Profile } | { ok: false; reason: string };

/** The JSON kind of a value, for reasons: `a string`, `null`, `an array`, … */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const LEGACY_TYPES: Record<string, CredentialType> = { apiKey: 'api_key' };

/** Parse one profile as read from disk. Pure; never throws. */
export function parseProfile(raw: unknown): ProfileParse {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, reason: `profile is ${kind(raw)}, not a JSON object` };
  const obj: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  if (obj.type === undefined) return { ok: false, reason: 'missing credential type' };
  const type = typeof obj.type === 'string' ? (LEGACY_TYPES[obj.type] ?? obj.type) : obj.type;
  if (typeof type !== 'string' || !(CREDENTIAL_TYPES as readonly string[]).includes(type)) {
    // Name a string type (short: it is printed everywhere); say only the kind of anything else.
    const what =
      typeof obj.type === 'string'
        ? JSON.stringify(obj.type.length > 40 ? `${obj.type.slice(0, 40)}…` : obj.type)
        : `(${kind(obj.type)})`;
    return { ok: false, reason: `unsupported credential type ${what}` };
  }
  obj.type = type;
  if (obj.provider === undefined || obj.provider === '') return { ok: false, reason: 'missing provider' };
  if (typeof obj.provider !== 'string') return { ok: false, reason: `provider is ${kind(obj.provider)}, not a string` };
  if (type === 'api_key' && obj.key === undefined && obj.apiKey !== undefined) {
    // Older OpenClaw releases wrote the secret as `apiKey`.
    obj.key = obj.apiKey;
    delete obj.apiKey;
  }
  if (obj.expires !== undefined && typeof obj.expires !== 'number') {
    return { ok: false, reason: `expires is ${kind(obj.expires)}, not epoch milliseconds` };
  }
  const parsed = parseProfileShape(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'profile';
    return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, profile: parsed.data };
}
