/** `aipro systemd install|print|uninstall` through the built CLI, on temp dirs only. */
import test from 'ava';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';

const ALL = ['aipro-auth-check.service', 'aipro-auth-check.timer', 'aipro-gateway.service', 'aipro-monitor.service'];

/** The temp home's env, without an inherited XDG_CONFIG_HOME (it would point at the real unit dir). */
function cli(h: TempHome, args: string[]) {
  const { XDG_CONFIG_HOME: _real, ...env } = h.env;
  return runCli(['systemd', ...args], { env: { ...env, AIPRO_STATE_DIR: h.stateDir } });
}

test('install --dry-run writes nothing and lists exactly the files it would write', async (t) => {
  const h = tempHome();
  try {
    const dir = join(h.home, 'units');
    const r = await cli(h, ['install', '--user', '--units', 'monitor,check', '--unit-dir', dir, '--dry-run', '--json']);
    t.is(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    t.deepEqual(
      report.files.map((f: { path: string; action: string }) => [f.path, f.action]),
      [
        [join(dir, 'aipro-monitor.service'), 'create'],
        [join(dir, 'aipro-auth-check.service'), 'create'],
        [join(dir, 'aipro-auth-check.timer'), 'create'],
      ],
    );
    t.deepEqual(report.enable, ['aipro-monitor.service', 'aipro-auth-check.timer']);
    t.is(report.systemctl, 'dry_run');
    t.false(existsSync(dir));
    const text = await cli(h, ['install', '--user', '--unit-dir', dir, '--dry-run']);
    t.regex(text.stdout, /would create\s+\S+aipro-monitor\.service/);
    t.regex(text.stdout, /Dry run: nothing was written/);
  } finally {
    h.cleanup();
  }
});

test('install --unit-dir writes exactly our files; a second run changes nothing and says so', async (t) => {
  const h = tempHome();
  try {
    const dir = join(h.home, 'units');
    const first = await cli(h, [
      'install',
      '--system',
      '--service-user',
      'root',
      '--units',
      'gateway,monitor,check',
      '--unit-dir',
      dir,
    ]);
    t.is(first.code, 0, first.stderr);
    t.deepEqual(readdirSync(dir).sort(), ALL);
    for (const f of ALL) {
      t.is(statSync(join(dir, f)).mode & 0o777, 0o644, f);
      t.true(readFileSync(join(dir, f), 'utf8').includes('# Managed by aipro:'));
    }
    t.regex(first.stdout, /systemctl was not called/);
    t.regex(
      first.stdout,
      /systemctl enable --now aipro-monitor\.service aipro-auth-check\.timer aipro-gateway\.service/,
    );
    const before = ALL.map((f) => statSync(join(dir, f)).mtimeMs);
    const second = await cli(h, [
      'install',
      '--system',
      '--service-user',
      'root',
      '--units',
      'gateway,monitor,check',
      '--unit-dir',
      dir,
      '--json',
    ]);
    t.is(second.code, 0);
    const report = JSON.parse(second.stdout);
    t.true(report.files.every((f: { action: string }) => f.action === 'unchanged'));
    t.false(report.changed);
    t.deepEqual(
      ALL.map((f) => statSync(join(dir, f)).mtimeMs),
      before,
      'no file rewritten',
    );
    const third = await cli(h, [
      'install',
      '--system',
      '--service-user',
      'root',
      '--units',
      'gateway,monitor,check',
      '--unit-dir',
      dir,
    ]);
    t.regex(third.stdout, /Nothing changed/);
  } finally {
    h.cleanup();
  }
});

test('a same-named file not written by aipro is never overwritten (unless --force)', async (t) => {
  const h = tempHome();
  try {
    const dir = join(h.home, 'units');
    mkdirSync(dir);
    const mine = '[Service]\nExecStart=/bin/true\n';
    writeFileSync(join(dir, 'aipro-monitor.service'), mine);
    const r = await cli(h, ['install', '--user', '--unit-dir', dir]);
    t.is(r.code, 1);
    t.regex(r.stderr, /was not written by aipro; nothing was changed.*--force/);
    t.is(readFileSync(join(dir, 'aipro-monitor.service'), 'utf8'), mine);
    const forced = await cli(h, ['install', '--user', '--unit-dir', dir, '--force']);
    t.is(forced.code, 0, forced.stderr);
    t.true(readFileSync(join(dir, 'aipro-monitor.service'), 'utf8').includes('# Managed by aipro:'));
  } finally {
    h.cleanup();
  }
});

test(
  'install into the default user unit dir where systemd is not running: files written, commands ' + 'printed',
  async (t) => {
    const h = tempHome();
    try {
      const r = await cli(h, ['install', '--user', '--units', 'check']);
      t.is(r.code, 0, r.stderr);
      const dir = join(h.home, '.config', 'systemd', 'user');
      t.deepEqual(readdirSync(dir).sort(), ['aipro-auth-check.service', 'aipro-auth-check.timer']);
      if (!existsSync('/run/systemd/system')) {
        t.regex(r.stdout, /systemd is not running on this host/);
        t.regex(r.stdout, /systemctl --user daemon-reload\n\s+systemctl --user enable --now aipro-auth-check\.timer/);
      }
    } finally {
      h.cleanup();
    }
  },
);

test('uninstall removes only our files and their enable links', async (t) => {
  const h = tempHome();
  try {
    const dir = join(h.home, 'units');
    await cli(h, ['install', '--user', '--units', 'monitor,check', '--unit-dir', dir]);
    // A foreign file with one of our names, an unrelated unit, and enable links.
    writeFileSync(join(dir, 'aipro-gateway.service'), '[Service]\nExecStart=/bin/true\n');
    writeFileSync(join(dir, 'other.service'), '[Service]\nExecStart=/bin/true\n');
    mkdirSync(join(dir, 'timers.target.wants'));
    symlinkSync(join(dir, 'aipro-auth-check.timer'), join(dir, 'timers.target.wants', 'aipro-auth-check.timer'));
    mkdirSync(join(dir, 'default.target.wants'));
    symlinkSync(join(dir, 'other.service'), join(dir, 'default.target.wants', 'other.service'));
    const dry = await cli(h, ['uninstall', '--user', '--unit-dir', dir, '--dry-run']);
    t.is(dry.code, 0);
    t.true(existsSync(join(dir, 'aipro-monitor.service')));
    const r = await cli(h, ['uninstall', '--user', '--unit-dir', dir, '--json']);
    t.is(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    t.deepEqual(report.skipped, [join(dir, 'aipro-gateway.service')]);
    t.deepEqual(readdirSync(dir).sort(), [
      'aipro-gateway.service',
      'default.target.wants',
      'other.service',
      'timers.target.wants',
    ]);
    t.deepEqual(readdirSync(join(dir, 'timers.target.wants')), []);
    t.true(lstatSync(join(dir, 'default.target.wants', 'other.service')).isSymbolicLink());
    const again = await cli(h, ['uninstall', '--user', '--unit-dir', dir]);
    t.regex(again.stdout, /No aipro units to remove/);
  } finally {
    h.cleanup();
  }
});

test('print shows rendered units without writing; --json lists them', async (t) => {
  const h = tempHome();
  try {
    const r = await cli(h, ['print', '--user', '--units', 'check']);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /# ==> \S+aipro-auth-check\.service <==\n/);
    t.regex(
      r.stdout,
      new RegExp(`ExecStart=${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\S+main\\.js monitor --once`),
    );
    t.false(existsSync(join(h.home, '.config')));
    const j = JSON.parse((await cli(h, ['print', '--system', '--service-user', 'root', '--json'])).stdout);
    t.deepEqual(
      j.units.map((u: { name: string }) => u.name),
      ['aipro-monitor.service'],
    );
    t.regex(j.units[0].text, /^User=root$/m);
  } finally {
    h.cleanup();
  }
});

test('usage errors exit 64', async (t) => {
  const h = tempHome();
  try {
    t.is((await cli(h, ['install', '--user', '--system', '--dry-run'])).code, 64);
    const bad = await cli(h, ['install', '--units', 'monitor,bogus', '--dry-run']);
    t.is(bad.code, 64);
    t.regex(bad.stderr, /unknown: bogus/);
    t.is((await cli(h, ['install', '--user', '--service-user', 'someoneelse', '--dry-run'])).code, 64);
    t.is((await cli(h, ['install', '--credential', '../x', '--dry-run'])).code, 64);
    t.is((await cli(h, ['install', '--credential', 'k:relative/path', '--dry-run'])).code, 64);
  } finally {
    h.cleanup();
  }
});
