/**
 * launchd install/uninstall in-process on temp dirs. The host is injected: as macOS with a
 * stand-in launchctl that keeps the set of loaded labels (print / bootstrap / bootout / enable),
 * and as Linux, where launchctl must never run.
 */
import test from 'ava';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult } from '../../src/util/command.js';
import { install, type HostDeps } from '../../src/launchd/install.js';
import { renderInputFor, renderJobs } from '../../src/launchd/input.js';
import type { JobName } from '../../src/launchd/jobs.js';
import { uninstall } from '../../src/launchd/uninstall.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';

function fakeMac(loaded = new Set<string>()): HostDeps & { calls: string[][]; loaded: Set<string> } {
  const calls: string[][] = [];
  const run = (argv: string[]): CommandResult => {
    calls.push(argv);
    const [, verb, a, b] = argv;
    const label = (s: string | undefined) =>
      String(s)
        .split('/')
        .at(-1)
        ?.replace(/\.plist$/, '') ?? '';
    if (verb === 'print')
      return loaded.has(label(a))
        ? { ok: true, code: 0, output: '' }
        : { ok: false, code: 113, output: 'Could not find service' };
    if (verb === 'bootstrap')
      return loaded.has(label(b))
        ? { ok: false, code: 5, output: 'Bootstrap failed: 5: Input/output error' }
        : (loaded.add(label(b)), { ok: true, code: 0, output: '' });
    if (verb === 'bootout')
      return loaded.delete(label(a))
        ? { ok: true, code: 0, output: '' }
        : { ok: false, code: 3, output: 'No such process' };
    return { ok: true, code: 0, output: '' };
  };
  return { platform: 'darwin', uid: 501, run, calls, loaded };
}

function linux(): HostDeps & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    platform: 'linux',
    uid: 1000,
    calls,
    run: (argv) => (calls.push(argv), { ok: false, code: null, output: 'launchctl: ENOENT' }),
  };
}

function plists(h: TempHome, jobs: JobName[], node = process.execPath) {
  const env = { ...h.env, AIPRO_STATE_DIR: h.stateDir };
  const input = renderInputFor({ flavour: 'user', node, aipro: '/opt/aipro/dist/cli/main.js' }, env);
  if (!input.ok) throw new Error(input.detail);
  const r = renderJobs(input.input, jobs);
  if (!r.ok) throw new Error(r.detail);
  return { env, plists: r.plists, stateDir: input.input.stateDir };
}

test(
  'macOS: install writes the agents, creates the log dir and bootstraps into gui/<uid>; a second install changes ' +
    'nothing',
  async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const host = fakeMac();
    const p = plists(h, ['monitor', 'check']);
    const r1 = await install({ flavour: 'user', plists: p.plists, stateDir: p.stateDir }, p.env, host);
    const agents = join(h.home, 'Library', 'LaunchAgents');
    t.deepEqual(
      r1.files.map((f) => [f.path, f.action]),
      [
        [join(agents, 'dev.aipro.monitor.plist'), 'create'],
        [join(agents, 'dev.aipro.auth-check.plist'), 'create'],
      ],
    );
    t.is(r1.launchctl, 'ran');
    t.deepEqual(
      host.calls.filter((c) => c[1] !== 'print').map((c) => c.join(' ')),
      [
        'launchctl enable gui/501/dev.aipro.monitor',
        `launchctl bootstrap gui/501 ${join(agents, 'dev.aipro.monitor.plist')}`,
        'launchctl enable gui/501/dev.aipro.auth-check',
        `launchctl bootstrap gui/501 ${join(agents, 'dev.aipro.auth-check.plist')}`,
      ],
    );
    t.deepEqual([...host.loaded].sort(), ['dev.aipro.auth-check', 'dev.aipro.monitor']);
    t.is(statSync(join(agents, 'dev.aipro.monitor.plist')).mode & 0o777, 0o644);
    t.is(statSync(join(h.stateDir, 'logs')).mode & 0o777, 0o700);
    const before = statSync(join(agents, 'dev.aipro.monitor.plist'));
    host.calls.length = 0;
    const r2 = await install({ flavour: 'user', plists: p.plists, stateDir: p.stateDir }, p.env, host);
    t.true(r2.files.every((f) => f.action === 'unchanged'));
    t.is(r2.launchctl, 'up_to_date');
    t.false(r2.changed);
    t.true(
      host.calls.every((c) => c[1] === 'print'),
      'only read-only launchctl calls',
    );
    const after = statSync(join(agents, 'dev.aipro.monitor.plist'));
    t.is(after.ino, before.ino, 'an unchanged file is not rewritten');
    t.is(after.mtimeMs, before.mtimeMs);
  },
);

test(
  'macOS: a changed plist is booted out and bootstrapped again; an unchanged but unloaded one is ' + 'loaded',
  async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const host = fakeMac();
    const p = plists(h, ['monitor', 'gateway']);
    await install({ flavour: 'user', plists: p.plists, stateDir: p.stateDir }, p.env, host);
    host.loaded.delete('dev.aipro.gateway');
    host.calls.length = 0;
    const moved = plists(h, ['monitor', 'gateway'], '/usr/local/bin/node-moved');
    const r = await install({ flavour: 'user', plists: moved.plists, stateDir: p.stateDir }, p.env, host);
    t.deepEqual(
      r.files.map((f) => f.action),
      ['update', 'update'],
    );
    t.deepEqual(r.commands, [
      'launchctl bootout gui/501/dev.aipro.monitor',
      'launchctl enable gui/501/dev.aipro.monitor',
      `launchctl bootstrap gui/501 ${r.files[0]?.path}`,
      'launchctl bootout gui/501/dev.aipro.gateway',
      'launchctl enable gui/501/dev.aipro.gateway',
      `launchctl bootstrap gui/501 ${r.files[1]?.path}`,
    ]);
    t.true(
      r.ran.every((x) => x.ok),
      'a bootout of a job that was not loaded is fine',
    );
    t.regex(readFileSync(r.files[0]?.path as string, 'utf8'), /node-moved/);
    host.loaded.delete('dev.aipro.monitor');
    const again = await install({ flavour: 'user', plists: moved.plists, stateDir: p.stateDir }, p.env, host);
    t.deepEqual(again.commands, [
      'launchctl enable gui/501/dev.aipro.monitor',
      `launchctl bootstrap gui/501 ${r.files[0]?.path}`,
    ]);
  },
);

test('--dry-run writes nothing and runs nothing but read-only launchctl print', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const host = fakeMac();
  const p = plists(h, ['monitor', 'check', 'gateway']);
  const r = await install({ flavour: 'user', plists: p.plists, stateDir: p.stateDir, dryRun: true }, p.env, host);
  t.is(r.launchctl, 'dry_run');
  t.deepEqual(
    r.files.map((f) => f.action),
    ['create', 'create', 'create'],
  );
  t.is(r.commands.length, 6);
  t.false(existsSync(join(h.home, 'Library')));
  t.false(existsSync(join(h.stateDir, 'logs')));
  t.true(host.calls.every((c) => c[1] === 'print'));
  t.is(host.loaded.size, 0);
});

test('--dir and non-macOS hosts never call launchctl; --dir leaves the state dir alone', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const p = plists(h, ['check']);
  const mac = fakeMac();
  const dir = join(h.home, 'out');
  const r = await install({ flavour: 'user', plists: p.plists, stateDir: p.stateDir, dir }, p.env, mac);
  t.is(r.launchctl, 'dir');
  t.deepEqual(mac.calls, []);
  t.true(existsSync(join(dir, 'dev.aipro.auth-check.plist')));
  t.false(existsSync(join(h.stateDir, 'logs')));
  const lin = linux();
  const r2 = await install({ flavour: 'user', plists: p.plists, stateDir: p.stateDir }, p.env, lin);
  t.is(r2.launchctl, 'not_macos');
  t.deepEqual(lin.calls, []);
  t.true(existsSync(join(h.home, 'Library', 'LaunchAgents', 'dev.aipro.auth-check.plist')));
  t.deepEqual(r2.commands.slice(-1), [
    `launchctl bootstrap gui/1000 ${join(h.home, 'Library', 'LaunchAgents', 'dev.aipro.auth-check.plist')}`,
  ]);
  const un = uninstall({ flavour: 'user', jobs: ['check'] }, p.env, lin);
  t.is(un.launchctl, 'not_macos');
  t.deepEqual(lin.calls, []);
});

test('a same-named plist that is not ours is a conflict (nothing written) and is never uninstalled', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const host = fakeMac();
  const p = plists(h, ['monitor', 'check']);
  const agents = join(h.home, 'Library', 'LaunchAgents');
  mkdirSync(agents, { recursive: true });
  const foreign =
    '<?xml version="1.0"?><plist ' +
    'version="1.0"><dict><key>Label</key><string>dev.aipro.monitor</string></dict></plist>\n';
  writeFileSync(join(agents, 'dev.aipro.monitor.plist'), foreign);
  const r = await install({ flavour: 'user', plists: p.plists, stateDir: p.stateDir }, p.env, host);
  t.is(r.launchctl, 'conflict');
  t.false(existsSync(join(agents, 'dev.aipro.auth-check.plist')), 'nothing written when one file is in the way');
  t.deepEqual(
    host.calls.filter((c) => c[1] !== 'print'),
    [],
  );
  const forced = await install({ flavour: 'user', plists: p.plists.slice(1), stateDir: p.stateDir }, p.env, host);
  t.is(forced.launchctl, 'ran');
  host.calls.length = 0;
  const un = uninstall({ flavour: 'user', jobs: ['monitor', 'check', 'gateway'] }, p.env, host);
  t.deepEqual(un.removed, [join(agents, 'dev.aipro.auth-check.plist')]);
  t.deepEqual(un.skipped, [join(agents, 'dev.aipro.monitor.plist')]);
  t.deepEqual(
    host.calls.filter((c) => c[1] !== 'print').map((c) => c.join(' ')),
    ['launchctl bootout gui/501/dev.aipro.auth-check'],
  );
  t.is(readFileSync(join(agents, 'dev.aipro.monitor.plist'), 'utf8'), foreign);
  t.false(existsSync(join(agents, 'dev.aipro.auth-check.plist')));
  t.is(host.loaded.size, 0);
});

test('uninstall --dry-run removes nothing; uninstall of nothing says so', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const host = fakeMac();
  const p = plists(h, ['gateway']);
  await install({ flavour: 'user', plists: p.plists, stateDir: p.stateDir }, p.env, host);
  const dry = uninstall({ flavour: 'user', jobs: ['gateway'], dryRun: true }, p.env, host);
  t.is(dry.removed.length, 1);
  t.deepEqual(dry.commands, ['launchctl bootout gui/501/dev.aipro.gateway']);
  t.true(existsSync(dry.removed[0] as string));
  t.true(host.loaded.has('dev.aipro.gateway'));
  const real = uninstall({ flavour: 'user', jobs: ['gateway'] }, p.env, host);
  t.is(real.launchctl, 'ran');
  t.false(existsSync(real.removed[0] as string));
  t.true(existsSync(join(h.stateDir, 'logs')), 'logs stay');
  t.is(uninstall({ flavour: 'user', jobs: ['gateway'] }, p.env, host).launchctl, 'up_to_date');
});
