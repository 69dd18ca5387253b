/**
 * Which profiles' series a complete update deletes, now that each profile's record carries the
 * mark of the update that last saw it: the profiles of the last complete set that this one
 * lacks, except those of an agent whose store could not be read this time.
 */
import test from 'ava';
import type { CredentialObservation } from '../../monitors/types.js';
import { createMetrics, renderMetrics, updateFromObservations } from '../../exporters/prometheus/registry.js';
import type { Observation } from '../../src/observation.js';

const NOW = Date.UTC(2026, 0, 15);
const cred = (agent: string, profile: string): CredentialObservation => ({
  kind: 'credential',
  agent,
  provider: 'anthropic',
  profile,
  type: 'api_key',
  source: 'profile',
  status: 'static',
  detail: '',
});
const store = (agent: string, ok = true): Observation => ({
  kind: 'store',
  agent,
  path: `/x/${agent}/auth-profiles.json`,
  ok,
  reason: ok ? 'ok' : 'parse',
});
const profiles = async (m: ReturnType<typeof createMetrics>) =>
  [...(await renderMetrics(m)).matchAll(/^aipro_auth_profile_info\{agent="(\w+)",provider="\w+",profile="([^"]+)"/gm)]
    .map(([, agent, profile]) => `${agent}/${profile}`)
    .sort();

test('deleted profiles go; an unreadable store keeps its own until it reads again; a gone agent goes', async (t) => {
  const m = createMetrics({ defaultMetrics: false });
  updateFromObservations(
    m,
    [store('a'), cred('a', 'anthropic:1'), cred('a', 'anthropic:2'), store('b'), cred('b', 'anthropic:9')],
    NOW,
  );
  t.deepEqual(await profiles(m), ['a/anthropic:1', 'a/anthropic:2', 'b/anthropic:9']);

  // a cannot be read: its series stay, dated by its last good read.
  updateFromObservations(m, [store('a', false), store('b'), cred('b', 'anthropic:9')], NOW + 60_000);
  t.deepEqual(await profiles(m), ['a/anthropic:1', 'a/anthropic:2', 'b/anthropic:9']);

  // a reads again without anthropic:2, which is deleted then; b is unchanged.
  updateFromObservations(
    m,
    [store('a'), cred('a', 'anthropic:1'), store('b'), cred('b', 'anthropic:9')],
    NOW + 120_000,
  );
  t.deepEqual(await profiles(m), ['a/anthropic:1', 'b/anthropic:9']);

  // A batch that is not a complete set (a probe run) deletes nothing.
  updateFromObservations(m, [store('a'), cred('a', 'anthropic:1')], NOW + 150_000, { replaceCredentials: false });
  t.deepEqual(await profiles(m), ['a/anthropic:1', 'b/anthropic:9']);

  // b is no longer looked at: its profiles go with it.
  updateFromObservations(m, [store('a'), cred('a', 'anthropic:1')], NOW + 180_000);
  t.deepEqual(await profiles(m), ['a/anthropic:1']);
  t.is(m.profiles.size, 1, 'no record is left behind for a deleted profile');
});
