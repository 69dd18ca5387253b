/**
 * A broken auth store is loud in the metrics: `aipro_auth_store_ok` 0, a read error counted by
 * bounded reason, the agent's last good series kept with the time they were read, and
 * `aipro_auth_profile_expiry_known` 0 for a token that can never count down to an alert.
 */
import test from 'ava';
import { chmodSync } from 'node:fs';
import { expiryObservations } from '../../monitors/expiry.js';
import { checkStore } from '../../monitors/store.js';
import type { Observation } from '../../monitors/types.js';
import { STORE_READ_ERROR_REASONS, storeReadErrorReason } from '../../exporters/prometheus/metrics.js';
import { createMetrics, renderMetrics, updateFromObservations } from '../../exporters/prometheus/registry.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { homeConfig, findCanary, NOW, writeKnownStores } from './known-store.js';

const agents = (home: TempHome) => [
  { id: 'main', storePath: home.storePath('main'), isDefault: true },
  { id: 'ops', storePath: home.storePath('ops'), isDefault: false },
];
const observe = (home: TempHome, env: Record<string, string>, now: number): Observation[] =>
  expiryObservations({ agents: agents(home), config: homeConfig(env), env }, now);
const fresh = () =>
  createMetrics({ defaultMetrics: false, buildInfo: { version: '0.1.0', node: 'v20.0.0', host: 'gw1' } });
const line = (text: string, prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));

test(
  'an unparseable store: store_ok 0, a parse error counted, the last good series and their read time ' + 'kept',
  async (t) => {
    const home = tempHome();
    t.teardown(() => home.cleanup());
    const env = writeKnownStores(home);
    const m = fresh();
    updateFromObservations(m, observe(home, env, NOW), NOW);
    let text = await renderMetrics(m);
    t.is(line(text, 'aipro_auth_store_ok{agent="main"}'), 'aipro_auth_store_ok{agent="main"} 1');
    t.is(
      line(text, 'aipro_auth_store_last_read_success_timestamp_seconds{agent="main"}'),
      `aipro_auth_store_last_read_success_timestamp_seconds{agent="main"} ${NOW / 1000}`,
    );
    t.is(
      line(text, 'aipro_auth_store_read_errors_total{agent="main",reason="parse"}'),
      'aipro_auth_store_read_errors_total{agent="main",reason="parse"} 0',
    );

    home.writeStore(
      '{"version": 1, "profiles": {"anthropic:x": {"type": "api_key", "key": "sk-ant-api03-CANARYparse',
      'main',
    );
    const later = NOW + 60_000;
    updateFromObservations(m, observe(home, env, later), later);
    text = await renderMetrics(m);
    t.is(line(text, 'aipro_auth_store_ok{agent="main"}'), 'aipro_auth_store_ok{agent="main"} 0');
    t.is(line(text, 'aipro_auth_store_ok{agent="ops"}'), 'aipro_auth_store_ok{agent="ops"} 1');
    t.is(
      line(text, 'aipro_auth_store_read_errors_total{agent="main",reason="parse"}'),
      'aipro_auth_store_read_errors_total{agent="main",reason="parse"} 1',
    );
    // The last good series stay, stamped with when they were read.
    t.is(
      line(text, 'aipro_auth_store_last_read_success_timestamp_seconds{agent="main"}'),
      `aipro_auth_store_last_read_success_timestamp_seconds{agent="main"} ${NOW / 1000}`,
    );
    t.is(
      line(text, 'aipro_auth_store_last_read_success_timestamp_seconds{agent="ops"}'),
      `aipro_auth_store_last_read_success_timestamp_seconds{agent="ops"} ${later / 1000}`,
    );
    t.true(
      text.includes(
        'aipro_auth_profile_status{agent="main",provider="anthropic",profile="anthropic:manual",status="ok"} 1',
      ),
    );
    t.is([...m.unreadableStores.keys()].join(), 'main');
    t.regex(m.unreadableStores.get('main') ?? '', /^parse: .*auth-profiles\.json$/);
    t.is(findCanary(text), null);
    t.false(text.includes('CANARYparse'));

    // Fixed: ok again, and readiness with it.
    writeKnownStores(home);
    updateFromObservations(m, observe(home, env, later + 60_000), later + 60_000);
    text = await renderMetrics(m);
    t.is(line(text, 'aipro_auth_store_ok{agent="main"}'), 'aipro_auth_store_ok{agent="main"} 1');
    t.is(m.unreadableStores.size, 0);
  },
);

test('the store monitor reports the same: unreadable and bad-version stores count with bounded reasons', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const m = fresh();
  const p = home.writeStore('{"version": 7, "profiles": {}}', 'main');
  const q = home.writeStore({ version: 1, profiles: {} }, 'ops');
  updateFromObservations(m, [...checkStore('main', p, NOW), ...checkStore('ops', q, NOW)], NOW);
  let text = await renderMetrics(m);
  t.is(
    line(text, 'aipro_auth_store_read_errors_total{agent="main",reason="version"}'),
    'aipro_auth_store_read_errors_total{agent="main",reason="version"} 1',
  );
  t.is(line(text, 'aipro_auth_store_ok{agent="main"}'), 'aipro_auth_store_ok{agent="main"} 0');
  t.is(line(text, 'aipro_auth_store_ok{agent="ops"}'), 'aipro_auth_store_ok{agent="ops"} 1');
  if (process.getuid?.() !== 0) {
    home.writeStore({ version: 1, profiles: {} }, 'main');
    chmodSync(p, 0o000);
    updateFromObservations(m, checkStore('main', p, NOW + 1000), NOW + 1000);
    text = await renderMetrics(m);
    t.is(
      line(text, 'aipro_auth_store_read_errors_total{agent="main",reason="permission"}'),
      'aipro_auth_store_read_errors_total{agent="main",reason="permission"} 1',
    );
  }
});

test('store read error reasons are bounded', (t) => {
  const cases: [string, string, string][] = [
    ['parse', 'not valid JSON', 'parse'],
    ['encoding', 'not UTF-8', 'parse'],
    ['schema', 'profiles: expected object', 'schema'],
    ['schema', 'unsupported store version 2 (this aipro reads version 1)', 'version'],
    ['too_large', 'file is 9 MB', 'too_large'],
    ['unreadable', 'EACCES: permission denied', 'permission'],
    ['unreadable', 'EISDIR: illegal operation on a directory', 'io'],
    ['version', 'whatever', 'version'],
    ['something-new', 'EIO: i/o error', 'io'],
  ];
  for (const [reason, detail, want] of cases)
    t.is<string, string>(storeReadErrorReason(reason, detail), want, `${reason} ${detail}`);
  for (const [reason, detail] of cases)
    t.true((STORE_READ_ERROR_REASONS as readonly string[]).includes(storeReadErrorReason(reason, detail)));
});

test(
  'aipro_auth_profile_expiry_known: 0 for a token without expiry, 1 for keys, dated tokens and refreshing ' + 'OAuth',
  async (t) => {
    const home = tempHome();
    t.teardown(() => home.cleanup());
    const env = writeKnownStores(home);
    home.writeStore(
      {
        version: 1,
        profiles: {
          'anthropic:forever': { type: 'token', provider: 'anthropic', token: `sk-ant-oat01-${'f'.repeat(90)}` },
          'openai:ci': {
            type: 'token',
            provider: 'openai',
            token: 'sk-proj-CANARYci0000000000000000000000000000000',
            expires: NOW + 86_400_000,
          },
        },
      },
      'ops',
    );
    const m = fresh();
    updateFromObservations(m, observe(home, env, NOW), NOW);
    const text = await renderMetrics(m);
    const known = (agent: string, profile: string) =>
      line(
        text,
        `aipro_auth_profile_expiry_known{agent="${agent}",provider="${profile.split(':')[0]}",profile="${profile}"}`,
      )
        ?.split(' ')
        .pop();
    t.is(known('ops', 'anthropic:forever'), '0');
    t.is(known('ops', 'openai:ci'), '1');
    t.is(known('main', 'anthropic:default'), '1');
    t.is(known('main', 'anthropic:manual'), '1');
    t.is(known('main', 'openai-codex:me@example.com'), '1');
  },
);
