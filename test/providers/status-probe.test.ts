import test from 'ava';
import { readStore } from '../../src/store/read.js';
import { runCli } from '../helpers/cli.js';
import { startFakeProvider } from '../helpers/fake-providers.js';
import { tempHome } from '../helpers/tmp.js';
import { joinRe } from '../helpers/re.js';

const GOOD = `sk-ant-api03-${'g'.repeat(40)}CANARY1`;
const CC_ONLY = `sk-ant-oat01-${'c'.repeat(80)}CANARY2`;
const LIMITED = `sk-ant-api03-${'l'.repeat(40)}CANARY3`;

test(
  'models status --probe: per-profile reason, HTTP status, request id, hint; stored; --check fails on ' + 'rejected',
  async (t) => {
    const fake = await startFakeProvider('anthropic', {
      scenarios: { [GOOD]: 'ok', [CC_ONLY]: 'claude_code_only', [LIMITED]: 'rate_limit' },
    });
    const h = tempHome();
    t.teardown(async () => {
      await fake.close();
      h.cleanup();
    });
    h.writeConfig({ models: { providers: { anthropic: { baseUrl: fake.url } } } });
    const storePath = h.writeStore({
      version: 1,
      profiles: {
        'anthropic:work': { type: 'api_key', provider: 'anthropic', key: GOOD },
        'anthropic:manual': { type: 'token', provider: 'anthropic', token: CC_ONLY },
        'anthropic:busy': { type: 'api_key', provider: 'anthropic', key: LIMITED },
      },
    });

    const probed = await runCli(['models', 'status', '--probe', '--check', '--timeout', '3000', '--concurrency', '2'], {
      env: h.env,
    });
    t.is(probed.code, 1, probed.stderr);
    t.regex(probed.stdout, /anthropic:manual\s+token\s+profile\s+rejected/);
    t.regex(probed.stdout, /Claude Code subscription credential; use an Anthropic API key \(ANTHROPIC_API_KEY\)/);
    t.regex(probed.stdout, /last probe auth_permanent HTTP 400 \d+ms request req_anthropic_\d+ just now/);
    t.is(probed.stderr, '', 'no progress line when stderr is not a TTY');

    const read = readStore(storePath);
    if (!read.ok) return t.fail(read.detail);
    t.like(read.store.usageStats?.['anthropic:work']?.lastProbe, { ok: true, reason: 'ok', httpStatus: 200 });
    t.like(read.store.usageStats?.['anthropic:manual']?.lastProbe, {
      ok: false,
      reason: 'auth_permanent',
      httpStatus: 400,
    });
    t.truthy(read.store.usageStats?.['anthropic:manual']?.lastProbe?.secretHash);

    const all = await runCli(['models', 'status'], { env: h.env });
    t.regex(
      all.stdout,
      joinRe(
        '',
        /anthropic:busy: .*last probe rate_limit HTTP 429 /,
        /.*\(rate limited; the credential itself is fine \(retry after 17 s\)\)/,
      ),
    );
    // The refused setup-token is not the next profile, although tokens normally come before keys.
    t.regex(all.stdout, /next anthropic: anthropic:(busy|work)\n/);

    // Later, without probing: the stored result still counts.
    const later = await runCli(['models', 'status', '--json'], { env: h.env });
    const doc = JSON.parse(later.stdout);
    const rows = doc.agents[0].profiles as {
      id: string;
      status: string;
      lastProbe?: { requestId?: string; latencyMs?: number };
    }[];
    t.is(rows.find((r) => r.id === 'anthropic:manual')?.status, 'rejected');
    t.is(rows.find((r) => r.id === 'anthropic:work')?.status, 'static');
    t.regex(rows.find((r) => r.id === 'anthropic:work')?.lastProbe?.requestId ?? '', /^req_/);
    const only = await runCli(['models', 'status', '--probe', '--profile', 'anthropic:work', '--check'], {
      env: h.env,
    });
    t.is(only.code, 0, only.stdout + only.stderr);

    for (const out of [probed, all, later, only]) t.false(/CANARY/.test(out.stdout + out.stderr), 'a secret leaked');
  },
);

test('--timeout and --concurrency are validated (usage error 64)', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const r = await runCli(['models', 'status', '--probe', '--concurrency', '0'], { env: h.env });
  t.is(r.code, 64);
  t.regex(r.stderr, /--concurrency must be a whole number/);
});
