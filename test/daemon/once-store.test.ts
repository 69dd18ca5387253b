/**
 * `aipro monitor --once` (timer mode) with an auth store that stops parsing: the textfile keeps
 * the agent's last good series, says the store is not ok, no monitor counts as a success, and
 * the run exits 1. Built CLI, temp HOME, providers at a dead local port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { freePort } from '../helpers/net.js';
import { runCli } from '../helpers/cli.js';
import { findBinary, promtool } from '../helpers/prometheus.js';
import { tempHome } from '../helpers/tmp.js';
import { CANARIES, findCanary } from '../exporters/known-store.js';
import { joinRe } from '../helpers/re.js';

const D = 86_400_000;

test(
  '--once with an unparseable store: exit 1, store_ok 0, last good series kept and dated, no success, ' +
    'promtool-clean',
  async (t) => {
    const home = tempHome();
    t.teardown(() => home.cleanup());
    const dead = `http://127.0.0.1:${await freePort()}`;
    const path = join(home.home, 'textfile', 'aipro.prom');
    home.writeConfig({
      models: { providers: { anthropic: { baseUrl: dead }, openai: { baseUrl: dead } } },
      monitor: { textfile: { path } },
    });
    home.writeStore({
      version: 1,
      profiles: {
        'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARIES.apiKey },
        'anthropic:manual': {
          type: 'token',
          provider: 'anthropic',
          token: CANARIES.manual,
          expires: Date.now() + 30 * D,
        },
      },
    });
    const good = await runCli(['monitor', '--once'], { env: home.env });
    t.is(good.code, 0, good.stdout + good.stderr);
    const before = readFileSync(path, 'utf8');
    const readAt = /^aipro_auth_store_last_read_success_timestamp_seconds\{agent="main"\} (\S+)$/m.exec(before)?.[1];
    t.truthy(readAt);

    home.writeStore(`{"version": 1, "profiles": {"anthropic:default": {"type": "api_key", "key": "${CANARIES.apiKey}"`);
    const r = await runCli(['monitor', '--once'], { env: home.env });
    t.is(r.code, 1, r.stdout + r.stderr);
    t.regex(r.stdout, /expiry FAILED \(store unreadable: main\)/);
    t.regex(r.stdout, /store FAILED \(store unreadable: main\)/);
    t.notRegex(r.stderr, /no credentials found/);
    const text = readFileSync(path, 'utf8');
    t.regex(text, /^aipro_auth_store_ok\{agent="main"\} 0$/m);
    t.regex(
      text,
      /^aipro_auth_profile_status\{agent="main",provider="anthropic",profile="anthropic:manual",status="ok"\} 1$/m,
    );
    t.regex(
      text,
      joinRe(
        'm',
        /^aipro_auth_profile_info\{agent="main",provider="anthropic",/,
        /profile="anthropic:default",type="api_key",source="profile"\} 1$/,
      ),
    );
    t.regex(
      text,
      joinRe(
        'm',
        /^aipro_auth_profile_expiry_timestamp_seconds\{/,
        /agent="main",provider="anthropic",profile="anthropic:manual"\} \d+/,
      ),
    );
    t.is(
      /^aipro_auth_store_last_read_success_timestamp_seconds\{agent="main"\} (\S+)$/m.exec(text)?.[1],
      readAt,
      'dated by the last good read',
    );
    t.notRegex(text, /aipro_monitor_last_success_timestamp_seconds\{monitor="(expiry|store)"\}/);
    t.is(findCanary(text + r.stdout + r.stderr), null);
    const bin = findBinary('promtool');
    if (bin) {
      const check = await promtool(bin, ['check', 'metrics'], text);
      t.is(check.code, 0, check.stdout + check.stderr);
    }

    // Repaired with one profile removed: the removed one's series go, the store is ok again.
    home.writeStore({
      version: 1,
      profiles: { 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARIES.apiKey } },
    });
    const fixed = await runCli(['monitor', '--once'], { env: home.env });
    t.is(fixed.code, 0, fixed.stdout + fixed.stderr);
    const after = readFileSync(path, 'utf8');
    t.regex(after, /^aipro_auth_store_ok\{agent="main"\} 1$/m);
    t.false(after.includes('profile="anthropic:manual"'));
    t.true(after.includes('profile="anthropic:default"'));
  },
);
