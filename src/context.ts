/**
 * What every command and process starts from: the merged environment, the validated config
 * and the agents it works on. Built by ONE loader; nothing here touches the network.
 *
 * A bad config is handled by mode, because callers differ in what they can do about it:
 * - `throw` (commands): an AiproError (exit 1) naming the key and the fix;
 * - `defaults` (the doctor, run when something is broken): carry on with the defaults and
 *   keep the problem in `configError` so it can be reported;
 * - `result` (the daemon, at start and on SIGHUP): the problem comes back as data so the
 *   daemon can refuse it and keep the old config.
 */
import { existsSync } from 'node:fs';
import { configErrorMessage, loadConfig, validateConfig, type ConfigLoad } from './config/load.js';
import type { AiproConfig } from './config/schema.js';
import { fileLayers, loginShellLayer, mergeEnv, processLayer, type EnvLayer, type EnvSource } from './env/load.js';
import { AiproError, usageError } from './errors.js';
import { fileAgentIds } from './store/backends/file.js';
import { AGENT_ID_RE, storePath, type Env } from './store/paths.js';

export type ConfigError = Extract<ConfigLoad, { ok: false }>;

export interface Context {
  env: Record<string, string>;
  envOrigin: Record<string, EnvSource>;
  envLayers: EnvLayer[];
  config: AiproConfig;
  configPath: string;
  configExists: boolean;
  /** Set only in `defaults` mode, when the config was unreadable or invalid. */
  configError?: ConfigError;
  now: () => number;
}

export interface Agent {
  id: string;
  isDefault: boolean;
  storePath: string;
}

export interface LoadOptions {
  env?: Env;
  cwd?: string;
  now?: () => number;
}

export type ContextResult = { ok: true; ctx: Context } | { ok: false; key: string; detail: string; message: string };

/** The env layers that exist before the config is read (process, ./.env, ~/.aipro/.env), merged. */
function preConfigEnv(processEnv: Env, cwd: string): { base: EnvLayer[]; env: Record<string, string> } {
  const base = [processLayer(processEnv), ...fileLayers(processEnv, cwd)];
  return { base, env: mergeEnv(base).env };
}

/** Add the config's `env.vars` and, when enabled, the login-shell import; merge in precedence order. */
function withConfigEnv(
  pre: { base: EnvLayer[]; env: Record<string, string> },
  config: AiproConfig,
): Pick<Context, 'env' | 'envOrigin' | 'envLayers'> {
  const layers: EnvLayer[] = [...pre.base, { source: 'config', vars: config.env.vars }];
  if (config.env.shellEnv.enabled) layers.push(loginShellLayer(pre.env, config.env.shellEnv.timeoutMs));
  const merged = mergeEnv(layers);
  return { env: merged.env, envOrigin: merged.origin, envLayers: layers };
}

/** The schema defaults; if even those fail, an env override (AIPRO_WARN_HOURS=…) is the culprit. */
function defaultConfig(path: string, env: Env): AiproConfig {
  const fallback = validateConfig({}, path, env);
  const plain = fallback.ok ? fallback : validateConfig({}, path, {});
  if (!plain.ok) throw new Error(`config defaults do not validate: ${plain.key}: ${plain.detail}`);
  return plain.config;
}

export function loadContext(opts?: LoadOptions & { mode?: 'throw' | 'defaults' }): Context;
export function loadContext(opts: LoadOptions & { mode: 'result' }): ContextResult;
export function loadContext(
  opts: LoadOptions & { mode?: 'throw' | 'defaults' | 'result' } = {},
): Context | ContextResult {
  const mode = opts.mode ?? 'throw';
  const pre = preConfigEnv(opts.env ?? process.env, opts.cwd ?? process.cwd());
  const now = opts.now ?? (() => Date.now());
  const loaded = loadConfig(pre.env);
  if (loaded.ok) {
    const ctx: Context = {
      ...withConfigEnv(pre, loaded.config),
      config: loaded.config,
      configPath: loaded.path,
      configExists: loaded.exists,
      now,
    };
    return mode === 'result' ? { ok: true, ctx } : ctx;
  }
  if (mode === 'throw') throw new AiproError(configErrorMessage(loaded));
  if (mode === 'result')
    return { ok: false, key: loaded.key, detail: loaded.detail, message: configErrorMessage(loaded) };
  const config = defaultConfig(loaded.path, pre.env);
  return {
    ...withConfigEnv(pre, config),
    config,
    configPath: loaded.path,
    configExists: existsSync(loaded.path),
    configError: loaded,
    now,
  };
}

/** Copy variables the env files and config added into process.env (never overwriting). */
export function exportEnv(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.env)) if (process.env[k] === undefined) process.env[k] = v;
}

/** The agent a command works on: `--agent ID` or `agents.default`. */
export function resolveAgent(ctx: Context, flag?: string): Agent {
  const id = flag ?? ctx.config.agents.default;
  if (!AGENT_ID_RE.test(id))
    throw usageError(`invalid agent id "${id}": use letters, digits, ".", "_" or "-" (e.g. --agent main)`);
  const isDefault = id === ctx.config.agents.default;
  return { id, isDefault, storePath: storePath(id, ctx.env, isDefault) };
}

/** Every agent with a directory under `~/.aipro/agents`, plus the default agent. */
export function listAgents(ctx: Context): Agent[] {
  return fileAgentIds(ctx.env, ctx.config.agents.default).map((id) => resolveAgent(ctx, id));
}
