/** Rendering is pure: templates + host facts → unit text. No systemd needed here. */
import test from 'ava';
import fc from 'fast-check';
import { execWord, renderUnit, type RenderInput } from '../../src/systemd/render.js';
import { parseUnit, settingValues, splitExecStart, expandSpecifiers } from '../../src/systemd/parse.js';
import { readTemplates } from '../../src/systemd/templates.js';
import { ALL_UNIT_FILES, parseUnitSets } from '../../src/systemd/units.js';

const templates = readTemplates();

function input(over: Partial<RenderInput> = {}): RenderInput {
  return {
    flavour: 'system',
    node: '/usr/bin/node',
    aipro: '/opt/aipro/dist/cli/main.js',
    stateDir: '/var/lib/aipro/.aipro',
    home: '/var/lib/aipro',
    user: 'aipro',
    credentials: [],
    version: '9.9.9',
    ...over,
  };
}

function render(name: string, over: Partial<RenderInput> = {}): string {
  const r = renderUnit(name, templates, input(over));
  if (!r.ok) throw new Error(r.detail);
  return r.text;
}

for (const flavour of ['user', 'system'] as const) {
  for (const name of ALL_UNIT_FILES) {
    test(`${flavour} ${name}: no placeholder, template comment or flavour marker survives`, (t) => {
      const text = render(name, { flavour, home: '/home/al', stateDir: '/home/al/.aipro', user: 'al' });
      t.notRegex(text, /\{\{|^##|^@(user|system) /m);
      t.true(text.includes('# Managed by aipro:'));
      t.true(text.endsWith('\n') && !text.endsWith('\n\n'));
      t.notRegex(text, /MemoryDenyWriteExecute/);
    });
  }
}

test('system services: User=, absolute env file, the state dir is the only writable path, full sandbox', (t) => {
  const u = parseUnit(render('aipro-monitor.service'));
  const s = (k: string) => settingValues(u, 'Service', k);
  t.deepEqual(s('User'), ['aipro']);
  t.deepEqual(s('ExecStart'), [
    '/usr/bin/node --max-semi-space-size=2 --expose-gc /opt/aipro/dist/cli/main.js monitor',
  ]);
  t.deepEqual(s('EnvironmentFile'), ['-/var/lib/aipro/.aipro/.env']);
  t.deepEqual(s('ReadWritePaths'), ['/var/lib/aipro/.aipro']);
  t.deepEqual(s('ProtectHome'), ['yes'], 'nothing under /home: hide it entirely');
  t.deepEqual(s('Environment'), ['MALLOC_ARENA_MAX=2', 'AIPRO_STATE_DIR=/var/lib/aipro/.aipro']);
  for (const k of [
    'NoNewPrivileges',
    'PrivateTmp',
    'PrivateDevices',
    'ProtectKernelTunables',
    'ProtectKernelModules',
    'ProtectKernelLogs',
    'ProtectControlGroups',
    'ProtectClock',
    'ProtectHostname',
    'LockPersonality',
    'RestrictNamespaces',
    'RestrictRealtime',
    'RestrictSUIDSGID',
    'PrivateUsers',
  ]) {
    t.deepEqual(s(k), ['yes'], k);
  }
  t.deepEqual(s('ProtectSystem'), ['strict']);
  t.deepEqual(s('ProtectProc'), ['invisible']);
  t.deepEqual(s('UMask'), ['0077']);
  t.deepEqual(s('SystemCallFilter'), ['@system-service']);
  t.deepEqual(s('RestrictAddressFamilies'), ['AF_UNIX AF_INET AF_INET6']);
  t.deepEqual(s('Restart'), ['always']);
  t.deepEqual(settingValues(u, 'Install', 'WantedBy'), ['multi-user.target']);
  t.true(render('aipro-monitor.service').includes('\nCapabilityBoundingSet=\n'));
});

test('state dir under /home in a system unit: ProtectHome=read-only (yes would hide it)', (t) => {
  const u = parseUnit(
    render('aipro-auth-check.service', { stateDir: '/home/al/.aipro', home: '/home/al', user: 'al' }),
  );
  t.deepEqual(settingValues(u, 'Service', 'ProtectHome'), ['read-only']);
  t.deepEqual(settingValues(u, 'Service', 'ReadWritePaths'), ['/home/al/.aipro']);
  const nvm = parseUnit(render('aipro-monitor.service', { node: '/root/.nvm/versions/node/v20/bin/node' }));
  t.deepEqual(settingValues(nvm, 'Service', 'ProtectHome'), ['read-only'], 'node under /root must stay visible');
});

test('user units: %h paths, no User=, default.target, no system-only settings', (t) => {
  const text = render('aipro-monitor.service', {
    flavour: 'user',
    home: '/home/al',
    stateDir: '/home/al/.aipro',
    user: 'al',
  });
  const u = parseUnit(text);
  t.deepEqual(settingValues(u, 'Service', 'User'), []);
  t.deepEqual(settingValues(u, 'Service', 'EnvironmentFile'), ['-%h/.aipro/.env']);
  t.deepEqual(settingValues(u, 'Service', 'ReadWritePaths'), ['%h/.aipro']);
  t.deepEqual(settingValues(u, 'Install', 'WantedBy'), ['default.target']);
  t.notRegex(text, /ProtectProc|PrivateUsers|network-online/);
  t.regex(text, /systemctl --user edit aipro-monitor\.service/);
});

test('oneshot check + timer carry the hardening and scheduling settings', (t) => {
  const svc = parseUnit(render('aipro-auth-check.service'));
  t.deepEqual(settingValues(svc, 'Service', 'Type'), ['oneshot']);
  t.deepEqual(settingValues(svc, 'Service', 'ExecStart'), ['/usr/bin/node /opt/aipro/dist/cli/main.js monitor --once']);
  t.is(settingValues(svc, 'Service', 'TimeoutStartSec').length, 1);
  t.deepEqual(settingValues(svc, 'Service', 'Restart'), [], 'a oneshot is retried by its timer, not by Restart=');
  t.is(svc.Install, undefined, 'started by the timer only');
  const timer = parseUnit(render('aipro-auth-check.timer'));
  const tv = (k: string) => settingValues(timer, 'Timer', k);
  t.deepEqual(tv('OnBootSec'), ['5min']);
  t.deepEqual(tv('OnUnitActiveSec'), ['30min']);
  t.deepEqual(tv('Persistent'), ['true']);
  t.deepEqual(tv('AccuracySec'), ['1s']);
  t.is(tv('RandomizedDelaySec').length, 1);
  t.deepEqual(settingValues(timer, 'Install', 'WantedBy'), ['timers.target']);
});

test('credentials become LoadCredential= lines on every service; bad ids are refused as data', (t) => {
  const creds = [{ id: 'anthropic-key', path: '/etc/aipro/anthropic-key' }, { id: 'smtp-pass' }];
  for (const name of ['aipro-monitor.service', 'aipro-gateway.service', 'aipro-auth-check.service']) {
    t.deepEqual(settingValues(parseUnit(render(name, { credentials: creds })), 'Service', 'LoadCredential'), [
      'anthropic-key:/etc/aipro/anthropic-key',
      'smtp-pass',
    ]);
  }
  const bad = renderUnit('aipro-monitor.service', templates, input({ credentials: [{ id: '../x' }] }));
  t.false(bad.ok);
  t.is(!bad.ok && bad.reason, 'bad_credential');
});

test('paths systemd cannot hold are refused with the reason, not rendered wrong', (t) => {
  const r = renderUnit('aipro-monitor.service', templates, input({ stateDir: '/srv/my state' }));
  t.false(r.ok);
  t.regex(!r.ok ? r.detail : '', /whitespace.*AIPRO_STATE_DIR/);
  t.false(renderUnit('aipro-monitor.service', templates, input({ node: 'node' })).ok);
});

test('odd node/aipro paths are quoted and escaped so systemd splits them back exactly', (t) => {
  const text = render('aipro-monitor.service', { node: '/opt/my node/100%/bin/node', aipro: '/opt/a"b$c\\d/main.js' });
  const exec = settingValues(parseUnit(text), 'Service', 'ExecStart')[0] as string;
  const argv = splitExecStart(expandSpecifiers(exec, { home: '/h', user: 'u', unit: 'x' }), {}).argv;
  t.deepEqual(argv, [
    '/opt/my node/100%/bin/node',
    '--max-semi-space-size=2',
    '--expose-gc',
    '/opt/a"b$c\\d/main.js',
    'monitor',
  ]);
});

test('execWord round-trips through systemd word splitting (property)', (t) => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1 }).filter((s) => !/[\n\r\0]/.test(s)),
      (s) => {
        // As an argument: the first word is an absolute path, where `-@:+!` prefixes cannot occur.
        const line = `/usr/bin/node ${execWord(s)}`;
        const back = splitExecStart(expandSpecifiers(line, { home: '/h', user: 'u', unit: 'x' }), {}).argv;
        return back.length === 2 && back[1] === s;
      },
    ),
    { seed: 2104 },
  );
  t.pass();
});

test('--units parsing: known names in a fixed order, unknown names refused', (t) => {
  t.deepEqual(parseUnitSets('check,monitor'), { ok: true, sets: ['monitor', 'check'] });
  t.deepEqual(parseUnitSets(undefined), { ok: true, sets: ['monitor'] });
  t.false(parseUnitSets('monitor,bogus').ok);
  t.false(parseUnitSets('').ok);
});

test('a textfile or alert state outside the state dir becomes an optional writable path', (t) => {
  const u = parseUnit(
    render('aipro-auth-check.service', {
      extraWritable: ['/var/lib/prometheus/node-exporter', '/var/lib/aipro/.aipro/monitor'],
    }),
  );
  t.deepEqual(
    settingValues(u, 'Service', 'ReadWritePaths'),
    ['/var/lib/aipro/.aipro -/var/lib/prometheus/node-exporter'],
    'paths inside the state dir add nothing',
  );
});
