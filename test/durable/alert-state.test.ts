/**
 * A damaged monitor/state.json at start: logged, `aipro_alert_state_ok` 0, doctor reports it
 * with the fix, the damaged file is never overwritten, and new alerts are still delivered
 * from a fresh state kept beside it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import test from 'ava';
import { runAlerts } from '../../src/alerts/run.js';
import { validateConfig } from '../../src/config/load.js';
import { tokenObs } from '../alerts/obs.js';
import { runCli } from '../helpers/cli.js';
import { captureLog } from '../helpers/log.js';
import { tempHome } from '../helpers/tmp.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

test('corrupt alert state: reported everywhere, never overwritten, alerts still go out', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const statePath = join(h.stateDir, 'monitor', 'state.json');
  mkdirSync(dirname(statePath), { recursive: true });
  writeFileSync(statePath, '{"version":1,"episodes":{', { mode: 0o600 });
  const damaged = readFileSync(statePath);

  const hook = await startWebhookReceiver();
  t.teardown(() => hook.close());
  const raw = { alerts: { channels: { hook: { type: 'webhook', format: 'aipro', url: hook.url } } } };
  const v = validateConfig(raw, join(h.stateDir, 'aipro.json'), h.env);
  if (!v.ok) return t.fail(v.detail);
  const log = captureLog();
  const gauge: number[] = [];
  const now = Date.now();
  const expired = tokenObs(now - 1000, now, { profile: 'anthropic:x', secretHash: 'abc', hint: undefined });
  const res = await runAlerts({
    config: v.config,
    env: { ...h.env },
    observations: [expired],
    now,
    log,
    metrics: { notification: () => undefined, outboxPending: () => undefined, stateOk: (ok) => gauge.push(ok) },
    cycleIntervalMs: 60_000,
  });
  t.deepEqual(gauge, [0], 'aipro_alert_state_ok 0');
  t.true(
    log.lines
      .map((l) => JSON.parse(l))
      .some((l) => l.level === 'error' && l.event === 'alert_state_damaged' && String(l.hint).includes('.fresh')),
    log.lines.join('\n'),
  );
  t.true(readFileSync(statePath).equals(damaged), 'the damaged file is left as it was');
  t.true(existsSync(`${statePath}.fresh`), 'a fresh state beside it');
  t.is(res.sent, 1, 'the new alert was delivered');
  t.is(hook.requests.length, 1);

  writeFileSync(join(h.stateDir, 'aipro.json'), JSON.stringify(raw), { mode: 0o600 });
  const doc = await runCli(['doctor', '--json'], { env: h.env, timeoutMs: 60_000 });
  const check = (JSON.parse(doc.stdout) as { checks: { id: string; level: string; fix?: string }[] }).checks.find(
    (c) => c.id === 'alerts.state',
  );
  t.is(check?.level, 'error');
  t.regex(check?.fix ?? '', /mv .*state\.json .*state\.json\.corrupt && mv .*state\.json\.fresh/);
  t.is(doc.code, 1);
});
