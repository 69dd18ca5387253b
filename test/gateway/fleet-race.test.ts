/**
 * The fleet race through gateways: 3 hosts (separate state dirs and AIPRO_HOST_IDs), each
 * running `aipro gateway` (the built CLI, spawned) plus CLI refresh processes, one PostgreSQL
 * store, and a rotating OAuth server with reuse detection. 50 concurrent requests arrive while
 * the access token is about to expire: exactly one refresh, no refresh token presented twice,
 * no failed request.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { CLI } from '../helpers/cli.js';
import { startOAuthServer } from '../helpers/oauth-server.js';
import { usePostgres } from '../helpers/postgres.js';
import { tempHome } from '../helpers/tmp.js';
import { loginTokens, oauthConfigRaw } from '../oauth/helpers.js';
import { postgresBackend } from '../../src/store/backends/postgres.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { parseStoreKey } from '../../src/store/backends/postgres/seal.js';
import { textEvents } from './codex-backend.js';
import { startUpstream } from '../helpers/fake-providers.js';
import { post } from '../helpers/gateway.js';
import { migrated, newStoreKey } from './fleet-hosts.js';
import { eventually } from '../helpers/wait.js';
import { workerArgs } from '../helpers/child.js';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('../store/fixtures/fleet-refresh-worker.ts', import.meta.url));
const ID = 'openai-codex:me@example.com';
const pgs = usePostgres();
test.after.always(() => pgs.stop());

/** Spawn `aipro gateway --port 0` for one host; resolves with its URL once it listens. */
async function spawnGateway(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; stderr: string[] }> {
  const child = spawn(process.execPath, [CLI, 'gateway', '--port', '0', '--log-format', 'json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`aipro gateway exited ${code}: ${stderr.join('')}`)));
  });
  return { url, child, stderr };
}

const TITLE =
  '3 hosts x (gateway + CLI refreshes), 50 concurrent requests on an expiring token: 1 refresh, 0 reuse, 0 failed';
test(TITLE, async (t) => {
  const url = await pgs.need(t);
  if (!url) return;
  await migrated(url);
  const server = await startOAuthServer();
  const up = await startUpstream(() => ({ stream: textEvents('hello from the fleet') }));
  const h = tempHome();
  const children: ChildProcess[] = [];
  t.teardown(async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await Promise.all([server.close(), up.close()]);
    h.cleanup();
  });
  const key = newStoreKey();
  const tokens = await loginTokens(server);
  const seed = postgresBackend(createPool(url), 'aipro', parseStoreKey(key, 'AIPRO_STORE_KEY'));
  t.teardown(() => seed.close());
  await seed.update({ id: 'main', storePath: '' }, (s) => {
    // Expires in 60 s: inside the 5 min refresh skew, so every gateway and CLI finds it due.
    s.profiles[ID] = {
      type: 'oauth',
      provider: 'openai-codex',
      accountId: 'acct-fleet',
      access: tokens.access,
      refresh: tokens.refresh,
      expires: Date.now() + 60_000,
    };
    return { store: s, result: undefined };
  });
  const { oauth } = oauthConfigRaw(server).models.providers['openai-codex'] as { oauth: unknown };
  const config = {
    models: { providers: { 'openai-codex': { baseUrl: up.url, oauth } } },
    store: { backend: 'postgres' },
  };
  const hosts = await Promise.all(
    [1, 2, 3].map(async (n) => {
      const home = join(h.home, `host${n}`);
      mkdirSync(join(home, '.aipro'), { recursive: true, mode: 0o700 });
      const configPath = join(home, '.aipro', 'aipro.json');
      writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
      const env = {
        ...h.env,
        HOME: home,
        AIPRO_STATE_DIR: join(home, '.aipro'),
        AIPRO_HOST_ID: `host-${n}`,
        AIPRO_STORE_POSTGRES_URL: url,
        AIPRO_STORE_KEY: key,
      };
      const gw = await spawnGateway(env);
      children.push(gw.child);
      return { home, configPath, env, gw };
    }),
  );
  // Every gateway has its listener up before the race (ready = the fleet store answers).
  for (const host of hosts)
    await eventually(async () => (await fetch(`${host.gw.url}/readyz`)).status === 200, 30_000, 'gateway ready');

  const msg = { model: 'openai-codex/gpt-5.1-codex', messages: [{ role: 'user', content: 'hi' }] };
  const requests = Array.from({ length: 50 }, (_, i) => post(`${hosts[i % 3]?.gw.url}/v1/chat/completions`, msg));
  const clis = hosts.flatMap((host) =>
    [1, 2].map(() =>
      run(process.execPath, [...workerArgs(WORKER), host.home, host.configPath, ID], {
        env: host.env,
        timeout: 120_000,
      }),
    ),
  );
  const [answers, cliOuts] = await Promise.all([Promise.all(requests), Promise.all(clis)]);

  const failed = answers.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.text.slice(0, 200)}`);
  if (failed.length) t.log(hosts.map((x) => x.gw.stderr.join('')).join('\n'));
  t.deepEqual(failed, [], 'no request failed');
  const cli = cliOuts.map((o) => JSON.parse(o.stdout.trim()) as { ok: boolean; refreshed?: boolean });
  t.true(
    cli.every((r) => r.ok),
    JSON.stringify(cli),
  );
  t.deepEqual(
    server.tokenResponses.filter((x) => x.startsWith('refresh_token')),
    ['refresh_token:ok'],
    'exactly one refresh across 3 gateways and 6 CLI processes, and no reuse',
  );
  t.is(server.presentedRefreshTokens.length, 1);
  const used = new Set(up.requests.map((s) => s.secret));
  t.false(used.has(undefined));
  t.false(used.has(tokens.access), 'every request waited for the one refresh and used the new token');
  t.log(`${answers.length} requests, ${used.size} distinct access token(s) upstream, ${cli.length} CLI refreshes`);
  // The family is intact: the stored (rotated) refresh token is the new one.
  const read = await seed.read({ id: 'main', storePath: '' });
  t.true(read.ok && read.store.profiles[ID]?.type === 'oauth' && read.store.profiles[ID]?.refresh !== tokens.refresh);
  for (const host of hosts)
    t.false(host.gw.stderr.join('').includes(tokens.refresh ?? '\u0000'), 'no token in the logs');
});
