/**
 * The zod schemas of the auth store: the reference definition of what a store may hold, and the
 * source of the messages users see for a malformed profile or entry. Loaded only when a store
 * fails the fast checks in validate.ts (zod's start-up was ~15 % of `models status`); the types
 * in schema.ts are inferred from these, and a test keeps validate.ts's field lists equal to them.
 */
import { z } from 'zod';
import { CREDENTIAL_TYPES } from './schema.js';

/** A pointer to a secret held elsewhere: an env var, or a file (e.g. systemd LoadCredential=). */
export const SecretRefSchema = z.object({ source: z.enum(['env', 'file']), id: z.string().min(1) }).passthrough();

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

/**
 * One usage window of a credential: `window` is its label (`5h`, `7d`, `7d_opus`,
 * `requests`, `tokens`, …; records written before labels were normalised hold the
 * provider's names, `five_hour`, `primary`, …, which `windowLabel` maps on read),
 * `utilization` 0–100 (percent used), `resetsAt` epoch ms when known.
 */
export const QuotaWindowSchema = z
  .object({ window: z.string(), utilization: z.number(), resetsAt: z.number().optional() })
  .passthrough();

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

/**
 * Quota the gateway last saw in a provider's rate-limit headers for this profile (windows
 * named and scaled like `QuotaWindow`; `status` is Anthropic's unified status when sent).
 */
export const QuotaRecordSchema = z
  .object({ at: z.number(), windows: z.array(QuotaWindowSchema), status: z.string().optional() })
  .passthrough();

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

/**
 * The store around the profiles. `profiles` is only checked to be an object here: each
 * profile is parsed on its own (see profile-parse.ts) so one malformed profile never hides the
 * others; entries of `order`, `lastGood` and `usageStats` are checked one by one too. A store without `version` is an
 * old OpenClaw store and reads as version 1.
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
