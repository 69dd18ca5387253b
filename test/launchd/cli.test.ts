/**
 * `aipro launchd …` through the built CLI on temp dirs, and the check job run exactly as
 * launchd would run it: its ProgramArguments, only its EnvironmentVariables (plus launchd's
 * minimal PATH and HOME), cwd `/`, stdout/stderr to its log files. Its exit code must be
 * `aipro models status --check`'s for the same state.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as plist from 'plist';
import { freePort } from '../helpers/net.js';
import { runCli } from '../helpers/cli.js';
import { tempHome, type TempHome } from '../helpers/tmp.js';

const H = 3_600_000;
const D = 24 * H;

function cli(h: TempHome, args: string[]) {
  return runCli(['launchd', ...args], { env: { ...h.env, AIPRO_STATE_DIR: h.stateDir } });
}

/** Spawn `argv` with exactly `env`, cwd `/`, stdout/stderr appended to the given files; resolve the exit code. */
function runAsLaunchd(argv: string[], env: Record<string, string>, out: string, err: string): Promise<number | null> {
  const o = openSync(out, 'a');
  const e = openSync(err, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { env, cwd: '/', stdio: ['ignore', o, e] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      closeSync(o);
      closeSync(e);
      resolve(code);
    });
  });
}

const token = (expires: number) => ({
  type: 'token',
  provider: 'anthropic',
  token: `sk-ant-oat01-${'a'.repeat(80)}`,
  expires,
});
const CASES: [string, Record<string, unknown> | string, number][] = [
  ['ok', { 'anthropic:manual': token(Date.now() + 30 * D) }, 0],
  ['expiring', { 'anthropic:manual': token(Date.now() + 2 * H) }, 2],
  ['expired', { 'anthropic:manual': token(Date.now() - H) }, 1],
  ['unreadable store', '{ not json', 1],
];

for (const [name, profiles, want] of CASES) {
  test(`the check job, run as launchd runs it, exits like models status --check: ${name} → ${want}`, async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const dead = `http://127.0.0.1:${await freePort()}`;
    h.writeConfig({ models: { providers: { anthropic: { baseUrl: dead } } } });
    h.writeStore(typeof profiles === 'string' ? profiles : { version: 1, profiles });
    const printed = await cli(h, ['print', '--user', '--units', 'check', '--json']);
    t.is(printed.code, 0, printed.stderr);
    const job = JSON.parse(printed.stdout).plists[0];
    t.is(job.label, 'dev.aipro.auth-check');
    const p = plist.parse(job.text) as {
      ProgramArguments: string[];
      EnvironmentVariables: Record<string, string>;
      StandardOutPath: string;
      StandardErrorPath: string;
    };
    t.deepEqual(p.ProgramArguments.slice(2), ['monitor', '--once']);
    mkdirSync(join(h.stateDir, 'logs'), { recursive: true });
    // launchd gives an agent a minimal environment: its own PATH and HOME, plus the plist's variables.
    const env = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: h.home, ...p.EnvironmentVariables };
    const code = await runAsLaunchd(p.ProgramArguments, env, p.StandardOutPath, p.StandardErrorPath);
    const check = await runCli(['models', 'status', '--check'], { env });
    t.is(check.code, want, check.stdout + check.stderr);
    t.is(code, want, readFileSync(p.StandardOutPath, 'utf8') + readFileSync(p.StandardErrorPath, 'utf8'));
    t.regex(readFileSync(p.StandardOutPath, 'utf8'), new RegExp(`exit ${want}:`));
  });
}

test('install --user twice: the second changes nothing and says so; uninstall removes only ours', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const agents = join(h.home, 'Library', 'LaunchAgents');
  const r1 = await cli(h, ['install', '--user', '--units', 'monitor,check']);
  t.is(r1.code, 0, r1.stderr);
  t.regex(r1.stdout, /created\s+\S+dev\.aipro\.monitor\.plist/);
  t.regex(
    r1.stdout,
    process.platform === 'darwin' ? /Loaded/ : /not macOS, so nothing was loaded[\s\S]*launchctl bootstrap gui\/\d+ /,
  );
  t.true(existsSync(join(h.stateDir, 'logs')));
  const mtime = statSync(join(agents, 'dev.aipro.monitor.plist')).mtimeMs;
  const r2 = await cli(h, ['install', '--user', '--units', 'monitor,check', '--json']);
  t.is(r2.code, 0, r2.stderr);
  const report = JSON.parse(r2.stdout);
  t.deepEqual(
    report.files.map((f: { action: string }) => f.action),
    ['unchanged', 'unchanged'],
  );
  t.false(report.changed);
  t.is(statSync(join(agents, 'dev.aipro.monitor.plist')).mtimeMs, mtime);
  const r3 = await cli(h, ['install', '--user', '--units', 'monitor,check']);
  t.regex(r3.stdout, /unchanged\s+\S+dev\.aipro\.monitor\.plist/);
  const un = await cli(h, ['uninstall', '--user']);
  t.is(un.code, 0, un.stderr);
  t.regex(un.stdout, /removed\s+\S+dev\.aipro\.monitor\.plist/);
  t.false(existsSync(join(agents, 'dev.aipro.monitor.plist')));
  t.false(existsSync(join(agents, 'dev.aipro.auth-check.plist')));
  t.regex((await cli(h, ['uninstall', '--user'])).stdout, /No aipro plists to remove/);
});

test('install --dry-run writes nothing; --dir writes there and never touches the state dir', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const dry = await cli(h, ['install', '--user', '--units', 'gateway', '--dry-run']);
  t.is(dry.code, 0, dry.stderr);
  t.regex(dry.stdout, /would create\s+\S+dev\.aipro\.gateway\.plist/);
  t.regex(dry.stdout, /Dry run: nothing was written/);
  t.false(existsSync(join(h.home, 'Library')));
  t.false(existsSync(join(h.stateDir, 'logs')));
  const out = join(h.home, 'out');
  const r = await cli(h, ['install', '--user', '--dir', out, '--units', 'gateway']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Wrote the plists to --dir; launchctl was not called/);
  t.true(existsSync(join(out, 'dev.aipro.gateway.plist')));
  t.false(existsSync(join(h.stateDir, 'logs')));
  t.regex(
    (await cli(h, ['install', '--user', '--dir', out, '--units', 'gateway'])).stdout,
    /Nothing changed: the files in --dir are up to date/,
  );
});

test('usage errors exit 64 and name the fix', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const bad = await cli(h, ['install', '--units', 'monitor,cron']);
  t.is(bad.code, 64);
  t.regex(bad.stderr, /--units takes a comma-separated list of monitor, check, gateway \(unknown: cron\)/);
  t.is((await cli(h, ['print', '--user', '--system'])).code, 64);
  const rel = await cli(h, ['print', '--user', '--node', 'node']);
  t.is(rel.code, 64);
  t.regex(rel.stderr, /--node must be an absolute path/);
  const help = await runCli(['--help'], { env: h.env });
  t.regex(help.stdout, /launchd\s+install, print or remove the launchd jobs/);
});

test(
  '~/.aipro/.env reaches the launchd job: aipro reads <AIPRO_STATE_DIR>/.env itself (launchd has no ' +
    'EnvironmentFile)',
  async (t) => {
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const dead = `http://127.0.0.1:${await freePort()}`;
    h.writeConfig({ models: { providers: { anthropic: { baseUrl: dead } } } });
    const printed = await cli(h, ['print', '--user', '--units', 'check', '--json']);
    const p = plist.parse(JSON.parse(printed.stdout).plists[0].text) as {
      ProgramArguments: string[];
      EnvironmentVariables: Record<string, string>;
      StandardOutPath: string;
      StandardErrorPath: string;
    };
    mkdirSync(join(h.stateDir, 'logs'), { recursive: true });
    const env = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: h.home, ...p.EnvironmentVariables };
    t.is(
      await runAsLaunchd(p.ProgramArguments, env, p.StandardOutPath, p.StandardErrorPath),
      1,
      'no credential anywhere: missing',
    );
    writeFileSync(join(h.stateDir, '.env'), `ANTHROPIC_API_KEY=sk-ant-api03-${'k'.repeat(40)}\n`, { mode: 0o600 });
    t.is(
      await runAsLaunchd(p.ProgramArguments, env, p.StandardOutPath, p.StandardErrorPath),
      0,
      readFileSync(p.StandardOutPath, 'utf8'),
    );
    t.regex(readFileSync(p.StandardOutPath, 'utf8'), /1 credential \(1 static\)/);
  },
);
