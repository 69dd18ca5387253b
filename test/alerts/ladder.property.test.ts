/**
 * Ladder property (fast-check): for any sequence of cycles over any clock (jumps forward and
 * backward, credentials replaced, removed, failing, stores unreadable), each threshold
 * reminder is sent at most once per episode, in order (most distant first), nothing follows
 * a `resolved`, and every announced episode that ends is followed by a `resolved`.
 */
import test from 'ava';
import fc from 'fast-check';
import { evaluate } from '../../src/alerts/engine.js';
import { emptyState, type Notification } from '../../src/alerts/types.js';
import { parseDuration } from '../../src/util/duration.js';
import { D, H, T0, policy, tokenObs, type Observation } from './obs.js';

type Action =
  | { op: 'tick'; dt: number }
  | { op: 'replace'; who: number; life: number }
  | { op: 'remove'; who: number }
  | { op: 'fail'; who: number; status: 'rejected' | 'invalid' }
  | { op: 'heal'; who: number }
  | { op: 'blind' };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ op: fc.constant('tick' as const), dt: fc.integer({ min: -2 * H, max: 9 * D }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('replace' as const),
      who: fc.nat(1),
      life: fc.integer({ min: -D, max: 30 * D }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), who: fc.nat(1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('fail' as const),
      who: fc.nat(1),
      status: fc.constantFrom('rejected' as const, 'invalid' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('heal' as const), who: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'blind' as const }) },
);

const LADDERS = [['14d', '7d', '3d', '1d', '6h', '1h'], ['1d'], ['30d', '2h', '10m'], ['6h', '3d', '1w']];

test('ladder: at most once per episode, in order, resolved follows every ended episode', (t) => {
  fc.assert(
    fc.property(
      fc.array(action, { minLength: 1, maxLength: 60 }),
      fc.constantFrom(...LADDERS),
      fc.integer({ min: 1, max: 3 }),
      (actions, ladder, repeatHours) => {
        const p = policy({
          thresholdsMs: ladder
            .map((label) => ({ label, ms: parseDuration(label) as number }))
            .sort((a, b) => b.ms - a.ms),
          repeatMs: repeatHours * H,
        });
        const ms = new Map(p.thresholdsMs.map((x) => [x.label, x.ms]));
        let now = T0;
        let gen = 0;
        const creds: ({ exp: number; hash: string; failing?: 'rejected' | 'invalid' } | null)[] = [
          { exp: T0 + 20 * D, hash: 'h0' },
          { exp: T0 + 2 * D, hash: 'h1' },
        ];
        let state = emptyState();
        const sentByEpisode = new Map<string, Notification[]>();
        const resolved = new Set<string>();
        for (const a of actions) {
          let blind = false;
          if (a.op === 'tick') now += a.dt;
          else if (a.op === 'replace') creds[a.who] = { exp: now + a.life, hash: `g${++gen}` };
          else if (a.op === 'remove') creds[a.who] = null;
          else if (a.op === 'fail' && creds[a.who]) (creds[a.who] as { failing?: string }).failing = a.status;
          else if (a.op === 'heal' && creds[a.who]) delete (creds[a.who] as { failing?: string }).failing;
          else if (a.op === 'blind') blind = true;
          const obs: Observation[] = blind
            ? [{ kind: 'store', agent: 'main', path: '/s', ok: false, reason: 'parse' }]
            : creds.flatMap((c, i) =>
                c
                  ? [
                      tokenObs(c.exp, now, {
                        profile: `anthropic:p${i}`,
                        secretHash: c.hash,
                        ...(c.failing ? { status: c.failing } : {}),
                      }),
                    ]
                  : [],
              );
          const before = new Map(Object.values(state.episodes).map((e) => [e.id, e]));
          const r = evaluate(obs, state, now, p);
          state = r.state;
          for (const n of r.notifications) {
            if (resolved.has(n.episode)) t.fail(`notification after resolved in episode ${n.episode}: ${n.key}`);
            if (n.kind === 'resolved') resolved.add(n.episode);
            sentByEpisode.set(n.episode, [...(sentByEpisode.get(n.episode) ?? []), n]);
          }
          // Every announced episode that left the state was resolved in this very cycle.
          const after = new Set(Object.values(state.episodes).map((e) => e.id));
          for (const [id, ep] of before) {
            if (after.has(id) || !ep.notified) continue;
            if (!r.notifications.some((n) => n.episode === id && n.kind === 'resolved')) return false;
          }
        }
        for (const list of sentByEpisode.values()) {
          const steps = list.filter((n) => n.kind === 'expiring').map((n) => n.threshold as string);
          if (new Set(steps).size !== steps.length) return false;
          for (let i = 1; i < steps.length; i++)
            if ((ms.get(steps[i] as string) as number) >= (ms.get(steps[i - 1] as string) as number)) return false;
          if (new Set(list.map((n) => n.key)).size !== list.length) return false;
        }
        return true;
      },
    ),
    // Pinned seed (printed on failure by fast-check). With it, run 376 found the same-millisecond
    // episode id collision (fail, heal, fail again in one cycle's millisecond); that case also runs
    // first as an example, so it stays in however many runs follow. 1000 runs cover it twice over.
    {
      numRuns: 1000,
      seed: -426871247,
      examples: [
        [
          [
            { op: 'fail', who: 0, status: 'rejected' },
            { op: 'heal', who: 0 },
            { op: 'fail', who: 0, status: 'rejected' },
            { op: 'remove', who: 0 },
          ],
          ['14d', '7d', '3d', '1d', '6h', '1h'],
          1,
        ],
      ],
    },
  );
  t.pass();
});
