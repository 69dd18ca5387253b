/**
 * install/uninstall where systemd runs. This container has no systemd as PID 1, so the
 * host edge (is systemd running, is linger on, run a command) is passed in and records the
 * systemctl commands; the files are real, in a temp HOME.
 */
import test from 'ava';
import { mkdirSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { install, type HostDeps } from '../../src/systemd/install.js';
import { renderInputFor, renderSets } from '../../src/systemd/input.js';
import { uninstall } from '../../src/systemd/uninstall.js';
import type { UnitSetName } from '../../src/systemd/units.js';
import { tempHome } from '../helpers/tmp.js';

function host(opts: { linger?: boolean; fail?: string } = {}) {
  const ran: string[] = [];
  const deps: HostDeps = {
    systemdRunning: () => true,
    lingerEnabled: () => opts.linger ?? true,
    run: (argv) => {
      ran.push(argv.join(' '));
      return opts.fail && argv.includes(opts.fail)
        ? { ok: false, code: 1, output: 'Failed to connect to bus: No medium found' }
        : { ok: true, code: 0, output: '' };
    },
  };
  return { deps, ran };
}

function setup() {
  const h = tempHome();
  const { XDG_CONFIG_HOME: _real, ...env } = h.env;
  const units = (sets: UnitSetName[], extra: { credentials?: { id: string; path?: string }[] } = {}) => {
    const input = renderInputFor({ flavour: 'user', ...extra }, env);
    if (!input.ok) throw new Error(input.detail);
    const r = renderSets(input.input, sets);
    if (!r.ok) throw new Error(r.detail);
    return { flavour: 'user' as const, sets, units: r.units, user: input.input.user };
  };
  return { h, env, units, dir: join(h.home, '.config', 'systemd', 'user') };
}

test('first install reloads and enables; a second one with the units enabled runs nothing', async (t) => {
  const { h, env, units, dir } = setup();
  try {
    const a = host();
    const first = await install(units(['monitor', 'check']), env, a.deps);
    t.is(first.systemctl, 'ran');
    t.deepEqual(a.ran, [
      'systemctl --user daemon-reload',
      'systemctl --user enable --now aipro-monitor.service aipro-auth-check.timer',
    ]);
    // What `systemctl enable` leaves behind.
    mkdirSync(join(dir, 'default.target.wants'));
    symlinkSync(join(dir, 'aipro-monitor.service'), join(dir, 'default.target.wants', 'aipro-monitor.service'));
    mkdirSync(join(dir, 'timers.target.wants'));
    symlinkSync(join(dir, 'aipro-auth-check.timer'), join(dir, 'timers.target.wants', 'aipro-auth-check.timer'));
    const b = host();
    const second = await install(units(['monitor', 'check']), env, b.deps);
    t.is(second.systemctl, 'up_to_date');
    t.false(second.changed);
    t.deepEqual(b.ran, []);
    // A changed unit (here: a new credential) is rewritten and its running service restarted.
    const c = host();
    const third = await install(units(['monitor'], { credentials: [{ id: 'k', path: '/etc/k' }] }), env, c.deps);
    t.deepEqual(
      third.files.map((f) => f.action),
      ['update'],
    );
    t.deepEqual(c.ran, [
      'systemctl --user daemon-reload',
      'systemctl --user enable --now aipro-monitor.service',
      'systemctl --user try-restart aipro-monitor.service',
    ]);
  } finally {
    h.cleanup();
  }
});

test(
  'user units with linger off get the enable-linger hint; a failing systemctl is reported, not ' + 'thrown',
  async (t) => {
    const { h, env, units } = setup();
    try {
      const a = host({ linger: false, fail: 'daemon-reload' });
      const r = await install(units(['check']), env, a.deps);
      t.true(r.warnings.some((w) => /linger is off for \S+: .*sudo loginctl enable-linger \S+/.test(w)));
      t.deepEqual(
        r.ran.map((x) => [x.command, x.ok]),
        [['systemctl --user daemon-reload', false]],
        'stops at the first failure',
      );
      t.regex(r.ran[0]?.output ?? '', /No medium found/);
    } finally {
      h.cleanup();
    }
  },
);

test('uninstall where systemd runs: disable --now first, remove our files, daemon-reload', async (t) => {
  const { h, env, units, dir } = setup();
  try {
    await install(units(['monitor', 'check']), env, host().deps);
    const a = host();
    const r = await uninstall({ flavour: 'user', sets: ['monitor', 'check', 'gateway'] }, env, a.deps);
    t.deepEqual(a.ran, [
      'systemctl --user disable --now aipro-monitor.service aipro-auth-check.timer',
      'systemctl --user stop aipro-auth-check.service',
      'systemctl --user daemon-reload',
    ]);
    t.is(r.removed.length, 3);
    t.false(existsSync(join(dir, 'aipro-monitor.service')));
  } finally {
    h.cleanup();
  }
});
