/**
 * Environment precedence (first wins, a set variable is never overwritten):
 * process env > ./.env > ~/.aipro/.env > config env.vars > login-shell import.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { daemonEnvPath, type Env } from '../store/paths.js';

export type EnvSource = 'process' | 'cwd-dotenv' | 'state-dotenv' | 'config' | 'login-shell';

export interface EnvLayer {
  source: EnvSource;
  vars: Record<string, string>;
  /** File the layer came from, when it did. */
  path?: string;
  /** Why the layer is empty (unreadable file, shell timed out…). */
  problem?: string;
}

/** Read a dotenv file; a missing file is an empty layer. */
export function readDotenv(path: string, source: EnvSource): EnvLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? { source, path, vars: {} }
      : { source, path, vars: {}, problem: `cannot read ${path} (${code})` };
  }
  return { source, path, vars: parseEnv(text) as Record<string, string> };
}

/** Merge layers in precedence order: earlier layers win; returns the env and where each key came from. */
export function mergeEnv(layers: EnvLayer[]): { env: Record<string, string>; origin: Record<string, EnvSource> } {
  const env: Record<string, string> = {};
  const origin: Record<string, EnvSource> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer.vars)) {
      if (v === undefined || Object.hasOwn(env, k)) continue;
      env[k] = v;
      origin[k] = layer.source;
    }
  }
  return { env, origin };
}

/** The file layers: `./.env` then `~/.aipro/.env` (the state dir comes from the process env). */
export function fileLayers(processEnv: Env, cwd: string): EnvLayer[] {
  return [readDotenv(join(cwd, '.env'), 'cwd-dotenv'), readDotenv(daemonEnvPath(processEnv), 'state-dotenv')];
}

/**
 * Import variables from a login shell (`$SHELL -ilc 'env -0'`), bounded by `timeoutMs`.
 * Only used when `env.shellEnv.enabled`; the caller keeps only keys that are missing.
 */
export function loginShellLayer(processEnv: Env, timeoutMs: number): EnvLayer {
  const shell = processEnv.SHELL || '/bin/sh';
  // Loaded here, not at the top: child_process costs every command's start-up, and only
  // hosts with env.shellEnv.enabled ever get this far.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const res = spawnSync(shell, ['-ilc', 'env -0'], {
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: processEnv as NodeJS.ProcessEnv,
    maxBuffer: 4 * 1024 * 1024,
  });
  if (res.error || res.status !== 0) {
    const why =
      (res.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT'
        ? `timed out after ${timeoutMs} ms`
        : `exited ${res.status ?? res.signal}`;
    return { source: 'login-shell', vars: {}, problem: `login-shell env import (${shell}) ${why}` };
  }
  const vars: Record<string, string> = {};
  for (const entry of res.stdout.split('\0')) {
    const i = entry.indexOf('=');
    if (i > 0) vars[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return { source: 'login-shell', vars };
}

export function processLayer(processEnv: Env): EnvLayer {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) vars[k] = v;
  return { source: 'process', vars };
}
