import test from 'ava';
import { validity } from '../../monitors/validity.js';
import type { MonitorContext, Observation } from '../../monitors/types.js';
import { readStore } from '../../src/store/read.js';
import { configFrom } from '../helpers/config.js';
import { startFakeProvider } from '../helpers/fake-providers.js';
import { tempHome } from '../helpers/tmp.js';
import { captureLog } from '../helpers/log.js';

const GOOD = `sk-ant-api03-${'g'.repeat(40)}`;
const BAD = `sk-ant-api03-${'b'.repeat(40)}`;

test('validity monitor: probes every credential, stores lastProbe, logs failures without secrets', async (t) => {
  const fake = await startFakeProvider('anthropic', { scenarios: { [GOOD]: 'ok', [BAD]: 'unauthorized' } });
  const h = tempHome();
  t.teardown(async () => {
    await fake.close();
    h.cleanup();
  });
  const storePath = h.writeStore({
    version: 1,
    profiles: {
      'anthropic:good': { type: 'api_key', provider: 'anthropic', key: GOOD },
      'anthropic:bad': { type: 'api_key', provider: 'anthropic', key: BAD },
    },
  });
  const config = configFrom({ models: { providers: { anthropic: { baseUrl: fake.url } } } });
  const log = captureLog();
  const ctx: MonitorContext = {
    config,
    env: {},
    now: Date.now,
    agents: [{ id: 'main', storePath, isDefault: true }],
    log,
  };
  const obs = await validity.run(ctx);
  const probes = obs.filter((o): o is Extract<Observation, { kind: 'probe' }> => o.kind === 'probe');
  t.like(
    probes.find((p) => p.profile === 'anthropic:good'),
    { ok: true, reason: 'ok', httpStatus: 200 },
  );
  t.like(
    probes.find((p) => p.profile === 'anthropic:bad'),
    { ok: false, reason: 'auth', httpStatus: 401 },
  );
  const read = readStore(storePath);
  t.like(read.ok ? read.store.usageStats?.['anthropic:bad']?.lastProbe : undefined, { reason: 'auth' });
  t.true(log.lines.some((l) => l.includes('probe_failed')));
  t.false(log.lines.join('\n').includes(BAD));
  t.false(JSON.stringify(obs).includes(BAD));
});
