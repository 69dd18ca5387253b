/**
 * `monitor/state.json`: alert episodes, probe streaks, silences and the outbox.
 * Read without a lock (for `alerts status`); every change goes through `updateAlertState`
 * (lock, re-read, change, atomic durable write).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AiproConfig } from '../config/schema.js';
import { withLock } from '../store/lock.js';
import { jsonParseProblem } from '../util/json-error.js';
import { monitorStatePath } from '../store/paths.js';
import { writeFileDurable } from '../store/write.js';
import { emptyState, type AlertState } from './types.js';

/** `monitor.statePath`, else `<state dir>/monitor/state.json`. */
export function alertStatePath(config: AiproConfig, env: Record<string, string | undefined>): string {
  return config.monitor.statePath || monitorStatePath(env);
}

export type StateRead = { ok: true; state: AlertState; exists: boolean } | { ok: false; detail: string };

/** Read the state; a missing file is an empty state, a broken one is reported (never guessed at). */
export function readAlertState(path: string): StateRead {
  if (!existsSync(path)) return { ok: true, state: emptyState(), exists: false };
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, detail: `cannot read alert state ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return {
      ok: false,
      detail:
        `alert state ${path} does not parse (${jsonParseProblem(err)}); move it aside to start over (episodes and ` +
        `the outbox are lost)`,
    };
  }
  const doc = alertStateFrom(parsed);
  return doc
    ? { ok: true, exists: true, state: doc }
    : {
        ok: false,
        detail:
          `alert state ${path} does not parse (not an aipro alert state (version 1)); ` +
          'move it aside to start over (episodes and the outbox are lost)',
      };
}

/** A parsed state document as an AlertState (missing parts empty), or null when it is not one. Pure. */
export function alertStateFrom(value: unknown): AlertState | null {
  const parsed = value as Partial<AlertState> | null;
  if (!parsed || typeof parsed !== 'object' || parsed.version !== 1) return null;
  return {
    version: 1,
    episodes: parsed.episodes ?? {},
    probes: parsed.probes ?? {},
    silences: parsed.silences ?? {},
    outbox: Array.isArray(parsed.outbox) ? parsed.outbox : [],
    ...(typeof parsed.generation === 'number' && Number.isSafeInteger(parsed.generation)
      ? { generation: parsed.generation }
      : {}),
  };
}

export class AlertStateError extends Error {}

/**
 * Where alerting keeps its state this cycle. A damaged file is never overwritten (its episodes
 * and outbox may be recovered by hand): new alerts go on from a fresh state beside it,
 * `<path>.fresh`, and `damaged` says what is wrong so it is logged, exported and shown by doctor.
 */
export function usableStatePath(path: string): { path: string; damaged: string | null } {
  const read = readAlertState(path);
  return read.ok ? { path, damaged: null } : { path: `${path}.fresh`, damaged: read.detail };
}

/** The operator's fix for a damaged state file (doctor and the log say the same). */
export function damagedStateFix(path: string): string {
  return (
    `alerts continue from ${path}.fresh; to keep them there: mv ${path} ${path}.corrupt && mv ${path}.fresh ` +
    `${path}`
  );
}

/**
 * Change the state under its lock. `change` gets a fresh copy read under the lock; it returns
 * the new state (or null: nothing to write) and a value for the caller.
 */
export async function updateAlertState<R>(
  path: string,
  change: (
    state: AlertState,
  ) => Promise<{ state: AlertState | null; result: R }> | { state: AlertState | null; result: R },
): Promise<R> {
  return withLock(path, async () => {
    const read = readAlertState(path);
    if (!read.ok) throw new AlertStateError(read.detail);
    const { state, result } = await change(read.state);
    if (state) await saveAlertState(path, state);
    return result;
  });
}

/** Write the state atomically (mode 0600). Callers hold the lock. */
export async function saveAlertState(path: string, state: AlertState): Promise<void> {
  await writeFileDurable(path, `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Where one alert cycle keeps its state: this host's file, or the fleet's row in PostgreSQL.
 * `update` holds the state's lock for the whole cycle and hands `change` a `save` that makes
 * the state durable at once (the outbox is saved before anything is sent).
 */
export interface AlertStateStore {
  /** For messages: a path, or `postgres:<schema>/alert_state/<fleet>`. */
  readonly where: string;
  /** Why the stored state cannot be used (alerts then go on from a fresh state), or null. */
  damaged: string | null;
  update<R>(
    change: (
      state: AlertState,
      save: (state: AlertState) => Promise<void>,
    ) => Promise<{ state: AlertState; result: R }>,
  ): Promise<R>;
}

/** The state file of this host (`monitor.statePath`), or `<path>.fresh` beside a damaged one. */
export function fileAlertStateStore(wanted: string): AlertStateStore & { fix: string | null } {
  const { path, damaged } = usableStatePath(wanted);
  return {
    where: path,
    damaged,
    fix: damaged ? damagedStateFix(wanted) : null,
    update: (change) => updateAlertState(path, (prev) => change(prev, (s) => saveAlertState(path, s))),
  };
}
