/** Temp dirs for tests: a fresh HOME with `.aipro/` inside, or a bare scratch dir; removed after the test. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempHome {
  home: string;
  stateDir: string;
  /** Environment for a child process: isolated HOME, no inherited provider keys. */
  env: Record<string, string>;
  storePath(agent?: string): string;
  writeStore(store: unknown, agent?: string): string;
  writeConfig(config: unknown): string;
  cleanup(): void;
}

/** Provider env vars that must not leak from the developer's shell into tests. */
const SCRUB = /^(ANTHROPIC_|OPENAI_|OPENROUTER_|GEMINI_|GOOGLE_|AIPRO_|CREDENTIALS_DIRECTORY$|SMTP_)/;

export function tempHome(): TempHome {
  const home = mkdtempSync(join(tmpdir(), 'aipro-test-'));
  const stateDir = join(home, '.aipro');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUB.test(k)) env[k] = v;
  env.HOME = home;
  env.NO_COLOR = '1';
  const storePath = (agent = 'main') => join(stateDir, 'agents', agent, 'agent', 'auth-profiles.json');
  return {
    home,
    stateDir,
    env,
    storePath,
    writeStore(store, agent = 'main') {
      const p = storePath(agent);
      mkdirSync(join(p, '..'), { recursive: true, mode: 0o700 });
      writeFileSync(p, typeof store === 'string' ? store : JSON.stringify(store, null, 2), { mode: 0o600 });
      return p;
    },
    writeConfig(config) {
      const p = join(stateDir, 'aipro.json');
      writeFileSync(p, typeof config === 'string' ? config : JSON.stringify(config, null, 2), { mode: 0o600 });
      return p;
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A scratch dir (`<tmpdir>/<prefix>XXXXXX`) removed when the test ends. */
export function tempDir(t: { teardown(fn: () => void): void }, prefix = 'aipro-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
