/**
 * A real Alertmanager (Debian prometheus-alertmanager) receives the push; its API v2 shows
 * the alert firing, then resolved. Skips when the binary is missing, unless
 * AIPRO_REQUIRE_INTEGRATION=1.
 */
import { join } from 'node:path';
import test from 'ava';
import { AM_FIRING_TTL_MS, firingEndsAt } from '../../src/alerts/channels/alertmanager.js';
import { runAlerts } from '../../src/alerts/run.js';
import { updateAlertState } from '../../src/alerts/state.js';
import { findAlertmanager, startAlertmanager } from '../helpers/alertmanager.js';
import { tempHome } from '../helpers/tmp.js';
import { D, tokenObs } from './obs.js';
import { captureLog } from '../helpers/log.js';
import { defaultConfig } from '../helpers/config.js';
import { joinRe } from '../helpers/re.js';

const bin = findAlertmanager();
const required = process.env.AIPRO_REQUIRE_INTEGRATION === '1';

test('a firing alert ends far beyond any schedule: 7 days, or 10 cycles of a slower one', (t) => {
  const now = Date.UTC(2026, 0, 15);
  t.is(firingEndsAt(now, 60_000), now + 7 * D);
  t.is(firingEndsAt(now, 30 * 60_000), now + 7 * D);
  t.is(AM_FIRING_TTL_MS, 7 * D);
  // A yearly expiry schedule: still never lapses between two cycles.
  t.is(firingEndsAt(now, 365 * D), now + 3650 * D);
});

if (!bin && !required) {
  test(
    'alertmanager integration (skipped: prometheus-alertmanager is not installed; apt-get install ' +
      'prometheus-alertmanager)',
    (t) => {
      t.log('skipped: /usr/bin/prometheus-alertmanager not found');
      t.pass();
    },
  );
} else {
  test(
    'Alertmanager receives the push: firing with endsAt 7 days out (a dead monitor never resolves it), re-sent ' +
      'each cycle, silenced still firing, then resolved only by the explicit push',
    async (t) => {
      if (!bin) return t.fail('AIPRO_REQUIRE_INTEGRATION=1 but prometheus-alertmanager is not installed');
      const am = await startAlertmanager(bin);
      const home = tempHome();
      t.teardown(async () => {
        await am.close();
        home.cleanup();
      });
      const config = defaultConfig({
        monitor: { statePath: join(home.stateDir, 'monitor', 'state.json') },
        alerts: {
          hostname: 'gw1',
          channels: { am: { type: 'alertmanager', url: am.url, generatorURL: 'http://gw1:18790/metrics' } },
        },
      });
      const log = captureLog();
      const interval = 60_000;
      const cycle = (obs: ReturnType<typeof tokenObs>, now = Date.now()) =>
        runAlerts({ config, env: home.env, observations: [obs], now, log, cycleIntervalMs: interval });

      // Expired token: one notification, pushed.
      const t1 = Date.now();
      t.deepEqual(await cycle(tokenObs(t1 - 60_000, t1), t1), { sent: 1, pending: 0 }, log.lines.join('\n'));
      const firing = await am.alerts('profile="anthropic:work"');
      t.is(firing.length, 1, am.log());
      const a = firing[0]!;
      t.is(a.status.state, 'active');
      t.deepEqual(a.labels, {
        alertname: 'AiproCredentialExpired',
        severity: 'critical',
        origin: 'push',
        host: 'gw1',
        agent: 'main',
        provider: 'anthropic',
        profile: 'anthropic:work',
      });
      t.is(a.annotations.summary, 'aipro credential anthropic:work (agent main) has expired');
      t.is(
        a.annotations.runbook_url,
        'https://github.com/aipro/aipro/blob/main/docs/runbooks.md#aiprocredentialexpired',
      );
      t.regex(
        a.annotations.description ?? '',
        joinRe(
          '',
          /on gw1 has expired; requests using it fail\. Fix: /,
          /`claude setup-token && aipro models auth setup-token --provider anthropic`$/,
        ),
      );
      t.is(a.annotations.fix, 'claude setup-token && aipro models auth setup-token --provider anthropic');
      const endsIn = Date.parse(a.endsAt) - t1;
      // Not 3 cycles: if the monitor died now, the alert must stay firing (AiproMonitorAbsent tells of the death).
      t.true(endsIn >= 7 * D - 1000 && endsIn <= 7 * D + 1000, `endsAt = now + 7 days (${endsIn} ms)`);

      // Next cycle: nothing new to notify, but the alert is re-sent so Alertmanager keeps it firing.
      const t2 = t1 + 5000;
      t.deepEqual(await cycle(tokenObs(t1 - 60_000, t2), t2), { sent: 0, pending: 0 });
      const again = (await am.alerts('profile="anthropic:work"'))[0]!;
      t.true(Date.parse(again.endsAt) > Date.parse(a.endsAt), 'endsAt moved forward');
      t.is(again.status.state, 'active');

      // Silenced in aipro: no more messages, but the alert is kept alive, never lapsing into a false resolve.
      await updateAlertState(config.monitor.statePath, async (st) => {
        st.silences['anthropic:work'] = { profile: 'anthropic:work', until: t2 + D, createdAt: t2 };
        return { state: st, result: null };
      });
      const t2b = t2 + 5000;
      t.deepEqual(await cycle(tokenObs(t1 - 60_000, t2b), t2b), { sent: 0, pending: 0 });
      const silenced = (await am.alerts('profile="anthropic:work"'))[0]!;
      t.is(silenced.status.state, 'active');
      t.true(Date.parse(silenced.endsAt) >= t2b + 7 * D - 1000);

      // Renewed token (new secretHash): resolved, endsAt = now.
      const t3 = Date.now();
      t.deepEqual(await cycle(tokenObs(t3 + 365 * D, t3, { secretHash: 'bbbbbbbbbbbb' }), t3), { sent: 1, pending: 0 });
      const after = await am.alerts('profile="anthropic:work"');
      // API v2 lists only unresolved alerts: a resolved one (endsAt in the past) is gone.
      t.deepEqual(after, [], 'resolved: no longer listed');
    },
  );
}
