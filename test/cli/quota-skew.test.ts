/**
 * End to end through the CLI: a fake Anthropic whose rate-limit headers show 82 % of the 5h
 * window used and whose `Date` is 5 minutes ahead. `models status --probe` stores both;
 * `models status` shows the QUOTA column and warns about the clock, `--json` carries both,
 * and `doctor` warns about the clock.
 */
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { startFakeProvider } from '../helpers/fake-providers.js';
import { tempHome } from '../helpers/tmp.js';
import { joinRe } from '../helpers/re.js';

const KEY = `sk-ant-api03-${'k'.repeat(40)}CANARYQ`;

test(
  'models status --probe: QUOTA column (worst window, reset in UTC), clock skew warning; --json; doctor ' + 'warns',
  async (t) => {
    // Whole minutes, so the reset prints as HH:MM exactly.
    const resetS = Math.ceil(Date.now() / 3_600_000) * 3600 + 3600;
    const fake = await startFakeProvider('anthropic', {
      scenarios: { [KEY]: 'ok' },
      dateOffsetMs: 300_000,
      headers: {
        'anthropic-ratelimit-unified-status': 'allowed_warning',
        'anthropic-ratelimit-unified-5h-utilization': '0.82',
        'anthropic-ratelimit-unified-5h-reset': String(resetS),
        'anthropic-ratelimit-unified-7d-utilization': '0.31',
      },
    });
    const h = tempHome();
    t.teardown(async () => {
      await fake.close();
      h.cleanup();
    });
    h.writeConfig({ models: { providers: { anthropic: { baseUrl: fake.url } } } });
    h.writeStore({ version: 1, profiles: { 'anthropic:work': { type: 'api_key', provider: 'anthropic', key: KEY } } });

    const probed = await runCli(['models', 'status', '--probe', '--timeout', '10000'], {
      env: h.env,
      timeoutMs: 60_000,
    });
    t.is(probed.code, 0, probed.stderr);
    const hhmm = new Date(resetS * 1000).toISOString().slice(11, 16);
    t.regex(probed.stdout, /FINGERPRINT\s+QUOTA\n/);
    t.regex(probed.stdout, new RegExp(`anthropic:work .* 5h 82% \\(resets ${hhmm}\\)\\n`));
    // 5 minutes, give or take the answer's latency on a loaded machine.
    t.regex(
      probed.stdout,
      joinRe(
        '',
        /⚠ clock skew: anthropic's clock is (5m|5m \ds|4m 5\ds) ahead of this host /,
        /\(Date header of the probe just now\); expiry times are judged by the local clock/,
      ),
    );

    const json = JSON.parse((await runCli(['models', 'status', '--json'], { env: h.env })).stdout);
    const q = json.agents[0].profiles[0].quota;
    t.is(q.status, 'allowed_warning');
    t.is(q.worst, '5h');
    t.deepEqual(q.windows, [
      {
        window: '5h',
        utilization: 0.82,
        resetsAt: new Date(resetS * 1000).toISOString().replace('.000Z', 'Z'),
        resetsAtMs: resetS * 1000,
      },
      { window: '7d', utilization: 0.31, resetsAt: null, resetsAtMs: null },
    ]);
    t.true(Math.abs(json.clockSkew.anthropic.seconds - 300) <= 5, JSON.stringify(json.clockSkew));

    const doctor = await runCli(['doctor', '--json'], { env: h.env, timeoutMs: 60_000 });
    const skew = JSON.parse(doctor.stdout).checks.find((c: { id: string }) => c.id === 'clock.skew');
    t.is(skew?.level, 'warn');
    t.regex(skew?.summary ?? '', /anthropic's clock is (5m|5m \ds|4m 5\ds) ahead of this host/);
    t.regex(skew?.fix ?? '', /timedatectl/);
    t.notRegex(probed.stdout + doctor.stdout + JSON.stringify(json), /CANARYQ/);
  },
);

test('without quota observations or skew: no QUOTA column and no clock warning', async (t) => {
  const fake = await startFakeProvider('anthropic', { scenarios: { [KEY]: 'ok' } });
  const h = tempHome();
  t.teardown(async () => {
    await fake.close();
    h.cleanup();
  });
  h.writeConfig({ models: { providers: { anthropic: { baseUrl: fake.url } } } });
  h.writeStore({ version: 1, profiles: { 'anthropic:work': { type: 'api_key', provider: 'anthropic', key: KEY } } });
  const probed = await runCli(['models', 'status', '--probe', '--timeout', '10000'], { env: h.env, timeoutMs: 60_000 });
  t.is(probed.code, 0, probed.stderr);
  t.notRegex(probed.stdout, /QUOTA|clock skew/);
});

test(
  'on an 80-column terminal the QUOTA column stays (worst window and percentage) and no line is ' + 'wider',
  async (t) => {
    const { plainText, skipIfNoPty, underPty } = await import('./support.js');
    if (skipIfNoPty(t)) return;
    const h = tempHome();
    t.teardown(() => h.cleanup());
    const now = Date.now();
    const profiles: Record<string, unknown> = {};
    const usageStats: Record<string, unknown> = {};
    for (let i = 0; i < 6; i++) {
      const id = `anthropic:team-${i}-production-gateway-eu-west`;
      profiles[id] = { type: 'api_key', provider: 'anthropic', key: `${KEY}${i}` };
      usageStats[id] = {
        quota: {
          at: now - 60_000,
          windows: [
            { window: '5h', utilization: 80 + i, resetsAt: now + 3_600_000 },
            { window: '7d', utilization: 10 },
          ],
        },
      };
    }
    h.writeStore({ version: 1, profiles, usageStats });
    const r = await underPty(['models', 'status'], h.env, [], { cols: 80 });
    t.is(r.code, 0, r.out);
    const lines = plainText(r.out).split('\n');
    t.deepEqual(
      lines.filter((l) => l.length > 80),
      [],
    );
    t.regex(r.out, /QUOTA/);
    for (let i = 0; i < 6; i++) t.regex(plainText(r.out), new RegExp(`5h ${80 + i}%`));
  },
);
