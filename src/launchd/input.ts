/**
 * Collecting what the plists are rendered with on this host: this node, this aipro (found
 * as the systemd installer finds it, src/util/entry.ts), the user a LaunchDaemon runs as,
 * their home and state dir, and the install-time path overrides.
 */
import { existsSync, realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { homeDir, type Env } from '../store/paths.js';
import { aiproEntry } from '../util/entry.js';
import { VERSION } from '../version.js';
import type { Flavour, JobName } from './jobs.js';
import { renderPlist, type RenderedPlist, type RenderInput } from './render.js';

export interface InputRequest {
  flavour: Flavour;
  /** `--node` / `--aipro`: paths for packagers; default this process's. */
  node?: string;
  aipro?: string;
  platform?: NodeJS.Platform;
}

export type InputResult = { ok: true; input: RenderInput; warnings: string[] } | { ok: false; detail: string };

/** Homebrew's version-free links: a plist naming the Cellar path breaks on `brew upgrade node`. */
const STABLE_NODE_LINKS = ['/opt/homebrew/bin/node', '/usr/local/bin/node'];

/** `node` as a stable link when one points at this binary, else the binary itself. */
export function stableNode(execPath: string, links: readonly string[] = STABLE_NODE_LINKS): string {
  let real: string;
  try {
    real = realpathSync(execPath);
  } catch {
    return execPath;
  }
  for (const link of links) {
    try {
      if (link !== real && realpathSync(link) === real) return link;
    } catch {
      // No such link on this host.
    }
  }
  return execPath;
}

function safeUsername(env: Env): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'root';
  }
}

/**
 * The render input for `req`. LaunchDaemons run as the user who ran sudo (SUDO_USER), so
 * `sudo aipro launchd install --system` runs the monitor as you, on your state dir.
 */
export function renderInputFor(req: InputRequest, env: Env): InputResult {
  const warnings: string[] = [];
  const me = safeUsername(env);
  let user = me;
  let home = homeDir(env);
  if (req.flavour === 'system' && me === 'root' && env.SUDO_USER && env.SUDO_USER !== 'root') {
    user = env.SUDO_USER;
    home = join((req.platform ?? process.platform) === 'darwin' ? '/Users' : '/home', user);
  }
  if (req.flavour === 'system' && user === 'root')
    warnings.push(
      'the LaunchDaemons run as root; run the install with sudo from your own account so they run as you (UserName)',
    );
  const stateDir = env.AIPRO_STATE_DIR ? resolve(env.AIPRO_STATE_DIR) : join(home, '.aipro');
  if (req.flavour === 'system' && !existsSync(stateDir))
    warnings.push(
      `the state dir ${stateDir} does not exist yet; create it first (aipro onboard), or set AIPRO_STATE_DIR`,
    );
  const node = req.node ?? stableNode(process.execPath);
  const aipro = req.aipro ?? aiproEntry();
  for (const [label, path] of [
    ['node', node],
    ['aipro', aipro],
  ] as const) {
    if (!existsSync(path))
      warnings.push(
        `the ${label} path ${path} does not exist; the jobs would fail to start (launchctl print shows "last exit ` +
          `code = 78")`,
      );
  }
  const input: RenderInput = { flavour: req.flavour, node, aipro, stateDir, home, user, version: VERSION };
  if (env.AIPRO_CONFIG_PATH) input.configPath = resolve(env.AIPRO_CONFIG_PATH);
  if (env.AIPRO_AGENT_DIR) input.agentDir = resolve(env.AIPRO_AGENT_DIR);
  return { ok: true, input, warnings };
}

/** Render every job of `jobs` (in `JOBS` order), or the first reason it cannot be. */
export function renderJobs(
  input: RenderInput,
  jobs: JobName[],
): { ok: true; plists: RenderedPlist[] } | { ok: false; detail: string } {
  const plists: RenderedPlist[] = [];
  for (const job of jobs) {
    const r = renderPlist(job, input);
    if (!r.ok) return { ok: false, detail: `rendering the ${job} job: ${r.detail}` };
    plists.push(r.plist);
  }
  return { ok: true, plists };
}
