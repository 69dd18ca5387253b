/**
 * Rendered launchd plists: each flavour × job parses as an XML property list with a real
 * parser (the `plist` package) and reads back as exactly the job we meant; `plutil -lint`
 * checks them too where it exists (macOS). Awkward paths are escaped, impossible ones refused.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as plist from 'plist';
import { JOB_NAMES, JOBS, type JobName } from '../../src/launchd/jobs.js';
import { renderJobs, stableNode } from '../../src/launchd/input.js';
import { jobDict, renderPlist, type RenderInput } from '../../src/launchd/render.js';
import { tempDir } from '../helpers/tmp.js';

const base: RenderInput = {
  flavour: 'user',
  node: '/opt/homebrew/bin/node',
  aipro: '/opt/homebrew/lib/node_modules/aipro/dist/cli/main.js',
  stateDir: '/Users/ops/.aipro',
  home: '/Users/ops',
  user: 'ops',
  version: '0.1.0',
};

function render(job: JobName, input: RenderInput): string {
  const r = renderPlist(job, input);
  if (!r.ok) throw new Error(r.detail);
  return r.plist.text;
}

const plutil = spawnSync('plutil', ['-help'], { stdio: 'ignore' }).error ? null : 'plutil';

for (const flavour of ['user', 'system'] as const) {
  for (const job of JOB_NAMES) {
    test(`${flavour} ${job}: parses as a plist and reads back as the job`, (t) => {
      const input = { ...base, flavour, ...(flavour === 'system' ? { configPath: '/etc/aipro/aipro.json' } : {}) };
      const text = render(job, input);
      const parsed = plist.parse(text) as Record<string, unknown>;
      t.deepEqual(parsed, jobDict(job, input));
      t.is(parsed.Label, JOBS[job].label);
      t.deepEqual(parsed.ProgramArguments, [base.node, base.aipro, ...JOBS[job].args]);
      const env = parsed.EnvironmentVariables as Record<string, string>;
      t.is(env.AIPRO_STATE_DIR, '/Users/ops/.aipro');
      t.is(parsed.RunAtLoad, true);
      t.regex(String(parsed.StandardOutPath), /^\/Users\/ops\/\.aipro\/logs\/[a-z-]+\.log$/);
      t.regex(String(parsed.StandardErrorPath), /^\/Users\/ops\/\.aipro\/logs\/[a-z-]+\.err\.log$/);
      t.is(parsed.Umask, 0o077);
      if (job === 'check') {
        t.is(parsed.StartInterval, 1800);
        t.false('KeepAlive' in parsed);
      } else {
        t.is(parsed.KeepAlive, true);
        t.false('StartInterval' in parsed);
      }
      if (flavour === 'system') {
        t.is(parsed.UserName, 'ops');
        t.is(env.HOME, '/Users/ops');
        t.is(env.AIPRO_CONFIG_PATH, '/etc/aipro/aipro.json');
      } else {
        t.false('UserName' in parsed);
        t.false('HOME' in env, 'launchd sets HOME for agents itself');
      }
      if (!plutil) return t.log('plutil not installed (not macOS): plist parser only');
      const dir = tempDir(t, 'aipro-plist-');
      writeFileSync(join(dir, 'job.plist'), text);
      const lint = spawnSync(plutil, ['-lint', join(dir, 'job.plist')], { encoding: 'utf8' });
      t.is(lint.status, 0, lint.stdout + lint.stderr);
    });
  }
}

test('XML specials and spaces in paths survive; the marker comment stays a valid comment', (t) => {
  const input = { ...base, stateDir: '/Users/o&p <x>/.aipro', aipro: '/Applications/My Tools/aipro/main.js' };
  const text = render('monitor', input);
  t.regex(text, /<!-- Managed by aipro: /);
  const parsed = plist.parse(text) as Record<string, unknown>;
  t.is((parsed.EnvironmentVariables as Record<string, string>).AIPRO_STATE_DIR, '/Users/o&p <x>/.aipro');
  t.is((parsed.ProgramArguments as string[])[1], '/Applications/My Tools/aipro/main.js');
  t.is(parsed.StandardOutPath, '/Users/o&p <x>/.aipro/logs/monitor.log');
});

test('relative or control-character paths are refused with the reason', (t) => {
  const rel = renderPlist('monitor', { ...base, node: 'node' });
  t.false(rel.ok);
  if (!rel.ok) t.regex(rel.detail, /the node path "node" is not an absolute path/);
  const ctl = renderJobs({ ...base, stateDir: '/tmp/a\u0001b' }, ['check']);
  t.false(ctl.ok);
  if (!ctl.ok) t.regex(ctl.detail, /rendering the check job: the state dir .* contains control characters/);
});

test('stableNode prefers a version-free link that points at this node, else the binary', (t) => {
  const dir = tempDir(t, 'aipro-node-');
  const real = join(dir, 'Cellar-node-22');
  writeFileSync(real, '');
  const link = join(dir, 'bin-node');
  spawnSync('ln', ['-s', real, link]);
  t.is(stableNode(real, [join(dir, 'missing'), link]), link);
  t.is(stableNode(real, [join(dir, 'missing')]), real);
});
