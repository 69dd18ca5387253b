import test, { type ExecutionContext } from 'ava';
import { reportSettings } from '../../src/config/models.js';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { agentViews, credentialObservation, expiry, expiryObservations } from '../../monitors/expiry.js';
import { checkStore } from '../../monitors/store.js';
import type { CredentialObservation } from '../../monitors/types.js';
import { agentReport, rowFor } from '../../src/store/report.js';
import { tempHome } from '../helpers/tmp.js';
import { homeConfig, mainStore, NOW, opsStore, writeKnownStores } from '../exporters/known-store.js';

const silent = { info() {}, warn() {}, error() {} };

/** The known stores of two agents in a temp home, and the expiry monitor's credential observations of them. */
function knownCredentials(t: ExecutionContext) {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home);
  const config = homeConfig(env);
  const agents = [
    { id: 'main', storePath: home.storePath('main'), isDefault: true },
    { id: 'ops', storePath: home.storePath('ops'), isDefault: false },
  ];
  const obs = expiryObservations({ agents, config, env }, NOW).filter(
    (o): o is CredentialObservation => o.kind === 'credential',
  );
  return { env, config, agents, obs };
}

test('expiry observations are the rows of `models status` (agentReport), one for one', (t) => {
  const { env, config, agents, obs } = knownCredentials(t);
  const rows = agents.flatMap(
    (a) => agentReport(a, reportSettings(config), env, { now: NOW, warnMs: config.auth.warnHours * 3_600_000 }).rows,
  );
  t.deepEqual(
    obs.map((o) => [o.agent, o.profile, o.provider, o.type, o.source, o.status, o.detail, o.expiresAt, o.hint]),
    rows.map((r) => [r.agent, r.id, r.provider, r.type, r.source, r.status, r.detail, r.expiresAt, r.hint]),
  );
  const codex = obs.find((o) => o.profile === 'openai-codex:me@example.com');
  t.true(codex?.refreshable);
  t.truthy(obs.find((o) => o.profile === 'anthropic:manual')?.secretHash);
  t.is(obs.find((o) => o.profile === 'openai:bad')?.probe?.reason, 'auth');
});

test('the monitor judges without the display-only row fields, into the same observations', (t) => {
  const { env, config, agents, obs } = knownCredentials(t);
  const warnMs = config.auth.warnHours * 3_600_000;
  const full = agents.flatMap((a) => {
    const v = agentViews(a, config, env);
    if (!v.ok) throw new Error(v.detail);
    return v.views.map((view) => {
      const o = credentialObservation(rowFor(view, NOW, warnMs), view);
      if (o.refreshable && typeof o.expiresAt === 'number') o.nextRefreshAt = o.expiresAt - config.auth.refreshSkewMs;
      return o;
    });
  });
  t.true(full.length > 5);
  t.deepEqual(obs, full);
  const manual = agentViews(agents[0] as (typeof agents)[number], config, env);
  if (!manual.ok) return t.fail(manual.detail);
  const view = manual.views.find((v) => v.secret.ok) as (typeof manual.views)[number];
  t.truthy(rowFor(view, NOW, warnMs).fingerprint, 'the report still shows the fingerprint');
  t.is(rowFor(view, NOW, warnMs, false).fingerprint, undefined);
});

test('agentViews builds the same credentials as agentReport for default and other agents', (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home);
  const config = homeConfig(env);
  for (const agent of [
    { id: 'main', storePath: home.storePath('main'), isDefault: true },
    { id: 'ops', storePath: home.storePath('ops'), isDefault: false },
  ]) {
    const v = agentViews(agent, config, env);
    if (!v.ok) return t.fail(v.detail);
    const rep = agentReport(agent, reportSettings(config), env, { now: NOW, warnMs: 86_400_000 });
    t.deepEqual(
      v.views.map((x) => x.id),
      rep.rows.map((r) => r.id),
    );
  }
});

test('a changed store is seen on the next run (the view cache follows the file)', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const env = writeKnownStores(home);
  const config = homeConfig(env);
  const agents = [{ id: 'ops', storePath: home.storePath('ops'), isDefault: false }];
  const ctx = { config, env, agents, now: () => NOW, log: silent };
  const first = (await expiry.run(ctx)).filter((o): o is CredentialObservation => o.kind === 'credential');
  t.is(first.find((o) => o.profile === 'openai:ci')?.status, 'ok');
  const store = opsStore();
  store.profiles['openai:ci'].expires = NOW - 1000;
  home.writeStore(store, 'ops');
  // Same size and mtime would be a cache hit; the rename of a real write changes the inode.
  const second = (await expiry.run(ctx)).filter((o): o is CredentialObservation => o.kind === 'credential');
  t.is(second.find((o) => o.profile === 'openai:ci')?.status, 'expired');
  // Time passing alone re-judges cached credentials.
  const later = (await expiry.run({ ...ctx, now: () => NOW + 11 * 86_400_000 })).filter(
    (o): o is CredentialObservation => o.kind === 'credential',
  );
  t.is(later.find((o) => o.profile === 'openai:ci')?.status, 'expired');
});

test('credentialObservation ignores a stored probe of an older secret', (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const s = mainStore();
  (s.usageStats['openai:bad'].lastProbe as Record<string, unknown>).secretHash = 'aaaaaaaaaaaa';
  home.writeStore(s, 'main');
  const env = { ...home.env };
  const config = homeConfig(env);
  const v = agentViews({ id: 'main', storePath: home.storePath('main'), isDefault: true }, config, env);
  if (!v.ok) return t.fail();
  const view = v.views.find((x) => x.id === 'openai:bad');
  if (!view) return t.fail();
  const rep = agentReport({ id: 'main', storePath: home.storePath('main') }, reportSettings(config), env, {
    now: NOW,
    warnMs: 86_400_000,
  });
  const row = rep.rows.find((r) => r.id === 'openai:bad');
  if (!row) return t.fail();
  const o = credentialObservation(row, view);
  t.is(o.probe, undefined);
  t.not(o.status, 'rejected');
});

test('store monitor: ok, parse error, loose mode and stale lock are reported by bounded reason', (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const p = home.writeStore(mainStore(), 'main');
  t.deepEqual(
    checkStore('main', p, Date.now()).map((o) => o.reason),
    ['ok'],
  );
  chmodSync(p, 0o644);
  const mode = checkStore('main', p, Date.now());
  t.deepEqual(
    mode.map((o) => o.reason),
    ['mode'],
  );
  t.regex(mode[0]?.detail ?? '', /chmod 600/);
  chmodSync(p, 0o600);
  mkdirSync(`${p}.lock`);
  const old = new Date(Date.now() - 120_000);
  utimesSync(`${p}.lock`, old, old);
  t.deepEqual(
    checkStore('main', p, Date.now()).map((o) => o.reason),
    ['stale_lock'],
  );
  home.writeStore('not json', 'main');
  t.deepEqual(
    checkStore('main', p, Date.now())
      .map((o) => o.reason)
      .sort(),
    ['parse', 'stale_lock'],
  );
  t.deepEqual(
    checkStore('none', home.storePath('none'), Date.now()).map((o) => o.reason),
    ['ok'],
  );
});

test('store monitor: a lock is stale when its holder is gone, not when it is merely old', (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const p = home.writeStore(mainStore(), 'main');
  const lock = `${p}.lock`;
  mkdirSync(lock);
  const owner = (pid: number) =>
    writeFileSync(
      join(lock, 'owner.json'),
      JSON.stringify({ pid, host: hostname(), started: null, cmd: 'aipro models auth add-key', nonce: 'n' }),
    );
  // A live holder (this process) of a lock older than the stale age: a long operation, not a stale lock.
  owner(process.pid);
  const old = new Date(Date.now() - 120_000);
  utimesSync(lock, old, old);
  t.deepEqual(
    checkStore('main', p, Date.now()).map((o) => o.reason),
    ['ok'],
  );
  // A holder that exited, however fresh its lock.
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  owner(Number(gone.stdout));
  const now = new Date();
  utimesSync(lock, now, now);
  const stale = checkStore('main', p, Date.now());
  t.deepEqual(
    stale.map((o) => o.reason),
    ['stale_lock'],
  );
  t.regex(stale[0]?.detail ?? '', /left by process \d+, which is gone; run `aipro doctor --fix`/);
});
