/**
 * What the doctor works from: the context loaded in `defaults` mode (a bad config does not
 * stop it: the doctor reports the problem and carries on with the defaults, because it is
 * the command operators run when something is broken), read at one instant.
 */
import { loadContext, type Context } from '../context.js';
import type { Env } from '../store/paths.js';
import type { DoctorCheck } from './types.js';

/** A command's context with the config problem (if any) and one fixed instant. */
export interface DoctorContext extends Omit<Context, 'now'> {
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

export function buildDoctorContext(
  processEnv: Env = process.env,
  cwd = process.cwd(),
  now = Date.now(),
): DoctorContext {
  return { ...loadContext({ env: processEnv, cwd, mode: 'defaults' }), now };
}

/** Permission bits of a path, or null when it does not exist. */
export function modeOf(statMode: number): number {
  return statMode & 0o777;
}

/** `0644` style. */
export function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
