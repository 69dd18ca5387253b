/**
 * Every monitor aipro runs, by name: one file each, one line here. Names, run order and
 * default schedules come from `MONITOR_DEFAULT_SCHEDULES` (the config schema's declaration);
 * the scheduler reads `monitor.schedules.<name>` and falls back to the default.
 */
import { MONITOR_DEFAULT_SCHEDULES, MONITOR_NAMES, type MonitorName } from '../src/config/schema.js';
import { expiry } from './expiry.js';
import { refresh } from './refresh.js';
import { store } from './store.js';
import type { Monitor, MonitorImpl } from './types.js';
import { validity } from './validity.js';

export type { MonitorName };

const IMPLS: Record<MonitorName, MonitorImpl> = { store, refresh, validity, expiry };

export const MONITORS: Partial<Record<MonitorName, Monitor>> = Object.fromEntries(
  MONITOR_NAMES.map((name) => [name, { ...IMPLS[name], defaultSchedule: MONITOR_DEFAULT_SCHEDULES[name] }]),
);

/** Registered monitors in run order (the declaration order of the schedules). */
export function monitorList(registry: Partial<Record<string, Monitor>> = MONITORS): Monitor[] {
  const rank = (name: string) => {
    const i = (MONITOR_NAMES as string[]).indexOf(name);
    return i < 0 ? MONITOR_NAMES.length : i;
  };
  return Object.values(registry)
    .filter((m): m is Monitor => m !== undefined)
    .sort((a, b) => rank(a.name) - rank(b.name));
}
