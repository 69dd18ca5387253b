/**
 * The work behind `aipro alerts test | status | silence` (the commander wiring is in
 * src/cli/alerts.ts). Output never contains a secret: URLs are shown as scheme + host.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { renderTable } from './table.js';
import { formatRelative, isoUtc, parseDuration } from '../util/duration.js';
import { buildChannels } from '../alerts/channels/index.js';
import { withTimeout } from '../alerts/deliver.js';
import { nextReminder } from '../alerts/engine.js';
import { policyFrom } from '../alerts/rules.js';
import { alertName } from '../alerts/host.js';
import { AlertStateError, alertStatePath, readAlertState, updateAlertState, type StateRead } from '../alerts/state.js';
import type { AlertState, Notification } from '../alerts/types.js';
import { withFleetAlertState } from '../daemon/fleet-alerts.js';
import { io } from './io.js';

/** Run a fleet alert-state step, its failures as a CliError (exit 1) naming the fix. */
async function onFleet<T>(
  ctx: Context,
  fn: Parameters<typeof withFleetAlertState<T>>[1],
): Promise<{ result: T } | null> {
  try {
    return await withFleetAlertState(ctx, fn);
  } catch (err) {
    if (err instanceof AlertStateError || (err as Error).name === 'StoreUnavailableError')
      throw new CliError((err as Error).message);
    throw err;
  }
}

const NO_CHANNELS =
  'no alert channels are configured; add one, e.g. aipro config set alerts.channels.ops ' +
  '\'{"type":"webhook","url":"https://hooks.example.com/x"}\'';

/** `aipro alerts test`: one clearly marked test per channel, results per channel; 1 if any failed. */
export async function alertsTest(ctx: Context, opts: { channel?: string; json?: boolean }): Promise<number> {
  const names = Object.keys(ctx.config.alerts.channels);
  if (names.length === 0) throw new CliError(NO_CHANNELS);
  if (opts.channel && !names.includes(opts.channel))
    throw usageError(`no channel named "${opts.channel}" (configured: ${names.join(', ')})`);
  const host = alertName(ctx.config);
  const built = buildChannels({ config: ctx.config, env: ctx.env, host });
  const now = ctx.now();
  const n: Notification = {
    key: `test:${randomUUID()}`,
    episode: 'test',
    kind: 'test',
    severity: 'info',
    agent: ctx.config.agents.default,
    provider: 'aipro',
    profile: 'aipro:test',
    credentialType: 'none',
    credentialStatus: 'unknown',
    detail: 'test notification sent by `aipro alerts test`; no credential is affected',
    host,
    startedAt: now,
    createdAt: now,
  };
  const wanted = opts.channel ? [opts.channel] : names;
  const results = await Promise.all(
    wanted.map(async (name) => {
      const invalid = built.errors.find((e) => e.channel === name);
      if (invalid) return { channel: name, ok: false, detail: `invalid config: ${invalid.message}` };
      const ch = built.channels.find((c) => c.name === name);
      if (!ch) return { channel: name, ok: false, detail: 'not built' };
      const r = await withTimeout(ch.timeoutMs, (signal) => ch.send(n, { now, signal, cycleIntervalMs: 60_000 }));
      return { channel: name, type: ch.type, ok: r.ok, detail: r.detail ?? (r.ok ? 'delivered' : 'failed') };
    }),
  );
  const failed = results.filter((r) => !r.ok).length;
  if (opts.json) io().stdout.write(`${JSON.stringify({ ok: failed === 0, key: n.key, channels: results }, null, 2)}\n`);
  else {
    for (const r of results) io().stdout.write(`${r.ok ? 'ok    ' : 'FAILED'}  ${r.channel}  ${r.detail}\n`);
    if (failed > 0)
      io().stderr.write(
        `${failed} channel(s) failed; fix the config or the receiver, then run \`aipro alerts test --channel ` +
          `NAME\` again\n`,
      );
  }
  return failed > 0 ? EXIT.FAIL : EXIT.OK;
}

/** `aipro alerts status`. */
export async function alertsStatus(ctx: Context, opts: { json?: boolean }): Promise<number> {
  // On the fleet store the leader keeps the state in PostgreSQL, under the fleet's name.
  const fleet = await onFleet(ctx, async (store) => ({ where: store.where, ...(await store.read()) }));
  const path = fleet ? fleet.result.where : alertStatePath(ctx.config, ctx.env);
  const read: StateRead = fleet ? { ok: true, ...fleet.result } : readAlertState(path);
  if (!read.ok) throw new CliError(read.detail);
  const { state } = read;
  const now = ctx.now();
  const policy = policyFrom(ctx.config, alertName(ctx.config));
  const episodes = Object.values(state.episodes)
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((ep) => {
      const next = nextReminder(ep, policy);
      const silence = state.silences[ep.profile];
      return {
        agent: ep.agent,
        provider: ep.provider,
        profile: ep.profile,
        track: ep.track,
        condition: ep.condition,
        status: ep.last.status,
        since: isoUtc(ep.startedAt),
        expiresAt: ep.last.expiresAt !== undefined ? isoUtc(ep.last.expiresAt) : null,
        lastNotifiedAt: ep.lastNotifiedAt > 0 ? isoUtc(ep.lastNotifiedAt) : null,
        thresholdsPassed: ep.passed,
        nextReminder: next ? { at: isoUtc(next.at), what: next.what } : null,
        silencedUntil: silence && silence.until > now ? isoUtc(silence.until) : null,
      };
    });
  const silences = Object.values(state.silences)
    .filter((s) => s.until > now)
    .map((s) => ({ profile: s.profile, until: isoUtc(s.until), createdAt: isoUtc(s.createdAt) }));
  const outbox = state.outbox.map((i) => ({
    channel: i.channel,
    key: i.notification.key,
    kind: i.notification.kind,
    profile: i.notification.profile,
    attempts: i.attempts,
    nextAttemptAt: isoUtc(i.nextAttemptAt),
    enqueuedAt: isoUtc(i.enqueuedAt),
    lastError: i.lastError ?? null,
  }));
  if (opts.json) {
    io().stdout.write(
      `${JSON.stringify(
        {
          version: 1,
          statePath: path,
          host: policy.host,
          channels: Object.keys(ctx.config.alerts.channels),
          episodes,
          silences,
          outbox,
        },
        null,
        2,
      )}\n`,
    );
    return EXIT.OK;
  }
  const out: string[] = [
    `Alert state: ${path}${read.exists ? '' : ' (not created yet)'}`,
    `Channels: ${Object.keys(ctx.config.alerts.channels).join(', ') || '(none)'}`,
    '',
  ];
  out.push(`Firing episodes: ${episodes.length}`);
  if (episodes.length > 0) {
    const rows = episodes.map((e) => [
      e.agent,
      e.profile,
      e.condition,
      formatRelative(Date.parse(e.since), now),
      e.nextReminder ? `${e.nextReminder.what} ${formatRelative(Date.parse(e.nextReminder.at), now)}` : '-',
      e.silencedUntil ? `until ${e.silencedUntil}` : '-',
    ]);
    out.push(renderTable(['AGENT', 'PROFILE', 'ALERT', 'SINCE', 'NEXT REMINDER', 'SILENCED'], rows, '  '));
  }
  out.push('', `Silences: ${silences.length}`);
  if (silences.length > 0)
    out.push(
      renderTable(
        ['PROFILE', 'UNTIL'],
        silences.map((s) => [s.profile, `${s.until} (${formatRelative(Date.parse(s.until), now)})`]),
        '  ',
      ),
    );
  out.push('', `Outbox: ${outbox.length} pending`);
  if (outbox.length > 0) {
    const rows = outbox.map((o) => [
      o.channel,
      o.kind,
      o.profile,
      String(o.attempts),
      formatRelative(Date.parse(o.nextAttemptAt), now),
      o.lastError ?? '-',
    ]);
    out.push(renderTable(['CHANNEL', 'KIND', 'PROFILE', 'ATTEMPTS', 'NEXT TRY', 'LAST ERROR'], rows, '  '));
  }
  io().stdout.write(`${out.join('\n')}\n`);
  return EXIT.OK;
}

/** `aipro alerts silence ID --for 2d | --remove`. */
export async function alertsSilence(
  ctx: Context,
  profile: string,
  opts: { for?: string; remove?: boolean },
): Promise<number> {
  const now = ctx.now();
  const ms = opts.for ? parseDuration(opts.for) : null;
  if (opts.for && ms === null) throw usageError(`--for "${opts.for}" is not a duration (use e.g. 30m, 12h, 2d, 1w)`);
  const change = (state: AlertState): { state: AlertState | null; result: string } => {
    if (opts.remove) {
      if (!state.silences[profile]) return { state: null, result: `${profile} was not silenced` };
      delete state.silences[profile];
      return { state, result: `silence of ${profile} removed; notifications resume on the next monitor cycle` };
    }
    const until = now + (ms as number);
    state.silences[profile] = { profile, until, createdAt: now };
    return {
      state,
      result:
        `${profile} silenced until ${isoUtc(until)} (${formatRelative(until, now)}); undo with \`aipro alerts ` +
        `silence ${profile} --remove\``,
    };
  };
  // On the fleet store the silence goes to the fleet's state, which the leader reads.
  const fleet = await onFleet(ctx, (store) =>
    store.update(async (state) => {
      const out = change(state);
      return { state: out.state ?? state, result: out.result };
    }),
  );
  const message = fleet ? fleet.result : await updateAlertState(alertStatePath(ctx.config, ctx.env), change);
  io().stdout.write(`${message}\n`);
  return EXIT.OK;
}
