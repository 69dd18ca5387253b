/**
 * Where aipro keeps its files. Every path is derived from the environment passed in,
 * so tests and systemd units can point the whole program at another directory.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/** Agent ids become directory names: keep them to a safe alphabet. */
export const AGENT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function homeDir(env: Env = process.env): string {
  return env.HOME && env.HOME.length > 0 ? env.HOME : homedir();
}

/** `~/.aipro`, or `AIPRO_STATE_DIR`. */
export function stateDir(env: Env = process.env): string {
  const override = env.AIPRO_STATE_DIR;
  return override ? resolve(override) : join(homeDir(env), '.aipro');
}

/** `~/.aipro/aipro.json`, or `AIPRO_CONFIG_PATH`. */
export function configPath(env: Env = process.env): string {
  const override = env.AIPRO_CONFIG_PATH;
  return override ? resolve(override) : join(stateDir(env), 'aipro.json');
}

/** `~/.aipro/.env`: the daemon's environment file. */
export function daemonEnvPath(env: Env = process.env): string {
  return join(stateDir(env), '.env');
}

/** Directory holding all agents: `~/.aipro/agents`. */
export function agentsRoot(env: Env = process.env): string {
  return join(stateDir(env), 'agents');
}

/**
 * `~/.aipro/agents/<id>/agent`. `AIPRO_AGENT_DIR` overrides the directory of the
 * default agent only (the agent a command runs on when `--agent` is not given).
 */
export function agentDir(agentId: string, env: Env = process.env, isDefault = false): string {
  if (isDefault && env.AIPRO_AGENT_DIR) return resolve(env.AIPRO_AGENT_DIR);
  return join(agentsRoot(env), agentId, 'agent');
}

/** `…/agent/auth-profiles.json`. */
export function storePath(agentId: string, env: Env = process.env, isDefault = false): string {
  return join(agentDir(agentId, env, isDefault), 'auth-profiles.json');
}

/** `~/.aipro/monitor`: alert state, outbox. */
export function monitorDir(env: Env = process.env): string {
  return join(stateDir(env), 'monitor');
}

/** `~/.aipro/monitor/state.json` unless config overrides it. */
export function monitorStatePath(env: Env = process.env): string {
  return join(monitorDir(env), 'state.json');
}
