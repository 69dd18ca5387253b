/**
 * A real Alertmanager (Debian prometheus-alertmanager) receives the push; its API v2 shows
 * the alert firing, then resolved. Skips when the binary is missing, unless
 * AIPRO_REQUIRE_INTEGRATION=1.
 */
import { join } from 'node:path';
import test from 'ava';
import { runAlerts } from '../../src/alerts/run.js';
import { findAlertmanager, startAlertmanager } from '../helpers/alertmanager.js';
import { tempHome } from '../helpers/tmp.js';
import { D, captureLog, defaultConfig, tokenObs } from './obs.js';

const bin = findAlertmanager();
const required = process.env.AIPRO_REQUIRE_INTEGRATION === '1';

if (!bin && !required) {
  test('alertmanager integration (skipped: prometheus-alertmanager is not installed; apt-get install prometheus-alertmanager)', (t) => {
    t.log('skipped: /usr/bin/prometheus-alertmanager not found');
    t.pass();
  });
} else {
  test('Alertmanager receives the push: firing (re-sent each cycle, endsAt ≈ now + 3 intervals), then resolved', async (t) => {
    if (!bin) return t.fail('AIPRO_REQUIRE_INTEGRATION=1 but prometheus-alertmanager is not installed');
    const am = await startAlertmanager(bin);
    const home = tempHome();
    t.teardown(async () => {
      await am.close();
      home.cleanup();
    });
    const config = defaultConfig({
      monitor: { statePath: join(home.stateDir, 'monitor', 'state.json') },
      alerts: { hostname: 'gw1', channels: { am: { type: 'alertmanager', url: am.url, generatorURL: 'http://gw1:18790/metrics' } } },
    });
    const log = captureLog();
    const interval = 60_000;
    const cycle = (obs: ReturnType<typeof tokenObs>, now = Date.now()) => runAlerts({ config, env: home.env, observations: [obs], now, log, cycleIntervalMs: interval });

    // Expired token: one notification, pushed.
    const t1 = Date.now();
    t.deepEqual(await cycle(tokenObs(t1 - 60_000, t1), t1), { sent: 1, pending: 0 }, log.lines.join('\n'));
    const firing = await am.alerts('profile="anthropic:work"');
    t.is(firing.length, 1, am.log());
    const a = firing[0]!;
    t.is(a.status.state, 'active');
    t.deepEqual(a.labels, { alertname: 'AiproCredentialExpired', severity: 'critical', agent: 'main', provider: 'anthropic', profile: 'anthropic:work', instance: 'gw1' });
    t.is(a.annotations.summary, '[aipro] anthropic:work expired 1 minute ago on gw1');
    t.is(a.annotations.fix, 'claude setup-token && aipro models auth setup-token --provider anthropic');
    const endsIn = Date.parse(a.endsAt) - t1;
    t.true(endsIn > 2.9 * interval && endsIn <= 3 * interval + 1000, `endsAt ≈ now + 3 intervals (${endsIn} ms)`);

    // Next cycle: nothing new to notify, but the alert is re-sent so Alertmanager keeps it firing.
    const t2 = t1 + 5000;
    t.deepEqual(await cycle(tokenObs(t1 - 60_000, t2), t2), { sent: 0, pending: 0 });
    const again = (await am.alerts('profile="anthropic:work"'))[0]!;
    t.true(Date.parse(again.endsAt) > Date.parse(a.endsAt), 'endsAt moved forward');
    t.is(again.status.state, 'active');

    // Renewed token (new secretHash): resolved, endsAt = now.
    const t3 = Date.now();
    t.deepEqual(await cycle(tokenObs(t3 + 365 * D, t3, { secretHash: 'bbbbbbbbbbbb' }), t3), { sent: 1, pending: 0 });
    const after = await am.alerts('profile="anthropic:work"');
    // API v2 lists only unresolved alerts: a resolved one (endsAt in the past) is gone.
    t.deepEqual(after, [], 'resolved: no longer listed');
  });
}
