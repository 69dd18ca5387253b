/**
 * The rendered units against systemd itself: `systemd-analyze verify` (unknown keys, bad
 * values, missing ExecStart binaries) for both flavours, and `systemd-analyze security
 * --offline=true` exposure scores for the system services.
 *
 * Works without systemd as PID 1 (containers, CI): `verify` of system units needs nothing;
 * `--user verify` needs an XDG_RUNTIME_DIR, so the test makes a temp one. verify exits 0
 * even on "Unknown key … ignoring", so any output at all counts as a failure.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
const REQUIRED = process.env.AIPRO_REQUIRE_INTEGRATION === '1';
const maybe = ANALYZE ? test : REQUIRED ? test : test.skip;
if (!ANALYZE)
  console.log(
    `systemd-analyze not found: skipping unit ` +
      `verification${REQUIRED ? ' — but AIPRO_REQUIRE_INTEGRATION=1, so failing' : ''}`,
  );

/** Exposure limits: the monitor and the check at most 2.5 ("OK" in systemd-analyze), the gateway at most 3.5. */
const LIMITS: Record<string, number> = {
  'aipro-monitor.service': 2.5,
  'aipro-auth-check.service': 2.5,
  'aipro-gateway.service': 3.5,
};

function analyze(args: string[], env: Record<string, string> = {}) {
  if (!ANALYZE) throw new Error('systemd-analyze is required (AIPRO_REQUIRE_INTEGRATION=1) but not installed');
  const r = spawnSync(ANALYZE, args, {
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0', ...env },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

/** Render every unit of `flavour` into a temp dir, through the real CLI, with an odd node path. */
async function renderAll(flavour: 'user' | 'system') {
  const h = tempHome();
  const odd = join(h.home, 'odd dir 100%');
  mkdirSync(odd);
  symlinkSync(process.execPath, join(odd, 'node'));
  const dir = join(h.home, 'units');
  const args = [
    'systemd',
    'install',
    `--${flavour}`,
    '--units',
    'monitor,check,gateway',
    '--unit-dir',
    dir,
    '--node',
    join(odd, 'node'),
    '--credential',
    'anthropic-key:/etc/aipro/anthropic-key',
  ];
  if (flavour === 'system') args.push('--service-user', userInfo().username);
  const r = await runCli(args, { env: { ...h.env, AIPRO_STATE_DIR: h.stateDir } });
  if (r.code !== 0) throw new Error(`install failed: ${r.stdout}${r.stderr}`);
  return {
    h,
    dir,
    files: readdirSync(dir)
      .sort()
      .map((f) => join(dir, f)),
  };
}

maybe('system units pass systemd-analyze verify with no warning at all', async (t) => {
  const { h, files } = await renderAll('system');
  try {
    t.is(files.length, 4);
    const r = analyze(['verify', ...files]);
    t.log(`systemd-analyze verify ${files.length} system units: exit ${r.code}${r.out ? `\n${r.out}` : ', no output'}`);
    t.is(r.code, 0);
    t.is(r.out, '');
  } finally {
    h.cleanup();
  }
});

maybe('user units pass systemd-analyze --user verify with no warning at all', async (t) => {
  const { h, files } = await renderAll('user');
  const runtime = mkdtempSync(join(tmpdir(), 'aipro-xdg-'));
  try {
    const r = analyze(['--user', 'verify', ...files], { XDG_RUNTIME_DIR: runtime, HOME: h.home });
    t.log(`systemd-analyze --user verify: exit ${r.code}${r.out ? `\n${r.out}` : ', no output'}`);
    t.is(r.code, 0);
    t.is(r.out, '');
  } finally {
    h.cleanup();
    rmSync(runtime, { recursive: true, force: true });
  }
});

maybe('verify is a real check: an unknown key or a missing binary is reported', async (t) => {
  const { h, dir } = await renderAll('system');
  try {
    const path = join(dir, 'aipro-monitor.service');
    writeFileSync(path, readFileSync(path, 'utf8').replace('[Service]\n', '[Service]\nBogusKey=1\n'));
    t.regex(analyze(['verify', path]).out, /Unknown key .?BogusKey/);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/node'));
    const r = analyze(['verify', path]);
    t.not(r.code, 0);
    t.regex(r.out, /nonexistent\/node/);
  } finally {
    h.cleanup();
  }
});

maybe('systemd-analyze security --offline: monitor and check ≤ 2.5, gateway ≤ 3.5', async (t) => {
  const { h, dir } = await renderAll('system');
  try {
    for (const [unit, limit] of Object.entries(LIMITS)) {
      const r = analyze(['security', '--offline=true', '--no-pager', join(dir, unit)]);
      const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(r.out);
      t.truthy(m, r.out.slice(-500));
      const score = Number(m?.[1]);
      t.log(`${unit}: exposure ${score} (limit ${limit})`);
      t.true(score <= limit, `${unit} exposure ${score} > ${limit}`);
    }
  } finally {
    h.cleanup();
  }
});
