/**
 * The try-list of one request: for each candidate model, its auth profiles in the order
 * of `resolveOrder` (pin > stored order > config order > all; cooldown last). Profiles
 * that are available come first across all candidates; profiles cooling down are tried
 * only after every available one failed (rate limits lift); billing-disabled profiles
 * and quota-spent profiles (unless pinned) and unknown providers are skipped and reported. Unusable secrets are
 * found when a try runs (failover.ts). Pure: used per request and by `/model status`.
 */
import type { AiproConfig } from '../config/schema.js';
import { resolveOrder, type OrderInput } from '../store/order.js';
import { quotaBlock } from '../store/quota.js';
import { profileProvider, type Store } from '../store/schema.js';
import type { AgentState } from './agent-state.js';
import type { ClientApi } from './apis/index.js';
import type { Candidate } from './candidates.js';

/** One (model, profile) the request will try. */
export interface PlannedTry {
  candidate: Candidate;
  profileId: string;
  pinned: boolean;
  /** Cooldown end when the profile is cooling down (it is tried anyway, later). */
  coolingUntil?: number;
}

/** A candidate or profile that will not be tried, and why (shown in errors and status). */
export interface Skip {
  model: string;
  profile?: string;
  reason:
    | 'unsupported_api'
    | 'unknown_provider'
    | 'no_credentials'
    | 'disabled'
    | 'invalid'
    | 'expired'
    | 'quota_exhausted';
  detail: string;
  /** When the profile is usable again, as its provider said (a spent quota window's reset). */
  until?: number;
}

/** The try-list of one request plus what was skipped and the order per candidate. */
export interface Plan {
  tries: PlannedTry[];
  skips: Skip[];
  /** Profile order per candidate ref (for `/model status`). */
  orders: Record<string, string[]>;
}

/** What a plan is built from (`pin`: the session's pinned profile). */
export interface PlanInput {
  api: ClientApi;
  candidates: readonly Candidate[];
  store: Store;
  agent: AgentState;
  config: Pick<AiproConfig, 'auth'>;
  pin?: string;
  now: number;
}

/** Build the try-list. Pure. */
export function buildPlan(input: PlanInput): Plan {
  const { api, candidates, store, agent, now } = input;
  const first: PlannedTry[] = [];
  const later: PlannedTry[] = [];
  const skips: Skip[] = [];
  const orders: Record<string, string[]> = {};
  const stats = store.usageStats ?? {};
  for (const c of candidates) {
    if (!c.endpoint) {
      skips.push({
        model: c.ref,
        reason: 'unknown_provider',
        detail: `aipro does not know provider "${c.provider}"; add models.providers.${c.provider}.baseUrl`,
      });
      continue;
    }
    if (api.upstreamPath(c.endpoint.api) === null) {
      skips.push({
        model: c.ref,
        reason: 'unsupported_api',
        detail:
          `${c.provider} speaks the ${c.endpoint.api} API, not ${api.route}; send this model to the matching ` +
          `endpoint`,
      });
      continue;
    }
    const pin = input.pin && profileProvider(input.pin) === c.provider ? input.pin : undefined;
    const envProfileId = agent.envProfileId(c.provider);
    // Optional fields set one by one: a conditional spread allocates and copies an object per field.
    const orderInput: OrderInput = { provider: c.provider, store, now };
    const configOrder = input.config.auth.order[c.provider];
    if (configOrder) orderInput.configOrder = configOrder;
    if (pin) orderInput.pin = pin;
    if (envProfileId) orderInput.envProfileId = envProfileId;
    const order = resolveOrder(orderInput);
    orders[c.ref] = order;
    if (order.length === 0) {
      skips.push({ model: c.ref, reason: 'no_credentials', detail: `no credential for ${c.provider}` });
      continue;
    }
    for (const id of order) {
      const pinned = id === pin;
      const s = stats[id];
      const disabled = (s?.disabledUntil ?? 0) > now;
      if (disabled && !pinned) {
        skips.push({
          model: c.ref,
          profile: id,
          reason: 'disabled',
          detail: `disabled (${s?.disabledReason ?? 'billing'}) until ${new Date(s?.disabledUntil ?? 0).toISOString()}`,
        });
        continue;
      }
      // A spent quota window is refused until the provider's own reset: trying it only spends a request.
      const spent = quotaBlock(s, now);
      if (spent && !pinned) {
        skips.push({
          model: c.ref,
          profile: id,
          reason: 'quota_exhausted',
          detail:
            `quota window ${spent.window} spent until ${new Date(spent.until).toISOString()} (the provider's ` +
            `reset)`,
          until: spent.until,
        });
        continue;
      }
      // unavailableUntil() without computing the quota block twice (this runs per profile per request).
      const end = Math.max(s?.cooldownUntil ?? 0, s?.disabledUntil ?? 0, spent?.until ?? 0);
      const until = end > now ? end : 0;
      const t: PlannedTry = { candidate: c, profileId: id, pinned };
      if (until > 0) t.coolingUntil = until;
      (until > 0 && !pinned ? later : first).push(t);
    }
  }
  return { tries: [...first, ...later], skips, orders };
}
