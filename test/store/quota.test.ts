/** Quota judgements, table-driven: labels, the newest observation, the worst window, when a spent window blocks. */
import test from 'ava';
import {
  currentWindows,
  latestClockSkews,
  latestQuota,
  minutesLabel,
  quotaBlock,
  windowLabel,
  worstWindow,
} from '../../src/store/quota.js';
import type { UsageStats } from '../../src/store/schema.js';
import { withQuota } from '../../src/store/usage.js';
import { unavailableUntil } from '../../src/store/order.js';

const NOW = Date.UTC(2026, 11, 1, 12);
const H = 3_600_000;

const LABELS: [string, number | undefined, string | undefined][] = [
  ['five_hour', undefined, '5h'],
  ['seven_day', undefined, '7d'],
  ['seven_day_opus', undefined, '7d_opus'],
  ['seven_day_sonnet', undefined, '7d_sonnet'],
  ['5h', undefined, '5h'],
  ['input-tokens', undefined, 'input_tokens'],
  ['primary', 300, '5h'],
  ['secondary', 10_080, '7d'],
  ['primary', 90, '90m'],
  ['primary', undefined, 'primary'],
  ['primary', 0, 'primary'],
  ['has space', undefined, undefined],
  ['', undefined, undefined],
];
for (const [name, minutes, want] of LABELS)
  test(`windowLabel(${JSON.stringify(name)}, ${minutes})`, (t) => t.is(windowLabel(name, minutes), want));

test('minutesLabel', (t) => {
  t.is(minutesLabel(60), '1h');
  t.is(minutesLabel(1440), '1d');
  t.is(minutesLabel(45), '45m');
  t.is(minutesLabel(-5), undefined);
  t.is(minutesLabel(1.5), undefined);
});

test('latestQuota: the newer of the gateway record and the probe; legacy names labelled; junk windows dropped', (t) => {
  const stats: UsageStats = {
    lastProbe: { at: NOW - 60_000, ok: true, reason: 'ok', quota: [{ window: 'five_hour', utilization: 42 }] },
    quota: {
      at: NOW - 1000,
      windows: [
        { window: 'seven_day', utilization: 150, resetsAt: NOW + H },
        { window: 'bad name', utilization: 5 },
        { window: 'x', utilization: Number.NaN },
      ],
      status: 'allowed',
    },
  };
  t.deepEqual(latestQuota(stats), {
    at: NOW - 1000,
    status: 'allowed',
    windows: [{ window: '7d', utilization: 100, resetsAt: NOW + H }],
  });
  const probeNewer = { ...stats, lastProbe: { ...stats.lastProbe!, at: NOW, quotaStatus: 'rejected' } };
  t.deepEqual(latestQuota(probeNewer), { at: NOW, status: 'rejected', windows: [{ window: '5h', utilization: 42 }] });
  t.is(latestQuota({}), undefined);
  t.is(latestQuota(undefined), undefined);
});

test('worstWindow and currentWindows leave out windows that have reset', (t) => {
  const rec = {
    at: NOW,
    windows: [
      { window: '5h', utilization: 99, resetsAt: NOW - 1 },
      { window: '7d', utilization: 60, resetsAt: NOW + H },
      { window: 'tokens', utilization: 60, resetsAt: NOW + 2 * H },
      { window: 'requests', utilization: 10 },
    ],
  };
  t.deepEqual(
    currentWindows(rec, NOW).map((w) => w.window),
    ['7d', 'tokens', 'requests'],
  );
  t.is(worstWindow(rec, NOW)?.window, 'tokens', 'ties go to the later reset');
  t.is(worstWindow(undefined, NOW), undefined);
});

const BLOCKS: { name: string; stats: UsageStats; want: { window: string; until: number } | undefined }[] = [
  {
    name: 'spent window with a future reset blocks until it',
    stats: { quota: { at: NOW, windows: [{ window: 'tokens', utilization: 100, resetsAt: NOW + H }] } },
    want: { window: 'tokens', until: NOW + H },
  },
  {
    name: 'rejected: the latest reset of the spent windows',
    stats: {
      quota: {
        at: NOW,
        status: 'rejected',
        windows: [
          { window: '5h', utilization: 100, resetsAt: NOW + H },
          { window: '7d', utilization: 100, resetsAt: NOW + 5 * H },
        ],
      },
    },
    want: { window: '7d', until: NOW + 5 * H },
  },
  {
    name: 'allowed_warning never blocks, even at 100 %',
    stats: {
      quota: { at: NOW, status: 'allowed_warning', windows: [{ window: '5h', utilization: 100, resetsAt: NOW + H }] },
    },
    want: undefined,
  },
  {
    name: 'no reset known: no block (never a guess)',
    stats: { quota: { at: NOW, windows: [{ window: 'tokens', utilization: 100 }] } },
    want: undefined,
  },
  {
    name: 'reset passed: no block',
    stats: { quota: { at: NOW - 2 * H, windows: [{ window: 'tokens', utilization: 100, resetsAt: NOW - 1 }] } },
    want: undefined,
  },
  {
    name: 'model-scoped window spent: no block',
    stats: { quota: { at: NOW, windows: [{ window: 'seven_day_opus', utilization: 100, resetsAt: NOW + H }] } },
    want: undefined,
  },
  {
    name: '99 %: no block',
    stats: { quota: { at: NOW, windows: [{ window: '5h', utilization: 99.9, resetsAt: NOW + H }] } },
    want: undefined,
  },
  {
    name: 'a newer allowed observation lifts an older spent one',
    stats: {
      lastProbe: {
        at: NOW - H,
        ok: false,
        reason: 'rate_limit',
        quotaStatus: 'rejected',
        quota: [{ window: '5h', utilization: 100, resetsAt: NOW + H }],
      },
      quota: { at: NOW, status: 'allowed', windows: [{ window: '5h', utilization: 2, resetsAt: NOW + 5 * H }] },
    },
    want: undefined,
  },
];
for (const c of BLOCKS) {
  test(`quotaBlock: ${c.name}`, (t) => {
    t.deepEqual(quotaBlock(c.stats, NOW), c.want);
    t.is(unavailableUntil(c.stats, NOW), c.want?.until ?? 0, 'the order function sees the same end');
  });
}

test('withQuota keeps the newer observation when writes land out of order', (t) => {
  const newer = { at: NOW, windows: [{ window: '5h', utilization: 10 }] };
  const older = { at: NOW - 1000, windows: [{ window: '5h', utilization: 100, resetsAt: NOW + H }] };
  t.deepEqual(withQuota({ quota: newer }, older).quota, newer);
  t.deepEqual(withQuota({ quota: older }, newer).quota, newer);
  t.deepEqual(withQuota(undefined, older).quota, older);
});

test('latestClockSkews: per provider, the latest probe wins; probes without a skew are ignored', (t) => {
  const m = latestClockSkews([
    { provider: 'anthropic', at: 1, clockSkewMs: 5 },
    { provider: 'anthropic', at: 3, clockSkewMs: 300_000 },
    { provider: 'anthropic', at: 4 },
    { provider: 'openai', at: 2, clockSkewMs: -70_000 },
  ]);
  t.deepEqual(
    [...m],
    [
      ['anthropic', { at: 3, ms: 300_000 }],
      ['openai', { at: 2, ms: -70_000 }],
    ],
  );
});
