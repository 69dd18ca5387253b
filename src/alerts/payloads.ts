/**
 * Wire payloads: aipro JSON v1, Alertmanager alerts (API v2 push and webhook v4), Slack,
 * Discord and ntfy. Pure; documented field by field in README.md "Alerts".
 */
import { createHash } from 'node:crypto';
import { isoUtc } from '../util/duration.js';
import { facts, fixFor, headline, subjectLine, textBody } from './render.js';
import type { FiringKind, Notification } from './types.js';

/** aipro JSON v1 (`schema: "aipro.alert.v1"`). */
export function aiproV1(n: Notification, now: number): Record<string, unknown> {
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
    summary: subjectLine(n, now),
    detail: n.detail,
    fix: fixFor(n) ?? null,
    probe: n.probeReason ? { reason: n.probeReason, failedInARow: n.failedProbes ?? 0 } : null,
    startedAt: isoUtc(n.startedAt),
    createdAt: isoUtc(n.createdAt),
    sentAt: isoUtc(now),
  };
}

const ALERTNAMES: Record<FiringKind, string> = {
  expiring: 'AiproCredentialExpiring',
  expired: 'AiproCredentialExpired',
  rejected: 'AiproCredentialRejected',
  refresh_failed: 'AiproCredentialRefreshFailed',
  missing: 'AiproCredentialMissing',
  invalid: 'AiproCredentialInvalid',
  probe_failing: 'AiproCredentialProbeFailing',
  store_unreadable: 'AiproCredentialStoreUnreadable',
};

/** One Alertmanager alert (API v2 `postableAlert`). Labels are stable through an episode. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/** The Alertmanager alert for `n` (or for `condition`, when resolving a replaced one). */
export function amAlert(n: Notification, opts: { now: number; endsAt: number; generatorURL: string; condition?: FiringKind }): AmAlert {
  const cond: FiringKind = opts.condition ?? (n.kind === 'resolved' || n.kind === 'test' ? (n.condition ?? 'expiring') : n.kind);
  const labels: Record<string, string> = {
    alertname: n.kind === 'test' ? 'AiproTest' : ALERTNAMES[cond],
    severity: n.kind === 'test' ? 'info' : cond === 'expiring' || cond === 'probe_failing' ? 'warning' : 'critical',
    agent: n.agent,
    provider: n.provider,
    profile: n.profile,
    instance: n.host,
  };
  const annotations: Record<string, string> = { summary: subjectLine({ ...n, kind: n.kind === 'resolved' ? cond : n.kind }, opts.now), description: n.detail };
  const fix = fixFor(n);
  if (fix && n.kind !== 'resolved') annotations.fix = fix;
  if (n.expiresAt !== undefined) annotations.expires_at = isoUtc(n.expiresAt);
  return { labels, annotations, startsAt: isoUtc(n.startedAt), endsAt: isoUtc(opts.endsAt), generatorURL: opts.generatorURL };
}

/** Alertmanager's label-set fingerprint stand-in (stable hex over the sorted labels). */
export function labelFingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\xff');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The Alertmanager webhook v4 payload (what Alertmanager itself posts to webhook receivers). */
export function alertmanagerWebhookV4(n: Notification, now: number, receiver: string, externalURL: string): Record<string, unknown> {
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
        fields: facts(n, now).map(([title, value]) => ({ title, value: title === 'Fix' ? `\`${value}\`` : value, short: value.length < 40 })),
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
        fields: facts(n, now).map(([name, value]) => ({ name, value: name === 'Fix' ? `\`${value}\`` : value, inline: value.length < 40 })),
        footer: { text: `aipro · ${n.key}` },
        timestamp: new Date(now).toISOString(),
      },
    ],
  };
}

/** ntfy: the body is the text message; title, priority and tags go in headers. */
export function ntfy(n: Notification, now: number): { body: string; headers: Record<string, string> } {
  const priority = n.kind === 'resolved' || n.kind === 'test' ? '3' : n.severity === 'critical' ? '5' : '4';
  const tags = n.kind === 'resolved' ? 'white_check_mark' : n.kind === 'test' ? 'test_tube' : n.severity === 'critical' ? 'rotating_light' : 'warning';
  return { body: textBody(n, now), headers: { Title: subjectLine(n, now), Priority: priority, Tags: `${tags},aipro` } };
}
