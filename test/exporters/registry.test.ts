import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expiryObservations } from '../../monitors/expiry.js';
import type { Observation } from '../../monitors/types.js';
import { METRICS } from '../../exporters/prometheus/metrics.js';
import { exposition } from '../../exporters/prometheus/exposition.js';
import {
  createMetrics,
  renderMetrics,
  updateFromObservations,
  type AiproMetrics,
} from '../../exporters/prometheus/registry.js';
import { STATUSES } from '../../src/store/status.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { homeConfig, findCanary, mainStore, NOW, writeKnownStores } from './known-store.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/prom/known-store.prom', import.meta.url));

function agentsOf(home: TempHome) {
  return [
    { id: 'main', storePath: home.storePath('main'), isDefault: true },
    { id: 'ops', storePath: home.storePath('ops'), isDefault: false },
  ];
}

function fresh(): AiproMetrics {
  return createMetrics({ defaultMetrics: false, buildInfo: { version: '0.1.0', node: 'v20.0.0', host: 'gw1' } });
}

function observe(home: TempHome, env: Record<string, string>, now = NOW): Observation[] {
  return expiryObservations({ agents: agentsOf(home), config: homeConfig(env), env }, now);
}

/** Sample lines of `name` as label-string -> value. */
function samples(text: string, name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(name.length, i), line.slice(i + 1));
  }
  return out;
}

test('golden .prom for a known store at a fixed clock', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home);
  const m = fresh();
  updateFromObservations(m, observe(home, env), NOW);
  const text = await renderMetrics(m);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text);
  t.is(text, readFileSync(GOLDEN, 'utf8'));
  t.is(findCanary(text), null);
});

test('an expired profile shows `expired` in the state set and its real past expiry timestamp', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home);
  const m = fresh();
  updateFromObservations(m, observe(home, env), NOW);
  const text = await renderMetrics(m);
  const status = samples(text, METRICS.profileStatus.name);
  for (const s of STATUSES) {
    t.is(
      status.get(`{agent="main",provider="anthropic",profile="anthropic:old",status="${s}"}`),
      s === 'expired' ? '1' : '0',
      s,
    );
  }
  const expiry = samples(text, METRICS.profileExpiry.name);
  t.is(
    Number(expiry.get('{agent="main",provider="anthropic",profile="anthropic:old"}')),
    (NOW - 2 * 86_400_000) / 1000,
  );
  // Never 0, never for a credential without a known end (API key, expires 0, self-refreshing OAuth).
  t.false([...expiry.values()].includes('0'));
  t.false(expiry.has('{agent="main",provider="anthropic",profile="anthropic:default"}'));
  t.false(expiry.has('{agent="main",provider="anthropic",profile="anthropic:zero"}'));
  t.false(expiry.has('{agent="main",provider="openai-codex",profile="openai-codex:me@example.com"}'));
  t.is(status.get('{agent="main",provider="anthropic",profile="anthropic:zero",status="invalid"}'), '1');
});

test('every credential has exactly one current status', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home);
  const m = fresh();
  updateFromObservations(m, observe(home, env), NOW);
  const status = samples(await renderMetrics(m), METRICS.profileStatus.name);
  const ones = new Map<string, number>();
  for (const [labels, v] of status) {
    const key = labels.replace(/,status="[^"]+"\}$/, '}');
    ones.set(key, (ones.get(key) ?? 0) + Number(v));
  }
  t.true(ones.size >= 9);
  for (const [key, n] of ones) t.is(n, 1, key);
  t.is(status.size, ones.size * STATUSES.length);
});

test('removing a profile removes all its series on the next cycle; others stay', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home);
  const m = fresh();
  updateFromObservations(m, observe(home, env), NOW);
  const before = await renderMetrics(m);
  t.true(before.includes('profile="openai:bad"'));
  const store = mainStore();
  delete (store.profiles as Record<string, unknown>)['openai:bad'];
  home.writeStore(store, 'main');
  updateFromObservations(m, observe(home, env, NOW + 60_000), NOW + 60_000);
  const after = await renderMetrics(m);
  t.false(after.includes('profile="openai:bad"'));
  t.true(after.includes('profile="anthropic:manual"'));
  t.true(after.includes('agent="ops"'));
});

test('a store that cannot be read keeps its previous series (a broken file is not a deletion)', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home);
  const m = fresh();
  updateFromObservations(m, observe(home, env), NOW);
  home.writeStore('{"version": 1, "profiles": {', 'main');
  const obs = observe(home, env, NOW + 60_000);
  t.true(obs.some((o) => o.kind === 'store' && o.agent === 'main' && !o.ok && o.reason === 'parse'));
  updateFromObservations(m, obs, NOW + 60_000);
  const text = await renderMetrics(m);
  t.true(text.includes('profile="anthropic:manual"'));
});

test('probe gauges come from the stored last probe', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home);
  const m = fresh();
  updateFromObservations(m, observe(home, env), NOW);
  const text = await renderMetrics(m);
  const success = samples(text, METRICS.probeSuccess.name);
  const valid = samples(text, METRICS.probeValid.name);
  const duration = samples(text, METRICS.probeDuration.name);
  const def = '{agent="main",provider="anthropic",profile="anthropic:default"}';
  const codex = '{agent="main",provider="openai-codex",profile="openai-codex:me@example.com"}';
  const bad = '{agent="main",provider="openai",profile="openai:bad"}';
  t.is(success.get(def), '1');
  t.is(valid.get(def), '1');
  t.is(duration.get(def), '0.23');
  t.is(success.get(codex), '0'); // timeout: no answer
  t.false(valid.has(codex)); // unknown, not "invalid"
  t.is(success.get(bad), '1');
  t.is(valid.get(bad), '0'); // 401: refused
  t.false(success.has('{agent="main",provider="anthropic",profile="anthropic:manual"}'));
  t.is(samples(text, METRICS.cooldownUntil.name).get(bad), String((NOW + 300_000) / 1000));
  t.is(
    samples(text, METRICS.profileStatus.name).get(
      '{agent="main",provider="openai",profile="openai:bad",status="rejected"}',
    ),
    '1',
  );
});

test('probe and refresh observations count by provider and bounded reason/result', async (t) => {
  const m = fresh();
  updateFromObservations(
    m,
    [
      {
        kind: 'probe',
        agent: 'main',
        provider: 'anthropic',
        profile: 'anthropic:x',
        ok: false,
        reason: 'rate_limit',
        latencyMs: 40,
      },
      {
        kind: 'probe',
        agent: 'main',
        provider: 'anthropic',
        profile: 'anthropic:y',
        ok: false,
        reason: 'rate_limit',
        latencyMs: 40,
      },
      {
        kind: 'probe',
        agent: 'main',
        provider: 'anthropic',
        profile: 'anthropic:z',
        ok: true,
        reason: 'ok',
        latencyMs: 40,
      },
      { kind: 'refresh', agent: 'main', provider: 'openai-codex', profile: 'openai-codex:a', result: 'failed' },
    ],
    NOW,
  );
  const text = await renderMetrics(m);
  t.is(samples(text, METRICS.probeErrors.name).get('{provider="anthropic",reason="rate_limit"}'), '2');
  t.is(samples(text, METRICS.refreshTotal.name).get('{provider="openai-codex",result="failed"}'), '1');
  // A batch without credentials does not touch the credential series.
  t.is(samples(text, METRICS.probeSuccess.name).get('{agent="main",provider="anthropic",profile="anthropic:x"}'), '1');
});

test(
  'streamed /metrics text is byte-identical to registry.metrics(); build info and process metrics are ' + 'there',
  async (t) => {
    const home = tempHome();
    t.teardown(() => home.cleanup());
    const env = writeKnownStores(home);
    const m = createMetrics();
    updateFromObservations(m, observe(home, env), NOW);
    let streamed = '';
    for await (const piece of exposition(m)) streamed += piece;
    const whole = await renderMetrics(m);
    t.is(streamed.replace(/^(process|nodejs)_.*$/gm, ''), whole.replace(/^(process|nodejs)_.*$/gm, ''));
    t.regex(whole, /^aipro_build_info\{version="[^"]+",node="v\d+\.\d+\.\d+",host="[^"]+"\} 1$/m);
    t.regex(whole, /^process_resident_memory_bytes /m);
    t.regex(whole, /^nodejs_eventloop_lag_seconds /m);
    // JSON view (prom-client's MetricObject shape) works for our cached families too.
    const json = await m.profileStatus.get();
    t.true(json.name === METRICS.profileStatus.name && json.values.length > 0);
  },
);

test('every metric of the table is registered with its type, labels and help', async (t) => {
  const m = fresh();
  const text = await renderMetrics(m);
  for (const d of Object.values(METRICS)) {
    t.true(text.includes(`# HELP ${d.name} ${d.help}\n`), d.name);
    t.true(text.includes(`# TYPE ${d.name} ${d.type}\n`), d.name);
  }
});

test('textfile rendering leaves out counters and process metrics', async (t) => {
  const m = createMetrics();
  const text = await renderMetrics(m, { textfile: true });
  t.false(text.includes('_total'));
  t.false(/^process_/m.test(text));
  t.true(text.includes('aipro_build_info'));
  t.true(text.endsWith('\n'));
});
