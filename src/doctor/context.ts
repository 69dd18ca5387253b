/**
 * What the doctor works from. Unlike `loadContext`, a bad config does not stop it: the
 * doctor reports the problem and carries on with the defaults, because it is the command
 * operators run when something is broken.
 */
import { existsSync } from 'node:fs';
import { loadConfig, validateConfig, type ConfigLoad } from '../config/load.js';
import type { AiproConfig } from '../config/schema.js';
import { preConfigEnv, withConfigEnv, type Context } from '../cli/context.js';
import { configPath, type Env } from '../store/paths.js';
import type { DoctorCheck } from './types.js';

/** A command's context, plus the config problem (doctor runs on defaults instead of stopping). */
export interface DoctorContext extends Omit<Context, 'now'> {
  /** Set when the config file is unreadable or invalid (the defaults are used instead). */
  configError?: Extract<ConfigLoad, { ok: false }>;
  now: number;
}

/** A finding plus what `--fix` would do about it (internal to the doctor). */
export interface Finding extends DoctorCheck {
  agent?: string;
  path?: string;
  repair?: Repair;
}

export type Repair =
  | { kind: 'chmod'; path: string; mode: number }
  | { kind: 'unlock'; path: string }
  | { kind: 'restore'; path: string };

export function buildDoctorContext(processEnv: Env = process.env, cwd = process.cwd(), now = Date.now()): DoctorContext {
  const pre = preConfigEnv(processEnv, cwd);
  const loaded = loadConfig(pre.env);
  let config: AiproConfig;
  let configError: DoctorContext['configError'];
  let exists = false;
  if (loaded.ok) {
    config = loaded.config;
    exists = loaded.exists;
  } else {
    configError = loaded;
    // Defaults; if even those fail, an env override (AIPRO_WARN_HOURS=…) is the culprit.
    const fallback = validateConfig({}, loaded.path, pre.env);
    const plain = fallback.ok ? fallback : validateConfig({}, loaded.path, {});
    if (!plain.ok) throw new Error(`config defaults do not validate: ${plain.key}: ${plain.detail}`);
    config = plain.config;
    exists = existsSync(loaded.path);
  }
  return {
    ...withConfigEnv(pre, config),
    config,
    configPath: loaded.path ?? configPath(pre.env),
    configExists: exists,
    ...(configError ? { configError } : {}),
    now,
  };
}

/** Permission bits of a path, or null when it does not exist. */
export function modeOf(statMode: number): number {
  return statMode & 0o777;
}

/** `0644` style. */
export function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
