/**
 * Series are updated only for profiles that changed (a per-profile signature): whatever field
 * changes, the incrementally updated registry renders the series a fresh one renders.
 */
import test from 'ava';
import type { CredentialObservation } from '../../monitors/types.js';
import { createMetrics, renderMetrics, updateFromObservations } from '../../exporters/prometheus/registry.js';

// Counters are initialised per provider once and kept (a provider's counters outlive its profiles).
const series = async (m: ReturnType<typeof createMetrics>) =>
  (await renderMetrics(m))
    .split('\n')
    .filter((l) => !/_total[{ ]/.test(l))
    .join('\n');

const NOW = Date.UTC(2026, 0, 15);
const base: CredentialObservation = {
  kind: 'credential',
  agent: 'main',
  provider: 'openai-codex',
  profile: 'openai-codex:u@example.com',
  type: 'oauth',
  source: 'profile',
  status: 'ok',
  detail: '',
  expiresAt: NOW + 7_200_000,
  refreshExpiresAt: NOW + 86_400_000,
  probe: { ok: true, reason: 'ok', at: NOW - 60_000, latencyMs: 120, httpStatus: 200 },
};

const changes: [string, Partial<CredentialObservation>][] = [
  ['provider', { provider: 'anthropic' }],
  ['type', { type: 'token' }],
  ['source', { source: 'config' }],
  ['status', { status: 'expiring' }],
  ['refreshable', { refreshable: true, nextRefreshAt: NOW + 3_600_000 }],
  ['expiresAt', { expiresAt: NOW + 3_600_000 }],
  ['cooldownUntil', { cooldownUntil: NOW + 60_000 }],
  ['refreshExpiresAt', { refreshExpiresAt: NOW + 2 * 86_400_000 }],
  ['probe.ok', { probe: { ok: false, reason: 'auth', at: NOW - 60_000, latencyMs: 120, httpStatus: 401 } }],
  ['probe.reason', { probe: { ok: false, reason: 'timeout', at: NOW - 60_000, latencyMs: 120, httpStatus: 200 } }],
  ['probe.latencyMs', { probe: { ok: true, reason: 'ok', at: NOW - 60_000, latencyMs: 95, httpStatus: 200 } }],
  ['probe.httpStatus', { probe: { ok: true, reason: 'ok', at: NOW - 60_000, latencyMs: 120, httpStatus: 201 } }],
  ['probe.at', { probe: { ok: true, reason: 'ok', at: NOW - 1000, latencyMs: 120, httpStatus: 200 } }],
];

const { probe: _, ...withoutProbe } = base;
const cases: [string, CredentialObservation][] = [
  ...changes.map(([what, change]): [string, CredentialObservation] => [what, { ...base, ...change }]),
  ['no probe', withoutProbe],
];
for (const [what, next] of cases) {
  test(`a change of ${what} alone re-renders the profile as a fresh registry would`, async (t) => {
    const m = createMetrics({ defaultMetrics: false, buildInfo: { host: 'h', node: 'v', version: '0' } });
    updateFromObservations(m, [base], NOW);
    const before = await series(m);
    updateFromObservations(m, [next], NOW);
    const fresh = createMetrics({ defaultMetrics: false, buildInfo: { host: 'h', node: 'v', version: '0' } });
    updateFromObservations(fresh, [next], NOW);
    const after = await series(m);
    t.not(after, before);
    t.is(after, await series(fresh));
  });
}
