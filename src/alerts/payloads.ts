/**
 * Wire payloads: aipro JSON v1, Alertmanager alerts (API v2 push and webhook v4), Slack,
 * Discord and ntfy. Pure; documented field by field in docs/alerts.md.
 */
import { createHash } from 'node:crypto';
import { isoUtc } from '../util/duration.js';
import {
  DEFAULT_CRITICAL_S,
  ORIGIN,
  alertDef,
  fillTemplate,
  humanSeconds,
  pushedDef,
  runbookUrl,
  type AlertDef,
} from './catalogue.js';
import { profileLabel, type ProfileLabelMode } from '../util/profile-label.js';
import { facts, fixFor, headline, roughly, subjectLine, textBody } from './render.js';
import type { FiringKind, Notification } from './types.js';

/** aipro JSON v1 (`schema: "aipro.alert.v1"`). */
export function aiproV1(n: Notification, now: number): Record<string, unknown> {
  const def = n.kind === 'test' ? null : alertDefOf(n, now);
  return {
    schema: 'aipro.alert.v1',
    id: n.key,
    episode: n.episode,
    kind: n.kind,
    condition: n.condition ?? null,
    threshold: n.threshold ?? null,
    status: n.kind === 'resolved' ? 'resolved' : n.kind === 'test' ? 'test' : 'firing',
    severity: n.severity,
    test: n.kind === 'test',
    host: n.host,
    agent: n.agent,
    provider: n.provider,
    profile: n.profile,
    credentialType: n.credentialType,
    credentialStatus: n.credentialStatus,
    expiresAt: n.expiresAt !== undefined ? isoUtc(n.expiresAt) : null,
    expiresInSeconds: n.expiresAt !== undefined ? Math.round((n.expiresAt - now) / 1000) : null,
    alertname: def?.name ?? 'AiproTest',
    summary: subjectLine(n, now),
    description: def ? catalogueText(n, def, now).description : n.detail,
    runbookUrl: def ? runbookUrl(def) : null,
    detail: n.detail,
    fix: fixFor(n) ?? null,
    probe: n.probeReason ? { reason: n.probeReason, failedInARow: n.failedProbes ?? 0 } : null,
    startedAt: isoUtc(n.startedAt),
    createdAt: isoUtc(n.createdAt),
    sentAt: isoUtc(now),
  };
}

/** One Alertmanager alert (API v2 `postableAlert`). Labels are stable through an episode. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/** How one Alertmanager alert is built. */
export interface AmOptions {
  now: number;
  endsAt: number;
  generatorURL: string;
  /** The `profile` label: the id, or its hash (`monitor.labels.profile`), as the metrics write it. */
  profileLabel?: ProfileLabelMode;
  /** Less than this left: the critical expiry alert (`alerts.criticalWithin`, default 1 day). */
  criticalMs?: number;
}

/** The catalogue entry `n` is raised under (`expiring` by the time left at `now`). */
export function alertDefOf(n: Notification, now: number, condition?: FiringKind, criticalMs?: number): AlertDef {
  const cond: FiringKind =
    condition ?? (n.kind === 'resolved' || n.kind === 'test' ? (n.condition ?? 'expiring') : n.kind);
  return pushedDef(cond, n.expiresAt !== undefined ? n.expiresAt - now : undefined, criticalMs);
}

/** Labels of the pushed alert `def` for `n`: the same names the rule alerts carry. */
function amLabels(n: Notification, def: AlertDef | null, mode: ProfileLabelMode): Record<string, string> {
  return {
    alertname: def ? def.name : 'AiproTest',
    severity: def ? def.severity : 'info',
    origin: ORIGIN.push,
    host: n.host,
    agent: n.agent,
    provider: n.provider,
    profile: profileLabel(n.profile, mode),
  };
}

/** The catalogue's summary and description of `def` filled in for `n`. */
export function catalogueText(
  n: Notification,
  def: AlertDef,
  now: number,
  criticalMs = DEFAULT_CRITICAL_S * 1000,
): { summary: string; description: string } {
  const fix = fixFor(n);
  const values: Record<string, string> = {
    profile: n.profile,
    agent: n.agent,
    provider: n.provider,
    host: n.host,
    type: n.credentialType,
    left: n.expiresAt !== undefined ? roughly(n.expiresAt - now) : 'unknown time',
    critical: humanSeconds(Math.round(criticalMs / 1000)),
    fix: fix ? `\`${fix}\`` : 'see the runbook',
  };
  return { summary: fillTemplate(def.summary, values), description: fillTemplate(def.description, values) };
}

/**
 * The Alertmanager alert for `n` (or for `condition`, when resolving a replaced one): labels
 * `alertname`, `severity`, `origin="push"`, `host`, `agent`, `provider`, `profile`; annotations
 * `summary`, `description` (with the fix command), `runbook_url`, `fix`, `detail`, `expires_at`.
 */
export function amAlert(n: Notification, opts: AmOptions & { condition?: FiringKind; def?: AlertDef }): AmAlert {
  const def = n.kind === 'test' ? null : (opts.def ?? alertDefOf(n, opts.now, opts.condition, opts.criticalMs));
  const labels = amLabels(n, def, opts.profileLabel ?? 'id');
  const annotations: Record<string, string> = def
    ? { ...catalogueText(n, def, opts.now, opts.criticalMs), runbook_url: runbookUrl(def) }
    : { summary: subjectLine(n, opts.now), description: n.detail };
  if (def) annotations.detail = n.detail;
  const fix = fixFor(n);
  if (fix && n.kind !== 'resolved') annotations.fix = fix;
  if (n.expiresAt !== undefined) annotations.expires_at = isoUtc(n.expiresAt);
  return {
    labels,
    annotations,
    startsAt: isoUtc(n.startedAt),
    endsAt: isoUtc(opts.endsAt),
    generatorURL: opts.generatorURL,
  };
}

const EXPIRING_NAMES = ['AiproCredentialExpiringSoon', 'AiproCredentialExpiringCritical'];

/** Every catalogue entry a condition can be raised under (`expiring`: both bands). */
function defsOf(cond: FiringKind): AlertDef[] {
  return cond === 'expiring' ? EXPIRING_NAMES.map(alertDef) : [pushedDef(cond, undefined)];
}

/**
 * What to push for `n`: its alert (ending at `endsAt`), plus an immediate end (`endsAt` = now)
 * for every alert of the episode it replaces: the previous condition, or the warning band once
 * an expiring credential crosses into the critical band. A `resolved` ends every name its
 * condition could have been raised under.
 */
export function amAlertsFor(n: Notification, opts: AmOptions): AmAlert[] {
  const ended = { ...opts, endsAt: opts.now };
  if (n.kind === 'test') return [amAlert(n, opts)];
  if (n.kind === 'resolved') return defsOf(n.condition ?? 'expiring').map((def) => amAlert(n, { ...ended, def }));
  const def = alertDefOf(n, opts.now, undefined, opts.criticalMs);
  const out = [amAlert(n, { ...opts, def })];
  const gone = new Set<AlertDef>(n.previousCondition ? defsOf(n.previousCondition) : []);
  if (def.name === 'AiproCredentialExpiringCritical') gone.add(alertDef('AiproCredentialExpiringSoon'));
  gone.delete(def);
  for (const d of gone) out.push(amAlert({ ...n, kind: 'resolved' }, { ...ended, def: d }));
  return out;
}

/** Alertmanager's label-set fingerprint stand-in (stable hex over the sorted labels). */
export function labelFingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\xff');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The Alertmanager webhook v4 payload (what Alertmanager itself posts to webhook receivers). */
export function alertmanagerWebhookV4(
  n: Notification,
  now: number,
  receiver: string,
  externalURL: string,
): Record<string, unknown> {
  const resolved = n.kind === 'resolved';
  const a = amAlert(n, { now, endsAt: now, generatorURL: externalURL });
  const alert = {
    status: resolved ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: resolved ? a.endsAt : '0001-01-01T00:00:00Z',
    generatorURL: a.generatorURL,
    fingerprint: labelFingerprint(a.labels),
  };
  const groupLabels = { alertname: a.labels.alertname as string, profile: n.profile };
  return {
    version: '4',
    groupKey: `{}:{alertname="${groupLabels.alertname}", profile="${n.profile}"}`,
    truncatedAlerts: 0,
    status: alert.status,
    receiver,
    groupLabels,
    commonLabels: a.labels,
    commonAnnotations: a.annotations,
    externalURL,
    alerts: [alert],
  };
}

const SLACK_COLOR = { critical: '#c62828', warning: '#ef6c00', info: '#2e7d32' } as const;

/** Slack incoming webhook: `text` for notifications, one attachment with the facts. */
export function slack(n: Notification, now: number): Record<string, unknown> {
  return {
    text: subjectLine(n, now),
    attachments: [
      {
        color: SLACK_COLOR[n.severity],
        fallback: subjectLine(n, now),
        fields: facts(n, now).map(([title, value]) => ({
          title,
          value: title === 'Fix' ? `\`${value}\`` : value,
          short: value.length < 40,
        })),
        footer: `aipro · ${n.key}`,
      },
    ],
  };
}

/** Discord webhook: `content` plus one embed (colour as an integer). */
export function discord(n: Notification, now: number): Record<string, unknown> {
  return {
    content: subjectLine(n, now),
    embeds: [
      {
        title: headline(n, now),
        color: Number.parseInt(SLACK_COLOR[n.severity].slice(1), 16),
        fields: facts(n, now).map(([name, value]) => ({
          name,
          value: name === 'Fix' ? `\`${value}\`` : value,
          inline: value.length < 40,
        })),
        footer: { text: `aipro · ${n.key}` },
        timestamp: new Date(now).toISOString(),
      },
    ],
  };
}

/** ntfy: the body is the text message; title, priority and tags go in headers. */
export function ntfy(n: Notification, now: number): { body: string; headers: Record<string, string> } {
  const priority = n.kind === 'resolved' || n.kind === 'test' ? '3' : n.severity === 'critical' ? '5' : '4';
  const tags =
    n.kind === 'resolved'
      ? 'white_check_mark'
      : n.kind === 'test'
        ? 'test_tube'
        : n.severity === 'critical'
          ? 'rotating_light'
          : 'warning';
  return { body: textBody(n, now), headers: { Title: subjectLine(n, now), Priority: priority, Tags: `${tags},aipro` } };
}
