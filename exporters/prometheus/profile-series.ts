/**
 * One credential's per-profile series (info, status, expiry, probe, cooldown, OAuth refresh
 * timing) from its observation. Pure but for the metrics it mutates; the caller passes `now`.
 */
import type { CredentialObservation } from '../../monitors/types.js';
import { profileLabel } from '../../src/util/profile-label.js';
import { REFUSED_REASONS, VERDICT_REASONS } from './metrics.js';
import type { AiproMetrics } from './registry.js';
import { formatValue } from './family.js';
import { type ProfileRecord, SLOT } from './profile-table.js';

/** Key of one credential's series: agent + profile id (unique within an agent). */
export function profileKey(agent: string, profile: string): string {
  return `${agent}\u0000${profile}`;
}

export interface ProbeFacts {
  ok: boolean;
  reason: string;
  latencyMs?: number;
  httpStatus?: number;
  /** When it ran (epoch ms). */
  at: number;
}

/** Set (or clear, without a probe) the probe series of one profile's record. */
export function setProbe(rec: ProfileRecord, p: ProbeFacts | undefined): void {
  if (!p) {
    rec.clearProbe();
    return;
  }
  rec.put(SLOT.lastProbe, formatValue(p.at / 1000));
  rec.put(
    SLOT.probeHttpStatus,
    typeof p.httpStatus === 'number' && Number.isFinite(p.httpStatus) ? formatValue(p.httpStatus) : '0',
  );
  const verdict = p.ok || VERDICT_REASONS.has(p.reason);
  rec.put(SLOT.probeSuccess, verdict ? '1' : '0');
  rec.put(SLOT.probeValid, verdict ? (p.ok || !REFUSED_REASONS.has(p.reason) ? '1' : '0') : undefined);
  rec.put(
    SLOT.probeDuration,
    typeof p.latencyMs === 'number' && Number.isFinite(p.latencyMs) ? formatValue(p.latencyMs / 1000) : undefined,
  );
}

/**
 * Does aipro know when this credential stops working? 0 only for a token, or an OAuth
 * credential without a refresh token, that has no expiry: nothing will ever count down to an
 * alert. An API key has no expiry by design and OAuth that refreshes itself renews its own
 * expiry, so both are 1; a missing provider (`none`) has nothing to know.
 */
export function expiryKnown(o: Pick<CredentialObservation, 'type' | 'expiresAt' | 'refreshable'>): boolean {
  if (o.type !== 'token' && o.type !== 'oauth') return true;
  if (o.type === 'oauth' && o.refreshable) return true;
  return typeof o.expiresAt === 'number' && Number.isFinite(o.expiresAt) && o.expiresAt > 0;
}

/**
 * What one profile's series were last set from. Compared field by field every cycle: building
 * and comparing a string of these (~20 pieces) per profile cost more than the compare itself.
 */
export interface ProfileSig {
  provider: string;
  type: string;
  source: string;
  status: string;
  refreshable: boolean;
  expiresAt: number | undefined;
  cooling: number | undefined;
  refreshExpiresAt: number | undefined;
  nextRefreshAt: number | undefined;
  probe:
    | { ok: boolean; reason: string; latencyMs: number | undefined; httpStatus: number | undefined; at: number }
    | undefined;
}

function sameSig(s: ProfileSig, o: CredentialObservation, cooling: number | undefined): boolean {
  const p = o.probe;
  const q = s.probe;
  return (
    s.provider === o.provider &&
    s.type === o.type &&
    s.source === o.source &&
    s.status === o.status &&
    s.refreshable === Boolean(o.refreshable) &&
    Object.is(s.expiresAt, o.expiresAt) &&
    Object.is(s.cooling, cooling) &&
    Object.is(s.refreshExpiresAt, o.refreshExpiresAt) &&
    Object.is(s.nextRefreshAt, o.nextRefreshAt) &&
    (p === undefined
      ? q === undefined
      : q !== undefined &&
        q.ok === p.ok &&
        q.reason === p.reason &&
        Object.is(q.latencyMs, p.latencyMs) &&
        Object.is(q.httpStatus, p.httpStatus) &&
        Object.is(q.at, p.at))
  );
}

function sigOf(o: CredentialObservation, cooling: number | undefined): ProfileSig {
  const p = o.probe;
  return {
    provider: o.provider,
    type: o.type,
    source: o.source,
    status: o.status,
    refreshable: Boolean(o.refreshable),
    expiresAt: o.expiresAt,
    cooling,
    refreshExpiresAt: o.refreshExpiresAt,
    nextRefreshAt: o.nextRefreshAt,
    probe: p ? { ok: p.ok, reason: p.reason, latencyMs: p.latencyMs, httpStatus: p.httpStatus, at: p.at } : undefined,
  };
}

/**
 * Set one credential's series from its observation; returns its record. An unchanged profile
 * (the same fields as last time) costs one map lookup and the compare.
 */
export function setCredential(m: AiproMetrics, o: CredentialObservation, now: number): ProfileRecord {
  const key = profileKey(o.agent, o.profile);
  const cooling = o.cooldownUntil && o.cooldownUntil > now ? o.cooldownUntil : undefined;
  const prev = m.profiles.get(key);
  if (prev?.sig && sameSig(prev.sig, o, cooling)) return prev;
  const rec = m.profiles.upsert(key, o.agent, o.provider, profileLabel(o.profile, m.profileLabel));
  rec.sig = sigOf(o, cooling);
  rec.setInfo(o.type, o.source, '1');
  rec.setStatus(o.status);
  // Never 0 and never a routine access-token expiry: only a real, known end of the credential.
  rec.put(
    SLOT.expiry,
    typeof o.expiresAt === 'number' && o.expiresAt > 0 && !o.refreshable ? formatValue(o.expiresAt / 1000) : undefined,
  );
  rec.put(SLOT.expiryKnown, expiryKnown(o) ? '1' : '0');
  rec.put(SLOT.cooldownUntil, cooling !== undefined ? formatValue(cooling / 1000) : undefined);
  rec.put(
    SLOT.refreshExpiry,
    o.type === 'oauth' && typeof o.refreshExpiresAt === 'number' ? formatValue(o.refreshExpiresAt / 1000) : undefined,
  );
  rec.put(
    SLOT.nextRefresh,
    o.refreshable && typeof o.nextRefreshAt === 'number' ? formatValue(o.nextRefreshAt / 1000) : undefined,
  );
  setProbe(rec, o.probe);
  return rec;
}
