/**
 * An auth store that cannot be read is an alert of its own (`store_unreadable`), one per
 * agent: fired once, repeated like any other, resolved only when the store reads again. The
 * agent's credential episodes stay as they were meanwhile (absence proves nothing).
 */
import test from 'ava';
import { evaluate } from '../../src/alerts/engine.js';
import { amAlert } from '../../src/alerts/payloads.js';
import { subjectLine, textBody } from '../../src/alerts/render.js';
import { emptyState, type AlertState, type Notification } from '../../src/alerts/types.js';
import type { StoreObservation } from '../../monitors/types.js';
import { D, H, T0, policy, tokenObs, type Observation } from './obs.js';

const PATH = '/home/ops/.aipro/agents/main/agent/auth-profiles.json';
const broken: StoreObservation = {
  kind: 'store',
  agent: 'main',
  path: PATH,
  ok: false,
  reason: 'parse',
  detail: 'not valid JSON (Unexpected token \'s\', "sk-ant-api03-SECRET" is not valid JSON)',
};
const fine: StoreObservation = { kind: 'store', agent: 'main', path: PATH, ok: true, reason: 'ok' };

function run(steps: [number, Observation[]][], start: AlertState = emptyState()) {
  let state = start;
  const all: Notification[] = [];
  for (const [now, obs] of steps) {
    const r = evaluate(obs, state, now, policy());
    state = r.state;
    all.push(...r.notifications);
  }
  return { state, all };
}

test('fires once per agent, repeats after the repeat interval, resolves when the store reads again', (t) => {
  const expiring = tokenObs(T0 + 3 * D, T0);
  const { all, state } = run([
    [T0, [expiring, fine]],
    // Broken: only the store observation (the expiry monitor could not judge anything), twice in one batch.
    [T0 + H, [broken, { ...broken }]],
    [T0 + 2 * H, [broken]],
    // No store observation at all proves nothing: still firing, nothing resolved.
    [T0 + 3 * H, []],
    [T0 + H + D, [broken]],
    [T0 + 2 * D, [tokenObs(T0 + 3 * D, T0 + 2 * D), fine]],
  ]);
  const store = all.filter((n) => n.profile === 'auth-store');
  t.deepEqual(
    store.map((n) => `${n.kind}${n.threshold ? `:${n.threshold}` : ''}`),
    ['store_unreadable', 'store_unreadable:repeat-1', 'resolved'],
  );
  t.is(store[0]?.severity, 'critical');
  t.is(store[0]?.agent, 'main');
  t.is(store[0]?.fix, 'aipro doctor');
  t.regex(store[0]?.detail ?? '', /cannot read the auth store .*auth-profiles\.json \(parse\)/);
  t.regex(store[2]?.detail ?? '', /reads again/);
  // The credential episode was neither resolved nor duplicated while the store was blind.
  t.false(all.some((n) => n.profile === 'anthropic:work' && n.kind === 'resolved'));
  const work = all.filter((n) => n.profile === 'anthropic:work');
  t.deepEqual(
    work.map((n) => `${n.kind}:${n.threshold}`),
    ['expiring:3d', 'expiring:1d'],
  );
  t.is(new Set(work.map((n) => n.episode)).size, 1);
  t.deepEqual(Object.keys(state.episodes), ['main/anthropic:work#status']);
  for (const n of all) t.false(JSON.stringify(n).includes('SECRET'));
});

test('a store observation that is merely loose (mode) or a stale lock is no unreadable store', (t) => {
  const mode: StoreObservation = { ...fine, ok: false, reason: 'mode', detail: 'mode 0644' };
  const { all } = run([[T0, [mode, { ...fine, ok: false, reason: 'stale_lock' }]]]);
  t.deepEqual(all, []);
});

test('its words: subject, mail body and the Alertmanager alert name', (t) => {
  const { all } = run([[T0, [broken]]]);
  const n = all[0] as Notification;
  t.is(subjectLine(n, T0), '[aipro] auth store of agent main cannot be read on gw1');
  t.regex(textBody(n, T0), /To fix it, run on the host:\n\n {4}aipro doctor/);
  const a = amAlert(n, { now: T0, endsAt: T0 + D, generatorURL: 'http://gw1:18790/metrics' });
  t.is(a.labels.alertname, 'AiproCredentialStoreUnreadable');
  t.is(a.labels.severity, 'critical');
  t.is(a.labels.agent, 'main');
});
