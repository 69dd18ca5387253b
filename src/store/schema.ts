/**
 * The auth store format (OpenClaw's v1 `auth-profiles.json`, renamed paths).
 * Known fields are typed; unknown fields pass through untouched so a rewrite by
 * aipro never drops what another tool (or a newer aipro) put there.
 */
import { z } from 'zod';

export const CREDENTIAL_TYPES = ['api_key', 'token', 'oauth'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

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
    email: z.string().optional(),
    accountId: z.string().optional(),
    baseUrl: z.string().optional(),
  })
  .passthrough();
export type Profile = z.infer<typeof ProfileSchema>;

/**
 * One usage window of a subscription as its provider reports it: `window` is the
 * provider's name for it (`five_hour`, `seven_day`, `primary`, `secondary`, …),
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
  })
  .passthrough();
export type UsageStats = z.infer<typeof UsageStatsSchema>;

export const StoreSchema = z
  .object({
    version: z.literal(1),
    profiles: z.record(z.string(), ProfileSchema),
    order: z.record(z.string(), z.array(z.string())).optional(),
    lastGood: z.record(z.string(), z.string()).optional(),
    usageStats: z.record(z.string(), UsageStatsSchema).optional(),
  })
  .passthrough();
export type Store = z.infer<typeof StoreSchema>;

/** A store with nothing in it: what a missing file reads as. */
export function emptyStore(): Store {
  return { version: 1, profiles: {} };
}

/** Profile ids are `<provider>:<name>`. */
export const PROFILE_ID_RE = /^[a-z0-9][a-z0-9._-]*:[^\s:][^\s]{0,127}$/;

export function profileProvider(profileId: string): string {
  const i = profileId.indexOf(':');
  return i > 0 ? profileId.slice(0, i) : profileId;
}
