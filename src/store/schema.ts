/**
 * The auth store format (OpenClaw's v1 `auth-profiles.json`, renamed paths).
 * Known fields are typed; unknown fields pass through untouched so a rewrite by
 * aipro never drops what another tool (or a newer aipro) put there.
 */
import type { z } from 'zod';

import { CREDENTIAL_TYPES, type CredentialType } from '../providers/catalog.js';

export { CREDENTIAL_TYPES, type CredentialType };

/** Types inferred from the zod schemas (type-only: zod itself is not loaded by this module). */
type Schemas = typeof import('./schema-zod.js');
export type SecretRef = z.infer<Schemas['SecretRefSchema']>;
export type Profile = z.infer<Schemas['ProfileSchema']>;
export type QuotaWindow = z.infer<Schemas['QuotaWindowSchema']>;
export type ProbeRecord = z.infer<Schemas['ProbeRecordSchema']>;
export type RefreshRecord = z.infer<Schemas['RefreshRecordSchema']>;
export type QuotaRecord = z.infer<Schemas['QuotaRecordSchema']>;
export type UsageStats = z.infer<Schemas['UsageStatsSchema']>;

/** The keyed sections whose entries are checked one by one. */
export const SECTIONS = ['order', 'lastGood', 'usageStats'] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * Profiles exactly as read from disk, kept beside the parsed store so a write can give back
 * untouched profiles (legacy fields, unknown types, malformed ones) as they were.
 * Symbol-keyed: never serialised, never seen by code that iterates the store.
 */
export const RAW_PROFILES = Symbol('aipro.rawProfiles');

export interface RawProfiles {
  /** Every profile as read, in file order. */
  raw: Record<string, unknown>;
  /**
   * JSON of each well-formed profile as parsed, filled from `raw` when a write first needs it:
   * equal JSON at write time = unchanged.
   */
  parsed: Record<string, string>;
  /** Profiles that did not parse, with the reason (judged `invalid`, written back as read). */
  malformed: Record<string, string>;
  /**
   * Entries of `order` / `lastGood` / `usageStats` that did not parse: left out of the parsed
   * store, written back as read unless a writer puts a new entry under the same key.
   */
  badEntries: Record<Section, Record<string, { raw: unknown; reason: string }>>;
}

/** An auth store. `profiles` holds only well-formed profiles (legacy fields already read). */
export type Store = {
  version: 1;
  profiles: Record<string, Profile>;
  order?: Record<string, string[]>;
  lastGood?: Record<string, string>;
  usageStats?: Record<string, UsageStats>;
  [RAW_PROFILES]?: RawProfiles;
  [key: string]: unknown;
};

/** A store with nothing in it: what a missing file reads as. */
export function emptyStore(): Store {
  return { version: 1, profiles: {} };
}

/** Deep copy of a store that keeps what was read from disk (structuredClone drops symbol keys). */
export function cloneStore(store: Store): Store {
  const copy = structuredClone(store);
  const raw = store[RAW_PROFILES];
  if (raw) copy[RAW_PROFILES] = structuredClone(raw);
  return copy;
}

/** Malformed profiles still in the store: id, reason and the provider they claim (if any). */
export function malformedProfiles(
  store: Store,
): { id: string; reason: string; provider: string; type?: string; raw: unknown }[] {
  const meta = store[RAW_PROFILES];
  if (!meta) return [];
  return Object.entries(meta.malformed).map(([id, reason]) => {
    const raw = meta.raw[id];
    const obj = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const provider = typeof obj.provider === 'string' && obj.provider.length > 0 ? obj.provider : profileProvider(id);
    return { id, reason, provider, ...(typeof obj.type === 'string' ? { type: obj.type } : {}), raw };
  });
}

/** Why the usage stats of `id` could not be read (a profile whose stats are unreadable is `invalid`). */
export function badStatsReason(store: Store, id: string): string | undefined {
  const bad = store[RAW_PROFILES]?.badEntries.usageStats;
  return bad && Object.hasOwn(bad, id) ? `usageStats: ${bad[id]?.reason ?? 'invalid'}` : undefined;
}

/** Forget a malformed profile (it was removed or replaced): it is not written back. */
export function dropMalformed(store: Store, id: string): boolean {
  const meta = store[RAW_PROFILES];
  if (!meta || !Object.hasOwn(meta.malformed, id)) return false;
  delete meta.malformed[id];
  delete meta.raw[id];
  return true;
}

/** Profile ids are `<provider>:<name>`. */
export const PROFILE_ID_RE = /^[a-z0-9][a-z0-9._-]*:[^\s:][^\s]{0,127}$/;

export function profileProvider(profileId: string): string {
  const i = profileId.indexOf(':');
  return i > 0 ? profileId.slice(0, i) : profileId;
}
