/**
 * The oneshot check unit, run the way systemd runs it: argv from the rendered ExecStart=
 * (specifiers and quoting resolved), environment = manager basics + Environment= +
 * EnvironmentFile= + CREDENTIALS_DIRECTORY holding copies of the LoadCredential= files,
 * cwd = the home dir (user manager default). Its exit code must equal
 * `aipro models status --check` on the same state.
 */
import test from 'ava';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { runProcess } from '../helpers/child.js';
import { runCli } from '../helpers/cli.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-providers.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';
import {
  environmentFileRef,
  expandSpecifiers,
  parseEnvironmentFile,
  parseEnvironmentSetting,
  parseUnit,
  settingValues,
  splitExecStart,
} from '../../src/systemd/parse.js';
import { parseTimespan } from '../../src/doctor/systemd-runtime.js';

const REQUIRED = process.env.AIPRO_REQUIRE_INTEGRATION === '1';
const KEY = `sk-ant-api03-${'k'.repeat(40)}CANARYkey9`;
const TEAM = `sk-ant-api03-${'t'.repeat(40)}CANARYteam`;
const TOKEN = `sk-ant-oat01-${'o'.repeat(80)}CANARYtok1`;

/** Render the check unit for `h` and run its ExecStart as systemd would; also run --check. */
async function runUnitAndCheck(h: TempHome, sources: Record<string, string>) {
  const credArgs = Object.entries(sources).flatMap(([id, path]) => ['--credential', `${id}:${path}`]);
  const printed = await runCli(['systemd', 'print', '--user', '--units', 'check', '--json', ...credArgs], {
    env: h.env,
  });
  if (printed.code !== 0) throw new Error(printed.stderr);
  const text =
    (JSON.parse(printed.stdout) as { units: { name: string; text: string }[] }).units.find(
      (u) => u.name === 'aipro-auth-check.service',
    )?.text ?? '';
  const unit = parseUnit(text);
  const me = userInfo().username;
  const ctx = { home: h.home, user: me, unit: 'aipro-auth-check.service' };
  const svc = (k: string) => settingValues(unit, 'Service', k).map((v) => expandSpecifiers(v, ctx));
  // The user manager's own environment, then the unit's (later wins, as in systemd).
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: h.home,
    USER: me,
    LOGNAME: me,
    LANG: 'C.UTF-8',
  };
  Object.assign(env, parseEnvironmentSetting(svc('Environment')));
  for (const ref of svc('EnvironmentFile').map(environmentFileRef)) {
    try {
      Object.assign(env, parseEnvironmentFile(readFileSync(ref.path, 'utf8')));
    } catch (err) {
      if (!ref.optional) throw err;
    }
  }
  // LoadCredential=ID:PATH → a copy named ID in a private dir, exported as CREDENTIALS_DIRECTORY.
  const creds = join(h.home, 'run-credentials', 'aipro-auth-check.service');
  mkdirSync(creds, { recursive: true, mode: 0o700 });
  for (const line of svc('LoadCredential')) {
    const [id, path] = line.split(':') as [string, string];
    try {
      copyFileSync(path, join(creds, id));
    } catch {
      // systemd would refuse to start the unit; here a missing source is a scenario.
    }
  }
  env.CREDENTIALS_DIRECTORY = creds;
  const exec = svc('ExecStart');
  const { argv } = splitExecStart(exec[0] as string, env);
  const timeout = parseTimespan(svc('TimeoutStartSec')[0] ?? '90s') ?? 90_000;
  const unitRun = await runProcess(argv[0] as string, argv.slice(1), { env, cwd: h.home, timeoutMs: timeout });
  const check = await runCli(['models', 'status', '--check'], { env, cwd: h.home });
  rmSync(creds, { recursive: true, force: true });
  return { argv, env, unitRun, check, text };
}

async function setup(t: { log: (...a: unknown[]) => void }, fake: FakeProvider, h: TempHome, store: unknown) {
  h.writeConfig({ models: { providers: { anthropic: { baseUrl: fake.url } } } });
  h.writeStore(store);
  writeFileSync(join(h.stateDir, '.env'), `ANTHROPIC_TEAM_KEY=${TEAM}\n`, { mode: 0o600 });
  const src = join(h.home, 'secrets');
  mkdirSync(src, { mode: 0o700 });
  writeFileSync(join(src, 'anthropic-key'), `${KEY}\n`, { mode: 0o600 });
  writeFileSync(join(src, 'anthropic-token'), `${TOKEN}\n`, { mode: 0o600 });
  void t;
  return { 'anthropic-key': join(src, 'anthropic-key'), 'anthropic-token': join(src, 'anthropic-token') };
}

const NOW = Date.now();
const CASES: { name: string; expires: number; dropKey?: boolean; expect: number }[] = [
  {
    name: 'healthy: key from LoadCredential, team key from the EnvironmentFile, token far from expiry',
    expires: NOW + 90 * 86400e3,
    expect: 0,
  },
  { name: 'a token expiring within the warn window', expires: NOW + 2 * 3600e3, expect: 2 },
  {
    name: 'the credential file is missing from CREDENTIALS_DIRECTORY',
    expires: NOW + 90 * 86400e3,
    dropKey: true,
    expect: 1,
  },
];

for (const c of CASES) {
  test.serial(`oneshot unit runs as systemd would and exits like --check: ${c.name}`, async (t) => {
    const h = tempHome();
    const fake = await startFakeProvider('anthropic', { scenarios: { [KEY]: 'ok', [TEAM]: 'ok', [TOKEN]: 'ok' } });
    try {
      const sources = await setup(t, fake, h, {
        version: 1,
        profiles: {
          'anthropic:default': {
            type: 'api_key',
            provider: 'anthropic',
            keyRef: { source: 'file', id: 'anthropic-key' },
          },
          'anthropic:team': {
            type: 'api_key',
            provider: 'anthropic',
            keyRef: { source: 'env', id: 'ANTHROPIC_TEAM_KEY' },
          },
          'anthropic:manual': {
            type: 'token',
            provider: 'anthropic',
            tokenRef: { source: 'file', id: 'anthropic-token' },
            expires: c.expires,
          },
        },
      });
      if (c.dropKey) sources['anthropic-key'] = join(h.home, 'secrets', 'gone');
      const { argv, env, unitRun, check } = await runUnitAndCheck(h, sources);
      t.deepEqual(argv.slice(-2), ['monitor', '--once']);
      t.is(argv[0], process.execPath);
      t.is(env.AIPRO_STATE_DIR, h.stateDir, 'Environment=AIPRO_STATE_DIR=%h/.aipro resolved');
      t.is(env.ANTHROPIC_TEAM_KEY, TEAM, 'EnvironmentFile=-%h/.aipro/.env applied');
      if (/not built yet/.test(unitRun.stderr)) {
        if (REQUIRED) t.fail('aipro monitor --once is not built yet');
        else t.log('aipro monitor --once is not built yet: exit-code comparison skipped');
        return;
      }
      t.log(
        `unit exit ${unitRun.code}, models status --check exit ${check.code}; provider saw ${fake.requests.length} ` +
          `probe(s)`,
      );
      t.log(unitRun.stdout.trim().split('\n')[0]);
      t.is(unitRun.code, c.expect, `${unitRun.stdout}\n${unitRun.stderr}`);
      t.is(check.code, unitRun.code, check.stdout + check.stderr);
      for (const out of [unitRun.stdout, unitRun.stderr, check.stdout, check.stderr]) t.notRegex(out, /CANARY/);
    } finally {
      await fake.close();
      h.cleanup();
    }
  });
}
