/**
 * The outbox, pure: which notification waits for which channel, when it is tried next
 * (exponential backoff), and when it is given up. Delivery itself is in `deliver.ts`.
 */
import type { AlertState, DeliveryResult, Notification, OutboxItem } from './types.js';

/** First retry after 30 s, doubling, at most every 30 min. */
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 30 * 60_000;
/** A notification nobody could deliver for 7 days is dropped (and logged). */
export const OUTBOX_MAX_AGE_MS = 7 * 86_400_000;

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

/** Queue each notification once per channel (a key already queued for a channel is not doubled). */
export function enqueue(state: AlertState, notifications: Notification[], channels: string[], now: number): void {
  const queued = new Set(state.outbox.map((i) => `${i.channel}\n${i.notification.key}`));
  for (const n of notifications) {
    for (const channel of channels) {
      if (queued.has(`${channel}\n${n.key}`)) continue;
      state.outbox.push({ channel, notification: n, attempts: 0, nextAttemptAt: now, enqueuedAt: now });
      queued.add(`${channel}\n${n.key}`);
    }
  }
}

/** Items of `channel` due at `now`, oldest first (per-channel order is preserved). */
export function dueFor(state: AlertState, channel: string, now: number): OutboxItem[] {
  return state.outbox
    .filter((i) => i.channel === channel && i.nextAttemptAt <= now)
    .sort((a, b) => a.enqueuedAt - b.enqueuedAt);
}

/** Apply one delivery result: remove on success or permanent failure, else schedule a retry. */
export function settle(
  state: AlertState,
  item: OutboxItem,
  result: DeliveryResult,
  now: number,
): 'delivered' | 'retry' | 'permanent' {
  if (result.ok || !result.retry) {
    state.outbox = state.outbox.filter((i) => i !== item);
    return result.ok ? 'delivered' : 'permanent';
  }
  item.attempts += 1;
  item.nextAttemptAt = now + backoffMs(item.attempts);
  item.lastError = result.detail;
  return 'retry';
}

/** Remove items too old to matter, or for channels no longer configured; returns them. */
export function prune(state: AlertState, channels: Set<string>, now: number): OutboxItem[] {
  const dropped = state.outbox.filter((i) => !channels.has(i.channel) || now - i.enqueuedAt > OUTBOX_MAX_AGE_MS);
  if (dropped.length > 0) state.outbox = state.outbox.filter((i) => !dropped.includes(i));
  return dropped;
}

/** Pending items per channel (every configured channel appears, 0 included). */
export function pendingByChannel(state: AlertState, channels: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of channels) m.set(c, 0);
  for (const i of state.outbox) m.set(i.channel, (m.get(i.channel) ?? 0) + 1);
  return m;
}
