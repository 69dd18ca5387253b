/**
 * Every monitor aipro runs, by name: one file each, one line here. The scheduler reads
 * its schedule from `monitor.schedules.<name>` (default: the monitor's own).
 */
import { expiry } from './expiry.js';
import { refresh } from './refresh.js';
import { store } from './store.js';
import type { Monitor } from './types.js';
import { validity } from './validity.js';

export type MonitorName = Monitor['name'];

export const MONITORS: Partial<Record<MonitorName, Monitor>> = {
  expiry,
  validity,
  store,
  refresh,
};

/** Registered monitors in run order for `--once`: local checks first, expiry last so it sees fresh probe and refresh results. */
export function monitorList(registry: Partial<Record<string, Monitor>> = MONITORS): Monitor[] {
  const rank: Record<string, number> = { store: 0, refresh: 1, validity: 2, expiry: 3 };
  return Object.values(registry)
    .filter((m): m is Monitor => m !== undefined)
    .sort((a, b) => (rank[a.name] ?? 9) - (rank[b.name] ?? 9));
}
