/**
 * One alert cycle, called by the monitor after each expiry run: engine → outbox (saved before
 * anything is sent) → channels, concurrently → outbox saved again. It never throws into the
 * monitor: every failure is logged and what was not delivered stays in the outbox.
 */
import type { AiproConfig } from '../config/schema.js';
import type { Logger as MonitorLogger } from '../log.js';
import type { Observation } from '../observation.js';
import { buildChannels } from './channels/index.js';
import { deliverOutbox, refreshFiring, safe } from './deliver.js';
import { evaluate, notificationOf } from './engine.js';
import { enqueue, pendingByChannel, prune } from './outbox.js';
import { alertHost } from './host.js';
import { policyFrom } from './rules.js';
import { alertStatePath, type AlertStateStore, fileAlertStateStore } from './state.js';
import type { AlertMetricsSink, Notification } from './types.js';

export interface RunAlertsInput {
  config: AiproConfig;
  env: Record<string, string>;
  observations: Observation[];
  now: number;
  log: MonitorLogger;
  metrics?: AlertMetricsSink;
  /** Monitor cycle interval; Alertmanager alerts end 3 intervals after the last push. */
  cycleIntervalMs: number;
  /**
   * Where the state lives (default: this host's file) and the name alerts carry (default:
   * `alertHost`). A fleet passes its PostgreSQL row and the fleet's name.
   */
  fleet?: { state: AlertStateStore; name: string; fix?: string };
}

export { alertHost } from './host.js';

/** Run one alert cycle. Never throws: channel and state failures are logged and retried. */
export async function runAlerts(input: RunAlertsInput): Promise<{ sent: number; pending: number }> {
  const { config, env, now, log, metrics } = input;
  try {
    const host = input.fleet?.name ?? alertHost(config);
    const policy = policyFrom(config, host);
    const built = buildChannels({ config, env, host });
    for (const e of built.errors)
      log.error('alert_channel_invalid', {
        channel: e.channel,
        error: e.message,
        hint: 'fix it with `aipro config set`, then `aipro config validate`',
      });
    const configured = Object.keys(config.alerts.channels);
    const file = input.fleet ? null : fileAlertStateStore(alertStatePath(config, env));
    const store: AlertStateStore = input.fleet?.state ?? (file as AlertStateStore);
    const { damaged } = store;
    safe(() => metrics?.stateOk?.(damaged ? 0 : 1));
    if (damaged)
      log.error('alert_state_damaged', {
        path: file ? alertStatePath(config, env) : store.where,
        error: damaged,
        hint: file?.fix ?? input.fleet?.fix ?? '',
      });

    return await store.update(async (prev, save) => {
      const { state, notifications } = evaluate(input.observations, prev, now, policy);
      for (const n of notifications)
        log.info('alert', { kind: n.kind, agent: n.agent, profile: n.profile, threshold: n.threshold, key: n.key });
      if (notifications.length > 0 && configured.length === 0)
        log.warn('alert_no_channels', {
          notifications: notifications.length,
          hint: 'add one under alerts.channels (see `aipro alerts --help`)',
        });
      enqueue(state, notifications, configured, now);
      for (const d of prune(state, new Set(configured), now)) {
        safe(() => metrics?.notification(d.channel, 'dropped'));
        const why = configured.includes(d.channel)
          ? `undelivered for ${Math.round((now - d.enqueuedAt) / 3_600_000)}h`
          : 'channel no longer configured';
        log.error('alert_dropped', {
          channel: d.channel,
          key: d.notification.key,
          attempts: d.attempts,
          reason: why,
          error: d.lastError ?? '',
        });
      }
      // Durable before sending: a crash mid-delivery resends (same idempotency key), never loses.
      await save(state);

      const sent = await deliverOutbox({
        state,
        channels: built.channels,
        now,
        cycleIntervalMs: input.cycleIntervalMs,
        log,
        ...(metrics ? { metrics } : {}),
      });
      // Silenced ones too: a silence mutes aipro's messages; letting the pushed alert lapse
      // would tell Alertmanager the credential is fixed.
      const firing: Notification[] = Object.values(state.episodes)
        .filter((ep) => ep.notified)
        .map((ep) => notificationOf(ep, ep.condition, undefined, now, policy));
      await refreshFiring({
        state,
        channels: built.channels,
        now,
        cycleIntervalMs: input.cycleIntervalMs,
        log,
        firing,
      });

      for (const [channel, count] of pendingByChannel(state, configured))
        safe(() => metrics?.outboxPending(channel, count));
      return { state, result: { sent, pending: state.outbox.length } };
    });
  } catch (err) {
    log.error('alerts_failed', {
      error: (err as Error)?.message ?? String(err),
      hint: 'run `aipro alerts status` and `aipro doctor`',
    });
    return { sent: 0, pending: 0 };
  }
}
