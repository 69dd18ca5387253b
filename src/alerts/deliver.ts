/**
 * Delivery: every channel works through its due outbox items concurrently with the others,
 * each send bounded by the channel timeout, so one broken channel never blocks another.
 */
import type { Logger as MonitorLogger } from '../log.js';
import { dueFor, settle } from './outbox.js';
import type { AlertMetricsSink, AlertState, Channel, DeliveryResult, Notification, SendContext } from './types.js';

/** Run `fn` with an abort signal that fires at `timeoutMs`; a hang or a throw becomes a retry. */
export async function withTimeout(
  timeoutMs: number,
  fn: (signal: AbortSignal) => Promise<DeliveryResult>,
): Promise<DeliveryResult> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DeliveryResult>((resolve) => {
    timer = setTimeout(() => {
      ac.abort();
      resolve({ ok: false, retry: true, detail: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      fn(ac.signal).catch((err: unknown) => ({
        ok: false as const,
        retry: true,
        detail: `channel failed unexpectedly: ${(err as Error)?.message ?? String(err)}`,
      })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface DeliverInput {
  state: AlertState;
  channels: Channel[];
  now: number;
  cycleIntervalMs: number;
  log: MonitorLogger;
  metrics?: AlertMetricsSink;
}

/** Deliver due outbox items; mutates `state.outbox`. Returns how many were delivered. */
export async function deliverOutbox(input: DeliverInput): Promise<number> {
  const { state, now, log, metrics } = input;
  const counts = await Promise.all(
    input.channels.map(async (ch) => {
      let sent = 0;
      for (const item of dueFor(state, ch.name, now)) {
        const ctx = (signal: AbortSignal): SendContext => ({ now, signal, cycleIntervalMs: input.cycleIntervalMs });
        const result = await withTimeout(ch.timeoutMs, (signal) => ch.send(item.notification, ctx(signal)));
        const outcome = settle(state, item, result, now);
        safe(() => metrics?.notification(ch.name, outcome));
        const fields = {
          channel: ch.name,
          key: item.notification.key,
          kind: item.notification.kind,
          profile: item.notification.profile,
          attempts: item.attempts,
        };
        if (outcome === 'delivered') {
          sent += 1;
          log.info('alert_delivered', fields);
        } else if (outcome === 'permanent') {
          log.error('alert_failed', {
            ...fields,
            error: result.ok ? '' : result.detail,
            hint: `check alerts.channels.${ch.name}, then \`aipro alerts test --channel ${ch.name}\``,
          });
        } else {
          log.warn('alert_retry', {
            ...fields,
            error: result.ok ? '' : result.detail,
            nextAttemptAt: new Date(item.nextAttemptAt).toISOString(),
          });
          // The channel is down: leave its other items for the next cycle instead of timing out on each.
          break;
        }
      }
      return sent;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Re-send every firing alert to channels that need it (Alertmanager); failures are logged only. */
export async function refreshFiring(input: DeliverInput & { firing: Notification[] }): Promise<void> {
  await Promise.all(
    input.channels.map(async (ch) => {
      if (!ch.refresh || input.firing.length === 0) return;
      const result = await withTimeout(ch.timeoutMs, (signal) =>
        (ch.refresh as NonNullable<Channel['refresh']>)(input.firing, {
          now: input.now,
          signal,
          cycleIntervalMs: input.cycleIntervalMs,
        }),
      );
      if (!result.ok)
        input.log.warn('alert_refresh_failed', { channel: ch.name, alerts: input.firing.length, error: result.detail });
    }),
  );
}

/** Metrics sinks are someone else's code: never let them break delivery. */
export function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // ignored on purpose
  }
}
