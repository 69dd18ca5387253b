/**
 * Every fix aipro prints must fix: `models status` (text and --json), `doctor` and the alert
 * text name the profile and agent, run `claude setup-token` at most once, and EXECUTING the
 * printed command (against a stand-in `claude` on PATH) leaves that profile ok.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { fixFor, textBody } from '../../src/alerts/render.js';
import type { Notification } from '../../src/alerts/types.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { DAY, TOKEN, skipIfNoPty, storeWith, underPty } from './support.js';

const OPENAI_KEY = `sk-${'o'.repeat(40)}`;

/** The `aipro …` command inside a printed hint (prose may surround it). */
function commandIn(hint: string): string {
  const m = /aipro models auth [^`;,()]+/.exec(hint);
  if (!m) throw new Error(`no command in "${hint}"`);
  return m[0].trim();
}

interface Row {
  id: string;
  agent: string;
  status: string;
  hint?: string;
  fixCommand?: string;
}

test('each printed fix, executed as printed, makes its profile ok', async (t) => {
  if (skipIfNoPty(t)) return;
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const now = Date.now();
  h.writeStore(
    storeWith({
      'anthropic:work': { type: 'token', provider: 'anthropic', token: TOKEN, expires: now + 2 * 3_600_000 },
      'anthropic:old': { type: 'token', provider: 'anthropic', token: TOKEN, expires: now - 2 * DAY },
      'anthropic:bad': { type: 'token', provider: 'anthropic', token: TOKEN, expires: 'next year' },
      'openai:default': { type: 'api_key', provider: 'openai', key: 'nope' },
    }),
    'gw',
  );
  const bin = join(h.home, 'bin');
  mkdirSync(bin);
  const log = join(h.home, 'claude-runs');
  writeFileSync(join(bin, 'claude'), `#!/bin/sh\necho "$*" >> "${log}"\n`);
  chmodSync(join(bin, 'claude'), 0o755);
  const env = { ...h.env, PATH: `${bin}:${h.env.PATH ?? '/usr/bin:/bin'}` };

  const json = JSON.parse((await runCli(['models', 'status', '--json'], { env })).stdout) as {
    agents: { agent: string; profiles: Row[] }[];
  };
  const broken = json.agents.flatMap((a) => a.profiles).filter((p) => p.status !== 'ok' && p.status !== 'static');
  t.deepEqual(broken.map((p) => `${p.agent}/${p.id}`).sort(), [
    'gw/anthropic:bad',
    'gw/anthropic:old',
    'gw/anthropic:work',
    'gw/openai:default',
    'main/anthropic:none',
  ]);
  const text = (await runCli(['models', 'status'], { env })).stdout;
  const doctor = JSON.parse((await runCli(['doctor', '--json'], { env })).stdout) as {
    checks: { agent?: string; summary: string; fix?: string }[];
  };

  for (const row of broken) {
    const cmd = row.fixCommand ?? '';
    t.is(commandIn(row.hint ?? ''), cmd, `${row.id}: the hint carries the command`);
    t.regex(cmd, new RegExp(`--agent ${row.agent}$`), `${row.id}: names the agent`);
    if (row.id !== 'anthropic:none') t.true(cmd.includes(`--profile-id ${row.id} `), `${row.id}: names the profile`);
    t.false(cmd.includes('claude setup-token'), `${row.id}: never runs claude setup-token beside aipro's setup-token`);
    t.true(text.includes(cmd), `${row.id}: the table prints the same fix`);
    const finding = doctor.checks.find(
      (c) =>
        c.agent === row.agent &&
        c.summary.includes(row.id === 'anthropic:none' ? 'anthropic is missing' : `${row.id} is`),
    );
    t.is(commandIn(finding?.fix ?? ''), cmd, `${row.id}: doctor prints the same fix`);
    if (row.id === 'anthropic:work') {
      const n = {
        kind: 'expiring',
        agent: row.agent,
        provider: 'anthropic',
        profile: row.id,
        credentialType: 'token',
        credentialStatus: 'expiring',
        detail: 'expires in 2h',
        expiresAt: now + 7_200_000,
        severity: 'critical',
        host: 'h',
        startedAt: now,
        createdAt: now,
        key: 'k',
        episode: 'e',
      } as Notification;
      t.is(fixFor(n), cmd, 'an alert without the monitor hint builds the same fix');
      t.true(textBody({ ...n, fix: row.hint ?? '' }, now).includes(cmd), 'the mail prints it');
    }
  }

  let claudeRuns = 0;
  for (const row of broken) {
    const args = (row.fixCommand ?? '').split(/\s+/).slice(1);
    if (args.includes('setup-token')) {
      const r = await underPty(args, env, [[/Paste the Anthropic setup-token/, `${TOKEN}\r`]]);
      t.is(r.code, 0, r.out);
      claudeRuns++;
    } else {
      const r = await runCli(args, { env, input: OPENAI_KEY });
      t.is(r.code, 0, r.stderr);
    }
    const after = JSON.parse((await runCli(['models', 'status', '--json', '--agent', row.agent], { env })).stdout) as {
      agents: { profiles: Row[] }[];
    };
    const id = row.id === 'anthropic:none' ? 'anthropic:manual' : row.id;
    const now2 = after.agents[0]?.profiles.find((p) => p.id === id);
    t.is(now2?.status, row.id.startsWith('openai') ? 'static' : 'ok', `${row.agent}/${id} after its fix`);
  }
  t.true(existsSync(log));
  t.is(readFileSync(log, 'utf8').trim().split('\n').length, claudeRuns, 'claude setup-token ran once per fix');
  t.is((await runCli(['models', 'status', '--check'], { env })).code, 0, 'everything fixed');
});
