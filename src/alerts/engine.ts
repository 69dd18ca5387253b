/**
 * The alert engine, pure: (observations, previous state, now, policy) → (new state,
 * notifications). No clock, no I/O: every cycle of every test is reproducible.
 *
 * Episodes are tracked per subject (`agent/profile`) on two tracks that fire and resolve
 * independently: `status` (the expiry ladder and failing statuses) and `probe` (N failed live
 * probes in a row). Replacing the credential (a new secretHash) ends the episode and starts a
 * fresh one with a fresh ladder.
 */
import { createHash } from 'node:crypto';
import type { CredentialObservation, Observation } from '../observation.js';
import {
  STORE_PROFILE,
  SUBJECT_SEP,
  conditionOf,
  isBlindStore,
  probeCounts,
  severityOf,
  storeSubject,
} from './rules.js';
import type { AlertPolicy, AlertState, Episode, FiringKind, Notification, Track } from './types.js';

export interface EngineResult {
  state: AlertState;
  notifications: Notification[];
}

/** Run the engine for one cycle. `prev` is not modified. */
export function evaluate(
  observations: Observation[],
  prev: AlertState,
  now: number,
  policy: AlertPolicy,
): EngineResult {
  const state: AlertState = structuredClone(prev);
  const out: Notification[] = [];
  for (const [id, s] of Object.entries(state.silences)) if (s.until <= now) delete state.silences[id];

  const creds = new Map<string, CredentialObservation>();
  for (const o of observations) if (o.kind === 'credential') creds.set(`${o.agent}${SUBJECT_SEP}${o.profile}`, o);
  const blind = new Set(observations.filter(isBlindStore).map((o) => o.agent));
  updateProbes(state, observations, creds, now);

  for (const [subject, obs] of creds) {
    const probe = state.probes[subject];
    const statusCond = conditionOf(obs, now, policy);
    const probeCond: FiringKind | null =
      probe && probe.streak >= Math.max(1, policy.probeFailingCycles) && obs.status !== 'rejected'
        ? 'probe_failing'
        : null;
    step(state, out, subject, 'status', obs, statusCond, now, policy);
    step(state, out, subject, 'probe', obs, probeCond, now, policy);
  }

  stepStores(state, out, observations, blind, now, policy);

  // Episodes whose profile is gone: resolved, unless the agent's store could not be read, or
  // the batch holds no credential at all (the expiry monitor failed: absence proves nothing).
  if (creds.size === 0) return { state, notifications: out };
  for (const [key, ep] of Object.entries(state.episodes)) {
    if (ep.track === 'store') continue;
    const subject = key.slice(0, key.lastIndexOf('#'));
    if (creds.has(subject) || blind.has(ep.agent)) continue;
    end(
      state,
      out,
      key,
      ep,
      ep.condition === 'missing' ? 'a credential was added' : 'the profile was removed',
      now,
      policy,
    );
  }
  for (const subject of Object.keys(state.probes)) {
    const agent = subject.slice(0, subject.indexOf(SUBJECT_SEP));
    if (!creds.has(subject) && !blind.has(agent)) delete state.probes[subject];
  }
  return { state, notifications: out };
}

/**
 * One `store` episode per agent: fires while its store cannot be read, resolves only when a
 * later read of that store succeeds (no observation of it proves nothing).
 */
function stepStores(
  state: AlertState,
  out: Notification[],
  observations: Observation[],
  blind: Set<string>,
  now: number,
  policy: AlertPolicy,
): void {
  const subject = (agent: string) => `${agent}${SUBJECT_SEP}${STORE_PROFILE}`;
  for (const o of observations) {
    if (o.kind !== 'store') continue;
    if (blind.has(o.agent)) {
      if (!isBlindStore(o)) continue;
      const key = `${subject(o.agent)}#store`;
      // The first blind observation of the agent in this batch speaks for it.
      if (state.episodes[key]?.lastNotifiedAt === now) continue;
      step(state, out, subject(o.agent), 'store', storeSubject(o), 'store_unreadable', now, policy);
    } else {
      const key = `${subject(o.agent)}#store`;
      const ep = state.episodes[key];
      if (ep) end(state, out, key, ep, `the auth store ${o.path} reads again`, now, policy);
    }
  }
}

/** Count consecutive failed probes; a probe is counted once (by its timestamp). */
function updateProbes(
  state: AlertState,
  observations: Observation[],
  creds: Map<string, CredentialObservation>,
  now: number,
): void {
  const seen = new Set<string>();
  for (const [subject, o] of creds) {
    const t = state.probes[subject];
    if (t && o.secretHash && t.secretHash && t.secretHash !== o.secretHash) delete state.probes[subject];
    if (!o.probe) continue;
    seen.add(subject);
    record(state, subject, o.probe.ok, String(o.probe.reason), o.probe.at, o.secretHash);
  }
  // Bare probe observations (validity monitor) count only when no credential carried the probe.
  for (const o of observations) {
    if (o.kind !== 'probe') continue;
    const subject = `${o.agent}${SUBJECT_SEP}${o.profile}`;
    if (!seen.has(subject)) record(state, subject, o.ok, o.reason, now, creds.get(subject)?.secretHash);
  }
}

function record(
  state: AlertState,
  subject: string,
  ok: boolean,
  reason: string,
  at: number,
  secretHash?: string,
): void {
  const t = state.probes[subject] ?? { streak: 0, lastAt: -Infinity };
  if (at <= t.lastAt) return;
  const failed = !ok && probeCounts(reason);
  state.probes[subject] = {
    streak: failed ? t.streak + 1 : 0,
    lastAt: at,
    reason,
    ...(secretHash ? { secretHash } : {}),
  };
}

/** Advance one track of one subject. */
function step(
  state: AlertState,
  out: Notification[],
  subject: string,
  track: Track,
  obs: CredentialObservation,
  cond: FiringKind | null,
  now: number,
  policy: AlertPolicy,
): void {
  const key = `${subject}#${track}`;
  let ep = state.episodes[key];
  if (ep) {
    const replaced = Boolean(ep.secretHash && obs.secretHash && ep.secretHash !== obs.secretHash);
    if (replaced || cond === null) {
      end(state, out, key, ep, replaced ? 'the credential was replaced' : resolvedReason(track, obs), now, policy, obs);
      ep = undefined;
    }
  }
  if (cond === null) return;
  if (!ep) {
    ep = {
      id: episodeId(key, now, obs.secretHash, (state.generation = (state.generation ?? 0) + 1)),
      track,
      agent: obs.agent,
      provider: obs.provider,
      profile: obs.profile,
      credentialType: obs.type,
      ...(obs.secretHash ? { secretHash: obs.secretHash } : {}),
      startedAt: now,
      condition: cond,
      passed: [],
      announced: [],
      lastNotifiedAt: 0,
      repeats: 0,
      notified: false,
      last: { status: obs.status, detail: obs.detail },
    };
    state.episodes[key] = ep;
  }
  const previous = ep.condition;
  ep.condition = cond;
  ep.last = snapshot(obs, state, subject);
  const silenced = isSilenced(state, obs.profile, now);
  const emit = (kind: FiringKind, threshold?: string) => {
    if (silenced) return;
    out.push(notificationOf(ep, kind, threshold, now, policy, previous !== kind ? previous : undefined));
    ep.lastNotifiedAt = now;
    ep.notified = true;
  };

  if (cond === 'expiring') {
    const remaining = (obs.expiresAt as number) - now;
    const crossed = policy.thresholdsMs.filter((t) => t.ms >= remaining && !ep.passed.includes(t.label));
    if (crossed.length === 0) return;
    // Several crossed at once (monitor was down, or a short-lived token): only the most urgent.
    const urgent = crossed.reduce((a, b) => (b.ms < a.ms ? b : a));
    ep.passed.push(...crossed.map((t) => t.label));
    if (!ep.announced.includes('expiring')) ep.announced.push('expiring');
    emit('expiring', urgent.label);
    return;
  }
  if (!ep.announced.includes(cond)) {
    ep.announced.push(cond);
    emit(cond);
  } else if (ep.lastNotifiedAt > 0 && now - ep.lastNotifiedAt >= policy.repeatMs) {
    ep.repeats += 1;
    emit(cond, `repeat-${ep.repeats}`);
  } else if (ep.lastNotifiedAt === 0 && !silenced && ep.notified === false) {
    // Announced during a silence that has ended: say it once now.
    emit(cond, `repeat-${++ep.repeats}`);
  }
}

function end(
  state: AlertState,
  out: Notification[],
  key: string,
  ep: Episode,
  reason: string,
  now: number,
  policy: AlertPolicy,
  obs?: CredentialObservation,
): void {
  delete state.episodes[key];
  if (!ep.notified) return;
  const n = notificationOf(ep, 'resolved', undefined, now, policy);
  n.detail = reason;
  if (obs) {
    n.credentialStatus = obs.status;
    if (obs.expiresAt !== undefined) n.expiresAt = obs.expiresAt;
    else delete n.expiresAt;
  }
  out.push(n);
}

function resolvedReason(track: Track, obs: CredentialObservation): string {
  return track === 'probe' ? 'live probes succeed again' : `the credential is healthy again (${obs.detail})`;
}

function snapshot(obs: CredentialObservation, state: AlertState, subject: string): Episode['last'] {
  const p = state.probes[subject];
  return {
    status: obs.status,
    detail: obs.detail,
    ...(obs.expiresAt !== undefined ? { expiresAt: obs.expiresAt } : {}),
    ...(obs.hint ? { fix: obs.hint } : {}),
    ...(p?.reason ? { probeReason: p.reason, failedProbes: p.streak } : {}),
  };
}

/** Silences match the profile id on every agent. */
export function isSilenced(state: AlertState, profile: string, now: number): boolean {
  const s = state.silences[profile];
  return Boolean(s && s.until > now);
}

function episodeId(key: string, now: number, secretHash: string | undefined, generation: number): string {
  return createHash('sha256')
    .update(`${key}|${now}|${secretHash ?? ''}|${generation}`)
    .digest('hex')
    .slice(0, 16);
}

/** The notification for `kind` in `ep`; the idempotency key is episode + kind + threshold. */
export function notificationOf(
  ep: Episode,
  kind: FiringKind | 'resolved',
  threshold: string | undefined,
  now: number,
  policy: AlertPolicy,
  previous?: FiringKind,
): Notification {
  return {
    key: [ep.id, kind, threshold].filter(Boolean).join(':'),
    episode: ep.id,
    kind,
    condition: ep.condition,
    ...(threshold ? { threshold } : {}),
    severity:
      kind === 'resolved'
        ? 'info'
        : severityOf(kind, ep.last.expiresAt !== undefined ? ep.last.expiresAt - now : undefined, policy.criticalMs),
    agent: ep.agent,
    provider: ep.provider,
    profile: ep.profile,
    credentialType: ep.credentialType,
    credentialStatus: ep.last.status,
    ...(ep.last.expiresAt !== undefined ? { expiresAt: ep.last.expiresAt } : {}),
    detail: ep.last.detail,
    ...(ep.last.fix ? { fix: ep.last.fix } : {}),
    ...(ep.track === 'probe' && ep.last.probeReason
      ? { probeReason: ep.last.probeReason, failedProbes: ep.last.failedProbes ?? 0 }
      : {}),
    host: policy.host,
    startedAt: ep.startedAt,
    createdAt: now,
    ...(previous && kind !== 'resolved' ? { previousCondition: previous } : {}),
  };
}

/** The next reminder of a firing episode (for `alerts status`): a ladder step or a repeat. */
export function nextReminder(ep: Episode, policy: AlertPolicy): { at: number; what: string } | null {
  if (ep.condition === 'expiring') {
    const next = policy.thresholdsMs.filter((t) => !ep.passed.includes(t.label)).sort((a, b) => b.ms - a.ms)[0];
    if (ep.last.expiresAt === undefined) return null;
    return next
      ? { at: ep.last.expiresAt - next.ms, what: `${next.label} reminder` }
      : { at: ep.last.expiresAt, what: 'expiry' };
  }
  return ep.lastNotifiedAt > 0 ? { at: ep.lastNotifiedAt + policy.repeatMs, what: 'repeat' } : null;
}
