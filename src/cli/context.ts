/**
 * What every command starts from: the merged environment, the validated config and
 * the agent it works on. Built once per process; nothing here touches the network.
 */
import { configErrorMessage, loadConfig } from '../config/load.js';
import type { AiproConfig } from '../config/schema.js';
import { fileLayers, loginShellLayer, mergeEnv, processLayer, type EnvLayer, type EnvSource } from '../env/load.js';
import { fileAgentIds } from '../store/backends/file.js';
import { AGENT_ID_RE, storePath, type Env } from '../store/paths.js';
import { CliError, usageError } from './errors.js';

export interface Context {
  env: Record<string, string>;
  envOrigin: Record<string, EnvSource>;
  envLayers: EnvLayer[];
  config: AiproConfig;
  configPath: string;
  configExists: boolean;
  now: () => number;
}

export interface Agent {
  id: string;
  isDefault: boolean;
  storePath: string;
}

/** The env layers that exist before the config is read (process, ./.env, ~/.aipro/.env), merged. */
export function preConfigEnv(processEnv: Env, cwd: string): { base: EnvLayer[]; env: Record<string, string> } {
  const base = [processLayer(processEnv), ...fileLayers(processEnv, cwd)];
  return { base, env: mergeEnv(base).env };
}

/** Add the config's `env.vars` and, when enabled, the login-shell import; merge in precedence order. */
export function withConfigEnv(pre: { base: EnvLayer[]; env: Record<string, string> }, config: AiproConfig): Pick<Context, 'env' | 'envOrigin' | 'envLayers'> {
  const layers: EnvLayer[] = [...pre.base, { source: 'config', vars: config.env.vars }];
  if (config.env.shellEnv.enabled) layers.push(loginShellLayer(pre.env, config.env.shellEnv.timeoutMs));
  const merged = mergeEnv(layers);
  return { env: merged.env, envOrigin: merged.origin, envLayers: layers };
}

/** Build the context. A bad config throws a CliError (exit 1) naming the key and the fix. */
export function loadContext(processEnv: Env = process.env, cwd = process.cwd()): Context {
  const pre = preConfigEnv(processEnv, cwd);
  const loaded = loadConfig(pre.env);
  if (!loaded.ok) throw new CliError(configErrorMessage(loaded));
  return {
    ...withConfigEnv(pre, loaded.config),
    config: loaded.config,
    configPath: loaded.path,
    configExists: loaded.exists,
    now: () => Date.now(),
  };
}

/** Copy variables the env files and config added into process.env (never overwriting). */
export function exportEnv(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.env)) if (process.env[k] === undefined) process.env[k] = v;
}

/** The agent a command works on: `--agent ID` or `agents.default`. */
export function resolveAgent(ctx: Context, flag?: string): Agent {
  const id = flag ?? ctx.config.agents.default;
  if (!AGENT_ID_RE.test(id)) throw usageError(`invalid agent id "${id}": use letters, digits, ".", "_" or "-" (e.g. --agent main)`);
  const isDefault = id === ctx.config.agents.default;
  return { id, isDefault, storePath: storePath(id, ctx.env, isDefault) };
}

/** Every agent with a directory under `~/.aipro/agents`, plus the default agent. */
export function listAgents(ctx: Context): Agent[] {
  return fileAgentIds(ctx.env, ctx.config.agents.default).map((id) => resolveAgent(ctx, id));
}
