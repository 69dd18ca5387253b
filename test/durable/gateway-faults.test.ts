/**
 * Two gateway defects the chaos test caught: a SIGTERM that arrives right after the listening
 * line killed the process (signal handlers were installed after it), and `/model` on a full
 * disk answered a 500 "internal error" instead of saying which file could not be written.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { CLI } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { mountTmpfs } from '../helpers/tmpfs.js';
import { startUpstream } from '../helpers/fake-providers.js';
import { post, startTestGateway } from '../helpers/gateway.js';
import { anthropicOk } from '../helpers/provider-bodies.js';

test('a SIGTERM the moment the gateway says it is listening stops it cleanly (exit 0)', async (t) => {
  t.timeout(120_000);
  const h = tempHome();
  t.teardown(() => h.cleanup());
  // Several at once: the window is between two statements, so load makes it show.
  const runs = Array.from({ length: 6 }, () => {
    const child = spawn(process.execPath, [CLI, 'gateway', '--port', '0'], {
      env: h.env,
      cwd: h.home,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.once('data', () => child.kill('SIGTERM'));
    t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
    return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, stderr })),
    );
  });
  for (const r of await Promise.all(runs)) {
    t.deepEqual([r.code, r.signal], [0, null], r.stderr);
    t.regex(r.stderr, /gateway\.stopping/);
  }
});

test('/model on a full disk says which file could not be written and why, not a 500', async (t) => {
  const fs = mountTmpfs(t, 256);
  if (!fs) return t.pass();
  const up = await startUpstream(() => anthropicOk());
  const agentDir = join(fs.dir, '.aipro', 'agents', 'main', 'agent');
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(agentDir, 'auth-profiles.json'),
    JSON.stringify({
      version: 1,
      profiles: { 'anthropic:a': { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${'f'.repeat(60)}` } },
    }),
    { mode: 0o600 },
  );
  const gw = await startTestGateway({
    config: { models: { providers: { anthropic: { baseUrl: up.url } } } },
    env: { HOME: fs.dir },
  });
  t.teardown(async () => {
    await gw.cleanup();
    await up.close();
  });
  fs.fill();
  const r = await post(
    `${gw.url}/v1/messages`,
    { model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: '/model sonnet' }] },
    { 'x-aipro-session': 's1' },
  );
  fs.free();
  t.is(r.status, 200, r.text);
  t.regex(
    r.json?.content?.[0]?.text ?? '',
    /^Could not save the session choice: cannot write \S*gateway-sessions\.json: no space left on device/,
  );
  t.regex(r.headers.get('request-id') ?? '', /^req_aipro_/);
  const again = await post(
    `${gw.url}/v1/messages`,
    { model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: '/model sonnet' }] },
    { 'x-aipro-session': 's1' },
  );
  t.regex(
    again.json?.content?.[0]?.text ?? '',
    /^Model for this session: anthropic\/claude-sonnet-4-5/,
    'with space back, the choice is saved',
  );
});
