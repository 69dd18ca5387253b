/**
 * The auth store format (OpenClaw's v1 `auth-profiles.json`, renamed paths).
 * Known fields are typed; unknown fields pass through untouched so a rewrite by
 * aipro never drops what another tool (or a newer aipro) put there.
 */
import { z } from 'zod';

import { CREDENTIAL_TYPES, type CredentialType } from '../providers/catalog.js';

export { CREDENTIAL_TYPES, type CredentialType };

/** A pointer to a secret held elsewhere: an env var, or a file (e.g. systemd LoadCredential=). */
export const SecretRefSchema = z
  .object({ source: z.enum(['env', 'file']), id: z.string().min(1) })
  .passthrough();
export type SecretRef = z.infer<typeof SecretRefSchema>;

const secretField = z.union([z.string(), SecretRefSchema]);

export const ProfileSchema = z
  .object({
    type: z.enum(CREDENTIAL_TYPES),
    provider: z.string().min(1),
    key: secretField.optional(),
    keyRef: SecretRefSchema.optional(),
    token: secretField.optional(),
    tokenRef: SecretRefSchema.optional(),
    access: z.string().optional(),
    refresh: z.string().optional(),
    expires: z.number().optional(),
    /** OAuth: when the refresh token ends (epoch ms), when the provider states it (`refresh_token_expires_in`). */
    refreshExpires: z.number().optional(),
    email: z.string().optional(),
    accountId: z.string().optional(),
    baseUrl: z.string().optional(),
  })
  .passthrough();
export type Profile = z.infer<typeof ProfileSchema>;

/**
 * One usage window of a credential: `window` is its label (`5h`, `7d`, `7d_opus`,
 * `requests`, `tokens`, …; records written before labels were normalised hold the
 * provider's names, `five_hour`, `primary`, …, which `windowLabel` maps on read),
 * `utilization` 0–100 (percent used), `resetsAt` epoch ms when known.
 */
export const QuotaWindowSchema = z
  .object({ window: z.string(), utilization: z.number(), resetsAt: z.number().optional() })
  .passthrough();
export type QuotaWindow = z.infer<typeof QuotaWindowSchema>;

/** Result of the last live probe of a profile (stored so status needs no network). */
export const ProbeRecordSchema = z
  .object({
    at: z.number(),
    ok: z.boolean(),
    reason: z.string(),
    httpStatus: z.number().optional(),
    latencyMs: z.number().optional(),
    requestId: z.string().optional(),
    hint: z.string().optional(),
    detail: z.string().optional(),
    /** sha256 prefix of the secret that was probed (a new secret makes an old result moot). */
    secretHash: z.string().optional(),
    /** Subscription usage windows the probe endpoint reported (Anthropic, Codex). */
    quota: z.array(QuotaWindowSchema).optional(),
    /** Anthropic `anthropic-ratelimit-unified-status` of the probe answer (allowed, allowed_warning, rejected). */
    quotaStatus: z.string().optional(),
    /** Provider `Date` header minus the local clock when the answer arrived, in ms (±1 s: Date has whole seconds). */
    clockSkewMs: z.number().optional(),
  })
  .passthrough();
export type ProbeRecord = z.infer<typeof ProbeRecordSchema>;

/** Result of the last OAuth refresh attempt. `permanent` refusals make the profile `refresh_failed`. */
export const RefreshRecordSchema = z
  .object({
    at: z.number(),
    ok: z.boolean(),
    reason: z.string().optional(),
    permanent: z.boolean().optional(),
    detail: z.string().optional(),
    /** sha256 prefix of a refresh token the provider refused: never presented again. */
    refusedRefreshHash: z.string().optional(),
  })
  .passthrough();
export type RefreshRecord = z.infer<typeof RefreshRecordSchema>;

/**
 * Quota the gateway last saw in a provider's rate-limit headers for this profile (windows
 * named and scaled like `QuotaWindow`; `status` is Anthropic's unified status when sent).
 */
export const QuotaRecordSchema = z
  .object({ at: z.number(), windows: z.array(QuotaWindowSchema), status: z.string().optional() })
  .passthrough();
export type QuotaRecord = z.infer<typeof QuotaRecordSchema>;

export const UsageStatsSchema = z
  .object({
    lastUsed: z.number().optional(),
    cooldownUntil: z.number().optional(),
    errorCount: z.number().optional(),
    failureCounts: z.record(z.string(), z.number()).optional(),
    disabledUntil: z.number().optional(),
    disabledReason: z.string().optional(),
    lastProbe: ProbeRecordSchema.optional(),
    lastRefresh: RefreshRecordSchema.optional(),
    quota: QuotaRecordSchema.optional(),
  })
  .passthrough();
export type UsageStats = z.infer<typeof UsageStatsSchema>;

/**
 * The store around the profiles. `profiles` is only checked to be an object here: each
 * profile is parsed on its own (see profile-parse.ts) so one malformed profile never hides the
 * others; entries of `order`, `lastGood` and `usageStats` are checked one by one too. A store without `version` is an old OpenClaw store and reads as version 1.
 */
export const StoreSchema = z
  .object({
    version: z.literal(1).optional(),
    profiles: z.record(z.string(), z.unknown()).optional(),
    order: z.record(z.string(), z.unknown()).optional(),
    lastGood: z.record(z.string(), z.unknown()).optional(),
    usageStats: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/** The schema of one entry of each keyed section (checked entry by entry). */
export const SECTION_ENTRY = {
  order: z.array(z.string()),
  lastGood: z.string(),
  usageStats: UsageStatsSchema,
} as const;
export type Section = keyof typeof SECTION_ENTRY;

/**
 * Profiles exactly as read from disk, kept beside the parsed store so a write can give back
 * untouched profiles (legacy fields, unknown types, malformed ones) as they were.
 * Symbol-keyed: never serialised, never seen by code that iterates the store.
 */
export const RAW_PROFILES = Symbol('aipro.rawProfiles');

export interface RawProfiles {
  /** Every profile as read, in file order. */
  raw: Record<string, unknown>;
  /** JSON of each well-formed profile as parsed: equal JSON at write time = unchanged. */
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
export function malformedProfiles(store: Store): { id: string; reason: string; provider: string; type?: string; raw: unknown }[] {
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
