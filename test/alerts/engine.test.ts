import test from 'ava';
import { evaluate } from '../../src/alerts/engine.js';
import { emptyState, type AlertState, type Notification } from '../../src/alerts/types.js';
import { D, H, T0, policy, tokenObs, type Observation } from './obs.js';

/** Run cycles [now, observations] through the engine; returns every notification and the last state. */
function cycles(steps: [number, Observation[]][], start: AlertState = emptyState(), p = policy()) {
  let state = start;
  const all: Notification[] = [];
  for (const [now, obs] of steps) {
    const r = evaluate(obs, state, now, p);
    state = r.state;
    all.push(...r.notifications);
  }
  return { state, all };
}

const EXP = T0 + 20 * D;
const at = (left: number) => EXP - left;

test('ladder: one reminder per threshold, then expired, then resolved when renewed', (t) => {
  const times = [20 * D, 15 * D, 13 * D, 12 * D, 6 * D, 2.5 * D, 0.9 * D, 5 * H, 50 * 60_000, -60_000].map(at);
  const steps: [number, Observation[]][] = times.map((now) => [now, [tokenObs(EXP, now)]]);
  const renewedAt = EXP + H;
  steps.push([renewedAt, [tokenObs(renewedAt + 365 * D, renewedAt, { secretHash: 'bbbbbbbbbbbb' })]]);
  const { all, state } = cycles(steps);
  t.deepEqual(
    all.map((n) => `${n.kind}${n.threshold ? `:${n.threshold}` : ''}`),
    ['expiring:14d', 'expiring:7d', 'expiring:3d', 'expiring:1d', 'expiring:6h', 'expiring:1h', 'expired', 'resolved'],
  );
  const episodes = new Set(all.map((n) => n.episode));
  t.is(episodes.size, 1, 'one episode from the first reminder to resolved');
  t.is(new Set(all.map((n) => n.key)).size, all.length, 'keys are unique');
  t.deepEqual(state.episodes, {});
  t.is(all.at(-1)?.detail, 'the credential was replaced');
  t.is(all[0]?.key, `${all[0]?.episode}:expiring:14d`);
});

test('several thresholds crossed at once: only the most urgent is sent, the rest are passed', (t) => {
  const now = at(2 * H);
  const { all, state } = cycles([
    [now, [tokenObs(EXP, now)]],
    [at(50 * 60_000), [tokenObs(EXP, at(50 * 60_000))]],
  ]);
  t.deepEqual(
    all.map((n) => n.threshold),
    ['6h', '1h'],
  );
  t.deepEqual(Object.values(state.episodes)[0]?.passed.sort(), ['14d', '1d', '1h', '3d', '6h', '7d'].sort());
});

test('a new token (new secretHash) still inside the ladder starts a fresh episode with a fresh ladder', (t) => {
  const n1 = at(2 * D);
  const n2 = n1 + H;
  const { all } = cycles([
    [n1, [tokenObs(EXP, n1)]],
    [n2, [tokenObs(n2 + 5 * D, n2, { secretHash: 'cccccccccccc' })]],
  ]);
  t.deepEqual(
    all.map((n) => `${n.kind}:${n.threshold ?? ''}`),
    ['expiring:3d', 'resolved:', 'expiring:7d'],
  );
  t.not(all[0]?.episode, all[2]?.episode);
});

test('a removed profile resolves its episode; an unreadable store keeps it', (t) => {
  const n1 = at(2 * D);
  const blind: Observation = { kind: 'store', agent: 'main', path: '/x', ok: false, reason: 'parse' };
  const kept = cycles([
    [n1, [tokenObs(EXP, n1)]],
    [n1 + H, [blind]],
  ]);
  // The unreadable store alerts on its own track (test/alerts/store-unreadable.test.ts).
  t.deepEqual(
    kept.all.map((n) => n.kind),
    ['expiring', 'store_unreadable'],
  );
  t.deepEqual(Object.keys(kept.state.episodes).sort(), ['main/anthropic:work#status', 'main/auth-store#store']);
  const noData = cycles(
    [
      [
        n1 + 2 * H,
        [
          {
            kind: 'probe',
            agent: 'main',
            provider: 'openai',
            profile: 'openai:x',
            ok: true,
            reason: 'ok',
            latencyMs: 5,
          },
        ],
      ],
    ],
    kept.state,
  );
  t.deepEqual(noData.all, [], 'a batch without any credential (expiry monitor failed) resolves nothing');
  const other = tokenObs(EXP + 300 * D, n1, { profile: 'anthropic:other', secretHash: 'eeeeeeeeeeee' });
  const gone = cycles([[n1 + 2 * H, [other]]], kept.state);
  t.deepEqual(
    gone.all.map((n) => n.kind),
    ['resolved'],
  );
  t.is(gone.all[0]?.detail, 'the profile was removed');
});

test('still-firing failures repeat every alerts.repeat; expiring follows its ladder only', (t) => {
  const n1 = EXP + H;
  const obs = (now: number) => [tokenObs(EXP, now)];
  const { all } = cycles([n1, n1 + 23 * H, n1 + 24 * H, n1 + 30 * H, n1 + 48 * H].map((n) => [n, obs(n)]));
  t.deepEqual(
    all.map((n) => n.threshold ?? n.kind),
    ['expired', 'repeat-1', 'repeat-2'],
  );
});

test(
  'probe_failing after N consecutive failed probes (each probe counted once), resolved when a probe ' + 'succeeds',
  (t) => {
    const far = T0 + 400 * D;
    const o = (now: number, ok: boolean, at: number) => [
      tokenObs(far, now, {
        type: 'api_key',
        expiresAt: undefined,
        status: 'static',
        detail: 'API key',
        probe: { ok, reason: ok ? 'ok' : 'timeout', at },
      }),
    ];
    const { all } = cycles([
      [T0, o(T0, false, T0)],
      [T0 + 60_000, o(T0 + 60_000, false, T0)], // same probe seen again: not counted
      [T0 + 30 * 60_000, o(T0 + 30 * 60_000, false, T0 + 30 * 60_000)],
      [T0 + 60 * 60_000, o(T0 + 60 * 60_000, false, T0 + 60 * 60_000)],
      [T0 + 90 * 60_000, o(T0 + 90 * 60_000, true, T0 + 90 * 60_000)],
    ]);
    t.deepEqual(
      all.map((n) => n.kind),
      ['probe_failing', 'resolved'],
    );
    t.is(all[0]?.probeReason, 'timeout');
    t.is(all[0]?.failedProbes, 3);
  },
);

test('auth failures are "rejected" (status track), not probe_failing', (t) => {
  const o = tokenObs(EXP, T0, {
    status: 'rejected',
    detail: 'rejected by the provider (HTTP 401)',
    probe: { ok: false, reason: 'auth', at: T0 },
  });
  const { all } = cycles([[T0, [o]]]);
  t.deepEqual(
    all.map((n) => n.kind),
    ['rejected'],
  );
  t.is(all[0]?.severity, 'critical');
});

test('missing, invalid and refresh_failed fire as themselves', (t) => {
  const mk = (profile: string, status: 'missing' | 'invalid' | 'refresh_failed') =>
    tokenObs(EXP, T0, { profile, status, expiresAt: undefined });
  const { all } = cycles([
    [T0, [mk('anthropic:none', 'missing'), mk('openai:default', 'invalid'), mk('openai-codex:me', 'refresh_failed')]],
  ]);
  t.deepEqual(all.map((n) => n.kind).sort(), ['invalid', 'missing', 'refresh_failed']);
  const added = cycles(
    [
      [
        T0 + H,
        [
          tokenObs(EXP, T0 + H, {
            profile: 'anthropic:default',
            type: 'api_key',
            status: 'static',
            expiresAt: undefined,
          }),
        ],
      ],
    ],
    cycles([[T0, [mk('anthropic:none', 'missing')]]]).state,
  );
  t.deepEqual(
    added.all.map((n) => [n.kind, n.profile, n.detail]),
    [['resolved', 'anthropic:none', 'a credential was added']],
  );
});

test('an OAuth access token that refreshes itself never climbs the ladder', (t) => {
  const o = tokenObs(T0 + 30 * 60_000, T0, {
    type: 'oauth',
    status: 'ok',
    detail: 'access token expires in 30m, refreshes automatically',
    refreshable: true,
  });
  t.deepEqual(cycles([[T0, [o]]]).all, []);
});

test('silence: no firing notifications while silenced, ladder still advances, resolved still sent', (t) => {
  const start = emptyState();
  const n1 = at(8 * D);
  start.silences['anthropic:work'] = { profile: 'anthropic:work', until: at(2 * D), createdAt: n1 };
  const { all } = cycles(
    [
      [n1, [tokenObs(EXP, n1)]], // 14d crossed, silenced
      [at(5 * D), [tokenObs(EXP, at(5 * D))]], // 7d crossed, silenced
      [at(1.5 * D), [tokenObs(EXP, at(1.5 * D))]], // silence over, 3d crossed -> sent
      [
        at(1.5 * D) + H,
        [tokenObs(EXP, at(1.5 * D) + H, { secretHash: 'dddddddddddd', expiresAt: EXP + 300 * D, status: 'ok' })],
      ],
    ],
    start,
  );
  t.deepEqual(
    all.map((n) => `${n.kind}:${n.threshold ?? ''}`),
    ['expiring:3d', 'resolved:'],
  );
});

test('a failure announced during a silence is told once when the silence ends', (t) => {
  const start = emptyState();
  start.silences['anthropic:work'] = { profile: 'anthropic:work', until: EXP + 2 * H, createdAt: T0 };
  const { all } = cycles(
    [EXP + H, EXP + 90 * 60_000, EXP + 3 * H, EXP + 4 * H].map((n) => [n, [tokenObs(EXP, n)]]),
    start,
  );
  t.deepEqual(
    all.map((n) => `${n.kind}:${n.threshold ?? ''}`),
    ['expired:repeat-1'],
  );
  t.is(all[0]?.createdAt, EXP + 3 * H);
});

test('the engine does not modify the previous state', (t) => {
  const prev = emptyState();
  const frozen = JSON.stringify(prev);
  evaluate([tokenObs(EXP, at(2 * D))], prev, at(2 * D), policy());
  t.is(JSON.stringify(prev), frozen);
});
