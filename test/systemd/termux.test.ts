/**
 * The Termux job script, run with a POSIX sh and the real aipro on PATH (as `$PREFIX/bin/aipro`,
 * where `npm install -g` puts it in Termux): exit code = `models status --check`, log appended.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../helpers/child.js';
import { CLI, runCli } from '../helpers/cli.js';
import { startFakeProvider } from '../helpers/fake-providers.js';
import { tempHome } from '../helpers/tmp.js';

const SCRIPT = fileURLToPath(new URL('../../systemd/termux/aipro-check.sh', import.meta.url));

/** Async on purpose: the fake provider answering the probes lives in this process. */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return runProcess('sh', [SCRIPT, ...args], { env });
}

test('termux job script: valid sh, runs aipro monitor --once, logs, exits with its code', async (t) => {
  t.is(spawnSync('sh', ['-n', SCRIPT]).status, 0);
  const h = tempHome();
  const token = `sk-ant-oat01-${'x'.repeat(80)}`;
  // Probes go to a local fake, never to the real API.
  const fake = await startFakeProvider('anthropic', { scenarios: { [token]: 'ok' } });
  try {
    h.writeConfig({ models: { providers: { anthropic: { baseUrl: fake.url } } } });
    const prefix = join(h.home, 'usr');
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    const aipro = join(prefix, 'bin', 'aipro');
    writeFileSync(aipro, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
    chmodSync(aipro, 0o755);
    h.writeStore({
      version: 1,
      profiles: { 'anthropic:manual': { type: 'token', provider: 'anthropic', token, expires: Date.now() + 3600e3 } },
    });
    const env = { ...h.env, PREFIX: prefix, PATH: '/usr/bin:/bin' };
    const r = await run([], env);
    const check = await runCli(['models', 'status', '--check'], { env });
    t.is(r.code, 2, r.stderr);
    t.is(r.code, check.code);
    const log = readFileSync(join(h.stateDir, 'monitor', 'termux-check.log'), 'utf8');
    t.regex(log, /=== \d{4}-\d\d-\d\dT[\d:]+Z aipro monitor --once\n[\s\S]*=== exit 2\n$/);
    t.is((await run(['bogus'], env)).code, 64);
  } finally {
    await fake.close();
    h.cleanup();
  }
});
