/**
 * Collecting what the units are rendered with on this host: this node, this aipro, the
 * service user, their home and state dir, and the install-time path overrides.
 */
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { homeDir, stateDir, type Env } from '../store/paths.js';
import { VERSION } from '../version.js';
import { lookupUser } from './host.js';
import { renderUnit, type RenderInput } from './render.js';
import { aiproEntry, readTemplates } from './templates.js';
import { UNIT_SETS, type Flavour, type UnitSetName } from './units.js';

export interface InputRequest {
  flavour: Flavour;
  /** `--service-user` (system units only). */
  serviceUser?: string;
  credentials?: { id: string; path?: string }[];
  /** `--node` / `--aipro`: paths for packagers; default this process's. */
  node?: string;
  aipro?: string;
}

export type InputResult = { ok: true; input: RenderInput; warnings: string[] } | { ok: false; detail: string };

/**
 * The render input for `req`. System units default to the user who ran sudo (SUDO_USER),
 * so `sudo aipro systemd install --system` runs the monitor as you, on your state dir.
 */
export function renderInputFor(req: InputRequest, env: Env): InputResult {
  const warnings: string[] = [];
  const me = safeUsername(env);
  let user = me;
  let home = homeDir(env);
  if (req.flavour === 'system') {
    user = req.serviceUser ?? (me === 'root' && env.SUDO_USER ? env.SUDO_USER : me);
    const entry = lookupUser(user);
    if (entry) home = entry.home;
    else
      warnings.push(
        `user ${user} is not in /etc/passwd; the units will fail to start until it exists (useradd --system ` +
          `--create-home --home-dir /var/lib/aipro ${user})`,
      );
    if (user === 'root')
      warnings.push(
        'the system units run as root; a dedicated user is safer: useradd --system --create-home --home-dir ' +
          '/var/lib/aipro aipro, then --service-user aipro',
      );
  } else if (req.serviceUser !== undefined && req.serviceUser !== me) {
    return { ok: false, detail: `--service-user only applies to --system units; user units always run as you (${me})` };
  }
  const dir = env.AIPRO_STATE_DIR
    ? resolve(env.AIPRO_STATE_DIR)
    : req.flavour === 'system'
      ? join(home, '.aipro')
      : stateDir(env);
  // User units: install creates a missing state dir itself (see install.ts).
  if (!existsSync(dir) && req.flavour === 'system')
    warnings.push(
      `the state dir ${dir} does not exist yet; create it first (aipro onboard) — it is the only writable path of ` +
        `the sandbox, so the units cannot start without it`,
    );
  else if (req.flavour === 'system') {
    const owner = lookupUser(user);
    if (owner && statSync(dir).uid !== owner.uid)
      warnings.push(`the state dir ${dir} is not owned by ${user}: chown -R ${user} ${dir}`);
  }
  const node = req.node ?? process.execPath;
  const aipro = req.aipro ?? aiproEntry();
  for (const [label, path] of [
    ['node', node],
    ['aipro', aipro],
  ] as const) {
    if (!existsSync(path))
      warnings.push(`the ${label} path ${path} does not exist; units would fail with status 203/EXEC`);
  }
  const input: RenderInput = {
    flavour: req.flavour,
    node,
    aipro,
    stateDir: dir,
    home,
    user,
    credentials: req.credentials ?? [],
    version: VERSION,
  };
  if (env.AIPRO_CONFIG_PATH) input.configPath = resolve(env.AIPRO_CONFIG_PATH);
  if (env.AIPRO_AGENT_DIR) input.agentDir = resolve(env.AIPRO_AGENT_DIR);
  const writable = configWritable(input.configPath ?? join(dir, 'aipro.json'), env);
  if (!writable.ok)
    warnings.push(
      `${writable.detail}; units are rendered without its writable paths (monitor.textfile.path, ` +
        `monitor.statePath) — fix it (aipro doctor) and install again`,
    );
  input.extraWritable = writable.ok ? writable.dirs : [];
  return { ok: true, input, warnings };
}

/**
 * Directories the monitor writes outside the state dir, from the config the service will
 * read: the node_exporter textfile's and a moved alert state file's. Without them in
 * ReadWritePaths= the sandbox (ProtectSystem=strict) would make those writes fail.
 */
export function configWritable(path: string, env: Env): { ok: true; dirs: string[] } | { ok: false; detail: string } {
  const loaded = loadConfig(env, path);
  if (!loaded.ok) return { ok: false, detail: `cannot read the config ${path} (${loaded.detail})` };
  const monitor = loaded.config.monitor;
  return {
    ok: true,
    dirs: [monitor.textfile.path, monitor.statePath].filter((p) => p !== '').map((p) => dirname(resolve(p))),
  };
}

function safeUsername(env: Env): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'root';
  }
}

export interface RenderedUnit {
  /** Unit file name, e.g. `aipro-monitor.service`. */
  name: string;
  text: string;
}

/** Render every file of `sets` (in `UNIT_SETS` order), or the first reason it cannot be. */
export function renderSets(
  input: RenderInput,
  sets: UnitSetName[],
  templates: Readonly<Record<string, string>> = readTemplates(),
): { ok: true; units: RenderedUnit[] } | { ok: false; detail: string } {
  const units: RenderedUnit[] = [];
  for (const set of sets) {
    for (const name of UNIT_SETS[set].files) {
      const r = renderUnit(name, templates, input);
      if (!r.ok) return { ok: false, detail: `rendering ${name}: ${r.detail}` };
      units.push({ name, text: r.text });
    }
  }
  return { ok: true, units };
}
