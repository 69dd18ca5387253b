/** Observation builders and a default policy for alert tests. */
import { defaultConfig } from '../helpers/config.js';
import type { CredentialObservation, Observation } from '../../monitors/types.js';
import { policyFrom } from '../../src/alerts/rules.js';
import type { AlertPolicy } from '../../src/alerts/types.js';

export const H = 3_600_000;
export const D = 24 * H;
export const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

/** A token credential expiring at `expiresAt`, status judged like the status function would. */
export function tokenObs(expiresAt: number, now: number, over: ObsOverrides = {}): CredentialObservation {
  const left = expiresAt - now;
  return absentWhenUndefined({
    kind: 'credential',
    agent: 'main',
    provider: 'anthropic',
    profile: 'anthropic:work',
    type: 'token',
    source: 'profile',
    status: left <= 0 ? 'expired' : left <= D ? 'expiring' : 'ok',
    detail: left <= 0 ? 'expired' : 'expires soon',
    expiresAt,
    secretHash: 'aaaaaaaaaaaa',
    hint: 'claude setup-token && aipro models auth setup-token --provider anthropic',
    ...over,
  });
}

export function policy(over: Partial<AlertPolicy> = {}): AlertPolicy {
  return { ...policyFrom(defaultConfig(), 'gw1'), ...over };
}

export type { Observation };

/** Overrides of an observation; `undefined` means "this field is absent" (the observation never holds `undefined`). */
export type ObsOverrides = { [K in keyof CredentialObservation]?: CredentialObservation[K] | undefined };

/** A built observation with every field an override set to `undefined` removed. */
export function absentWhenUndefined(
  o: { [K in keyof CredentialObservation]: CredentialObservation[K] | undefined },
): CredentialObservation {
  const out: Record<string, unknown> = { ...o };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as CredentialObservation;
}
