/**
 * A store as rows and back, pure. Every map keeps its key order (a `position` column, and
 * `json` rather than `jsonb` for documents, which keeps their text), so a store copied into
 * PostgreSQL and back serialises to the same bytes. Secret values are split out of each
 * profile (their key stays in place, null) to be sealed by the caller.
 */
import type { Store } from '../../schema.js';

/** Profile fields whose string values are secrets (`apiKey`: legacy OpenClaw stores). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'key',
  'token',
  'access',
  'refresh',
  'apiKey',
  'idToken',
  'id_token',
]);

export interface ProfileRow {
  profileId: string;
  position: number;
  provider: string;
  type: string;
  expires: number | null;
  /** The profile as JSON text with every secret value replaced by null. */
  fields: string;
  /** field -> secret value (plaintext here; sealed in the database). */
  secrets: Record<string, string>;
}

export interface StoreRows {
  /** Top-level keys in order, and the values of the ones aipro does not know. */
  layout: { keys: string[]; extra: Record<string, unknown> };
  profiles: ProfileRow[];
  order: { provider: string; position: number; ids: string }[];
  lastGood: { provider: string; position: number; profileId: string }[];
  usage: {
    profileId: string;
    position: number;
    cooldownUntil: number | null;
    disabledUntil: number | null;
    stats: string;
  }[];
}

const KNOWN = new Set(['version', 'profiles', 'order', 'lastGood', 'usageStats']);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : null);

export function storeToRows(store: Store): StoreRows {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(store)) if (!KNOWN.has(k)) extra[k] = v;
  const profiles = Object.entries(store.profiles as Record<string, unknown>).map(([profileId, value], position) => {
    // A malformed profile may not even be an object: it is kept whole, as read.
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return { profileId, position, provider: '', type: '', expires: null, fields: JSON.stringify(value), secrets: {} };
    const p = value as Record<string, unknown>;
    const fields: Record<string, unknown> = {};
    const secrets: Record<string, string> = {};
    for (const [k, v] of Object.entries(p)) {
      if (SECRET_FIELDS.has(k) && typeof v === 'string') {
        secrets[k] = v;
        fields[k] = null;
      } else fields[k] = v;
    }
    return {
      profileId,
      position,
      provider: String(p.provider ?? ''),
      type: String(p.type ?? ''),
      expires: num(p.expires),
      fields: JSON.stringify(fields),
      secrets,
    };
  });
  return {
    layout: { keys: Object.keys(store), extra },
    profiles,
    order: Object.entries(store.order ?? {}).map(([provider, ids], position) => ({
      provider,
      position,
      ids: JSON.stringify(ids),
    })),
    lastGood: Object.entries(store.lastGood ?? {}).map(([provider, profileId], position) => ({
      provider,
      position,
      profileId,
    })),
    usage: Object.entries(store.usageStats ?? {}).map(([profileId, s], position) => ({
      profileId,
      position,
      cooldownUntil: num(s.cooldownUntil),
      disabledUntil: num(s.disabledUntil),
      stats: JSON.stringify(s),
    })),
  };
}

/** The store document the rows describe (unvalidated: the caller parses it like a file). */
export function rowsToDocument(rows: StoreRows): Record<string, unknown> {
  const byPos = <T extends { position: number }>(xs: T[]) => [...xs].sort((a, b) => a.position - b.position);
  const doc: Record<string, unknown> = {};
  for (const k of rows.layout.keys) {
    if (k === 'version') doc.version = 1;
    else if (k === 'profiles') {
      const profiles: Record<string, unknown> = {};
      for (const r of byPos(rows.profiles)) {
        const p = JSON.parse(r.fields) as unknown;
        if (p !== null && typeof p === 'object' && !Array.isArray(p))
          for (const [f, v] of Object.entries(r.secrets)) (p as Record<string, unknown>)[f] = v;
        profiles[r.profileId] = p;
      }
      doc.profiles = profiles;
    } else if (k === 'order')
      doc.order = Object.fromEntries(byPos(rows.order).map((r) => [r.provider, JSON.parse(r.ids)]));
    else if (k === 'lastGood')
      doc.lastGood = Object.fromEntries(byPos(rows.lastGood).map((r) => [r.provider, r.profileId]));
    else if (k === 'usageStats')
      doc.usageStats = Object.fromEntries(byPos(rows.usage).map((r) => [r.profileId, JSON.parse(r.stats)]));
    else doc[k] = rows.layout.extra[k];
  }
  if (!('profiles' in doc)) doc.profiles = {};
  return doc;
}
