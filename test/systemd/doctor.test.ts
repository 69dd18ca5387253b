/**
 * `systemdDoctorChecks` on real files in a temp HOME (user units), and the pure judging
 * of `systemctl show` output (which needs a running systemd to produce for real).
 */
import test from 'ava';
import { chmodSync, copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorCheck } from '../../src/doctor/types.js';
import { systemdDoctorChecks } from '../../src/doctor/systemd.js';
import { judgeRuntime, nextFire, parseShow, parseTimespan } from '../../src/doctor/systemd-runtime.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const byId = (checks: DoctorCheck[], id: string) => checks.find((c) => c.id === id);

/** The temp home's env, without an inherited XDG_CONFIG_HOME (it would point at the real unit dir). */
function homeEnv(env: Record<string, string>): Record<string, string> {
  const { XDG_CONFIG_HOME: _real, ...rest } = env;
  return rest;
}

test('no units installed: one ok finding that says how to install', async (t) => {
  const h = tempHome();
  try {
    const checks = await systemdDoctorChecks(homeEnv(h.env));
    t.deepEqual(
      checks.filter((c) => c.id.startsWith('systemd.user')),
      [],
    );
    // On a host with aipro system units installed, "none installed" is not said.
    const none = byId(checks, 'systemd.units');
    if (none) {
      t.is(none.level, 'ok');
      t.regex(none.fix ?? '', /aipro systemd install --user/);
    }
  } finally {
    h.cleanup();
  }
});

test('installed user units: enabled or not, env file mode, missing binaries, missing state dir', async (t) => {
  const h = tempHome();
  const nodeCopy = join(h.home, 'bin', 'node');
  mkdirSync(join(h.home, 'bin'));
  copyFileSync(process.execPath, nodeCopy);
  chmodSync(nodeCopy, 0o755);
  try {
    const r = await runCli(['systemd', 'install', '--user', '--units', 'monitor,check', '--node', nodeCopy], {
      env: homeEnv(h.env),
    });
    t.is(r.code, 0, r.stderr);
    const dir = join(h.home, '.config', 'systemd', 'user');
    const env = join(h.stateDir, '.env');
    writeFileSync(env, 'A=1\n', { mode: 0o644 });
    chmodSync(env, 0o644);

    let checks = await systemdDoctorChecks(homeEnv(h.env));
    t.is(byId(checks, 'systemd.user.installed')?.level, 'ok');
    t.regex(
      byId(checks, 'systemd.user.installed')?.summary ?? '',
      /aipro-monitor\.service, aipro-auth-check\.service, aipro-auth-check\.timer/,
    );
    t.is(byId(checks, 'systemd.user.enabled.aipro-auth-check.timer')?.level, 'warn');
    t.regex(
      byId(checks, 'systemd.user.enabled.aipro-auth-check.timer')?.fix ?? '',
      /^systemctl --user enable --now aipro-auth-check\.timer$/,
    );
    t.is(byId(checks, 'systemd.user.envfile')?.level, 'warn', 'a 0644 env file is readable by others');
    t.is(byId(checks, 'systemd.user.envfile')?.fix, `chmod 600 ${env}`);
    t.is(checks.filter((c) => c.level === 'error').length, 0, JSON.stringify(checks, null, 1));

    mkdirSync(join(dir, 'timers.target.wants'));
    symlinkSync(join(dir, 'aipro-auth-check.timer'), join(dir, 'timers.target.wants', 'aipro-auth-check.timer'));
    chmodSync(env, 0o600);
    checks = await systemdDoctorChecks(homeEnv(h.env));
    t.is(byId(checks, 'systemd.user.enabled.aipro-auth-check.timer')?.level, 'ok');
    t.is(byId(checks, 'systemd.user.envfile')?.level, 'ok');

    // A textfile configured after install lies outside the sandbox's writable paths.
    h.writeConfig({ monitor: { textfile: { path: join(h.home, 'textfile', 'aipro.prom') } } });
    checks = await systemdDoctorChecks(homeEnv(h.env));
    t.is(byId(checks, 'systemd.user.writable')?.level, 'error');
    t.regex(byId(checks, 'systemd.user.writable')?.summary ?? '', /textfile.*EROFS/);
    const again = await runCli(['systemd', 'install', '--user', '--units', 'monitor,check', '--node', nodeCopy], {
      env: homeEnv(h.env),
    });
    t.regex(again.stdout, /updated/);
    checks = await systemdDoctorChecks(homeEnv(h.env));
    t.is(byId(checks, 'systemd.user.writable'), undefined);

    rmSync(nodeCopy);
    rmSync(join(dir, 'aipro-auth-check.service'));
    rmSync(h.stateDir, { recursive: true });
    checks = await systemdDoctorChecks(homeEnv(h.env));
    t.is(byId(checks, 'systemd.user.exec.aipro-monitor.service')?.level, 'error');
    t.regex(byId(checks, 'systemd.user.exec.aipro-monitor.service')?.summary ?? '', /no longer exists.*203\/EXEC/);
    t.regex(
      byId(checks, 'systemd.user.exec.aipro-monitor.service')?.fix ?? '',
      /^aipro systemd install --user --units monitor,check$/,
    );
    t.is(byId(checks, 'systemd.user.incomplete')?.level, 'error');
    t.is(byId(checks, 'systemd.user.statedir')?.level, 'error');
  } finally {
    h.cleanup();
  }
});

const SHOW = `Id=aipro-monitor.service
LoadState=loaded
ActiveState=active
SubState=running
Result=success
ExecMainStatus=0
NRestarts=3

Id=aipro-auth-check.service
LoadState=loaded
ActiveState=inactive
Result=exit-code
ExecMainStatus=1
ExecMainExitTimestamp=Tue 2025-06-03 10:00:00 UTC

Id=aipro-auth-check.timer
LoadState=loaded
ActiveState=active
LastTriggerUSec=Tue 2025-06-03 10:00:00 UTC
NextElapseUSecRealtime=
NextElapseUSecMonotonic=1d 2h 30min

Id=aipro-gateway.service
LoadState=loaded
ActiveState=failed
Result=exit-code
ExecMainStatus=1
`;

test('systemctl show output: daemon restarts, failed last check, timer last/next, failed gateway', (t) => {
  const blocks = parseShow(SHOW);
  t.is(blocks.length, 4);
  const now = Date.parse('2025-06-03T10:10:00Z');
  const uptime = 86_400_000; // booted a day ago: next fire is 2h30m from now
  const checks = judgeRuntime('user', blocks, now, uptime);
  const level = (u: string) => byId(checks, `systemd.user.state.${u}`);
  t.is(level('aipro-monitor.service')?.level, 'warn');
  t.regex(level('aipro-monitor.service')?.summary ?? '', /restarted 3 times/);
  t.is(level('aipro-auth-check.service')?.level, 'warn');
  t.regex(level('aipro-auth-check.service')?.summary ?? '', /failed \(exit-code, exit 1: a credential is broken\)/);
  t.is(
    level('aipro-auth-check.timer')?.summary,
    'aipro-auth-check.timer: last fired Tue 2025-06-03 10:00:00 UTC, next ≈ 2025-06-03T12:40:00Z',
  );
  t.is(level('aipro-gateway.service')?.level, 'error');
  t.regex(level('aipro-gateway.service')?.fix ?? '', /journalctl --user -u aipro-gateway\.service/);
});

test('timer next fire prefers the wall-clock value; timespans parse', (t) => {
  t.is(nextFire({ NextElapseUSecRealtime: 'Wed 2025-06-04 00:00:00 UTC' }, 0, 0), 'Wed 2025-06-04 00:00:00 UTC');
  t.is(nextFire({ NextElapseUSecMonotonic: 'infinity' }, 0, 0), 'not scheduled');
  t.is(parseTimespan('1d 2h 3min 4.5s'), 93_784_500);
  t.is(parseTimespan('5min'), 300_000);
  t.is(parseTimespan('infinity'), null);
  t.is(parseTimespan('soon'), null);
});

test("a monitor unit whose aipro moved is reported, though node's heap flag sits between node and aipro", async (t) => {
  const h = tempHome();
  const entryCopy = join(h.home, 'lib', 'aipro', 'main.js');
  mkdirSync(join(h.home, 'lib', 'aipro'), { recursive: true });
  copyFileSync(join('dist', 'cli', 'main.js'), entryCopy);
  try {
    const r = await runCli(['systemd', 'install', '--user', '--units', 'monitor', '--aipro', entryCopy], {
      env: homeEnv(h.env),
    });
    t.is(r.code, 0, r.stderr);
    let checks = await systemdDoctorChecks(homeEnv(h.env));
    t.is(byId(checks, 'systemd.user.exec.aipro-monitor.service'), undefined);
    rmSync(entryCopy);
    checks = await systemdDoctorChecks(homeEnv(h.env));
    t.is(byId(checks, 'systemd.user.exec.aipro-monitor.service')?.level, 'error');
    t.regex(byId(checks, 'systemd.user.exec.aipro-monitor.service')?.summary ?? '', /main\.js, which no longer exists/);
  } finally {
    h.cleanup();
  }
});
