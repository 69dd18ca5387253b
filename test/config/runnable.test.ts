/**
 * One validation path: whatever `aipro monitor`, `aipro gateway` or an alert channel would
 * refuse at start, `config set` refuses, `config validate` reports (exit 1) and `doctor`
 * reports — each naming the key and the reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { MONITORS, monitorList } from '../../monitors/index.js';
import { runnableProblems, scheduleProblems } from '../../src/config/runnable.js';
import { loadMonitorSetup } from '../../src/daemon/setup.js';
import { validateSchedules } from '../../src/daemon/scheduler.js';
import { runCli } from '../helpers/cli.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import { defaultConfig } from '../helpers/config.js';

function home(t: { teardown(fn: () => void): void }): TempHome {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  return h;
}
const file = (h: TempHome) => join(h.stateDir, 'aipro.json');

test('config set refuses a schedule node-cron cannot run, names key and reason, writes nothing', async (t) => {
  const h = home(t);
  h.writeConfig({ auth: { warnHours: 12 } });
  const before = readFileSync(file(h), 'utf8');
  const r = await runCli(['config', 'set', 'monitor.schedules.expiry', '61 * * * *'], { env: h.env });
  t.is(r.code, 1, r.stdout + r.stderr);
  t.regex(r.stderr, /monitor\.schedules\.expiry/);
  t.regex(r.stderr, /"61 \* \* \* \*" is not a valid cron expression \(.*61.*minute/);
  t.regex(r.stderr, /Nothing was written/);
  t.is(readFileSync(file(h), 'utf8'), before);
  t.is((await runCli(['config', 'set', 'monitor.schedules.expiry', '*/2 * * * *'], { env: h.env })).code, 0);
});

test(
  'config validate and doctor report a config the monitor would refuse (exit 1, key and reason); monitor --once ' +
    'refuses the same',
  async (t) => {
    const h = home(t);
    h.writeConfig({ monitor: { schedules: { validity: '0 25 * * *' } } });
    const v = await runCli(['config', 'validate'], { env: h.env });
    t.is(v.code, 1, v.stdout + v.stderr);
    t.regex(v.stderr, /monitor\.schedules\.validity: "0 25 \* \* \*" is not a valid cron expression/);
    t.regex(v.stderr, /aipro config set monitor\.schedules\.validity/);
    const j = await runCli(['config', 'validate', '--json'], { env: h.env });
    t.is(j.code, 1);
    const doc = JSON.parse(j.stdout);
    t.false(doc.ok);
    t.is(doc.problems[0].key, 'monitor.schedules.validity');

    const d = await runCli(['doctor', '--json'], { env: h.env });
    const checks = (JSON.parse(d.stdout).checks as { id: string; level: string; summary: string }[]).filter(
      (c) => c.id === 'config.runnable',
    );
    t.is(checks.length, 1);
    t.is(checks[0]?.level, 'error');
    t.regex(checks[0]?.summary ?? '', /^monitor\.schedules\.validity: /);
    t.is(d.code, 1);

    const once = await runCli(['monitor', '--once'], { env: h.env });
    t.is(once.code, 1);
    t.regex(once.stderr + once.stdout, /monitor\.schedules\.validity/);
  },
);

test(
  'config set refuses a gateway bind beyond loopback without a token, and a body limit that is no ' + 'size',
  async (t) => {
    const h = home(t);
    const bind = await runCli(['config', 'set', 'gateway.bind', 'lan'], { env: h.env });
    t.is(bind.code, 1, bind.stdout + bind.stderr);
    t.regex(bind.stderr, /gateway\.bind: "lan" listens beyond loopback, which needs gateway\.auth\.token/);
    const size = await runCli(['config', 'set', 'gateway.bodyLimit', 'lots'], { env: h.env });
    t.is(size.code, 1);
    t.regex(size.stderr, /gateway\.bodyLimit: "lots" is not a size/);
    t.is(
      (
        await runCli(['config', 'set', 'gateway.auth.token', '{"source":"env","id":"AIPRO_GATEWAY_TOKEN"}'], {
          env: h.env,
        })
      ).code,
      0,
    );
    t.is((await runCli(['config', 'set', 'gateway.bind', 'lan'], { env: h.env })).code, 0);
  },
);

test('channel problems come back per key', async (t) => {
  const c = defaultConfig({
    alerts: {
      channels: { am: { type: 'alertmanager', url: 'http://127.0.0.1:9093', timeoutMs: 5, bogus: 1 } as never },
    },
  });
  const problems = await runnableProblems(c, {});
  t.deepEqual(problems.map((p) => p.key).sort(), ['alerts.channels.am.bogus', 'alerts.channels.am.timeoutMs']);
});

test('the config check and the monitor agree on every schedule (one rule)', (t) => {
  const exprs = [
    '* * * * *',
    '*/5 * * * *',
    '61 * * * *',
    '0 24 * * *',
    '0 0 32 * *',
    '0 0 * 13 *',
    '0 0 * * 8',
    '0 0 * * 7',
    '*/0 * * * *',
    '0 0 1 1 *',
    '* * * * * *',
    '60 * * * * *',
    'a b c d e',
    '0 9 * * MON-FRI',
    '0 9 * JAN,FEB *',
    '5-3 * * * *',
  ];
  const monitors = monitorList(MONITORS);
  for (const expr of exprs) {
    const c = defaultConfig();
    c.monitor.schedules = { ...c.monitor.schedules, expiry: expr };
    const configSays = scheduleProblems(c).length === 0;
    const monitorSays = validateSchedules(c, monitors).ok;
    t.is(configSays, monitorSays, expr);
  }
  // And the monitor's start refuses exactly those.
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeConfig({ monitor: { schedules: { expiry: '61 * * * *' } } });
  const setup = loadMonitorSetup(monitors, undefined, h.env);
  t.false(setup.ok);
  if (!setup.ok) t.is(setup.key, 'monitor.schedules.expiry');
});
