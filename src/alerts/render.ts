/**
 * Words for notifications: subjects, one-line summaries, the mail body (text + HTML) and the
 * fix command. Pure; `now` is the send time, so relative times are right even after retries.
 */
import { fixCommand } from '../store/fix.js';
import { formatRelative, isoUtc } from '../util/duration.js';
import type { FiringKind, Notification } from './types.js';
import { pushedDef, runbookUrl } from './catalogue.js';

/** The command that fixes the credential: the monitor's hint, else the targeted fix for this profile and agent. */
export function fixFor(n: Notification): string | undefined {
  if (n.kind === 'test') return undefined;
  if (n.fix) return n.fix;
  const cond = n.kind === 'resolved' ? undefined : (n.condition ?? (n.kind as FiringKind));
  const known =
    n.credentialType === 'api_key' || n.credentialType === 'token' || n.credentialType === 'oauth'
      ? n.credentialType
      : undefined;
  const type = cond === 'refresh_failed' ? 'oauth' : cond === 'missing' ? 'none' : (known ?? 'none');
  const synthetic = n.profile === `${n.provider}:none`;
  return fixCommand({ provider: n.provider, type, agent: n.agent, ...(synthetic ? {} : { profileId: n.profile }) });
}

/**
 * `3 days`, `1 day`, `6 hours`, `45 minutes`, rounded to the nearest unit: a reminder sent
 * when the 3d threshold is crossed (2d 23h 59m left) reads "3 days", not "2 days".
 */
export function roughly(ms: number): string {
  const abs = Math.abs(ms);
  const n = (v: number, w: string) => `${v} ${w}${v === 1 ? '' : 's'}`;
  if (abs >= 1.5 * 86_400_000) return n(Math.round(abs / 86_400_000), 'day');
  if (abs >= 0.95 * 86_400_000) return '1 day';
  if (abs >= 1.5 * 3_600_000) return n(Math.round(abs / 3_600_000), 'hour');
  if (abs >= 55 * 60_000) return '1 hour';
  return n(Math.max(1, Math.round(abs / 60_000)), 'minute');
}

/** `anthropic:work expires in 3 days`, `anthropic:work expired 2 hours ago`, … */
export function headline(n: Notification, now: number): string {
  const who = n.profile;
  const left = n.expiresAt !== undefined ? n.expiresAt - now : undefined;
  switch (n.kind) {
    case 'test':
      return 'TEST notification (no action needed)';
    case 'expiring':
      return left !== undefined && left > 0 ? `${who} expires in ${roughly(left)}` : `${who} expires now`;
    case 'expired':
      return left !== undefined ? `${who} expired ${roughly(left)} ago` : `${who} expired`;
    case 'rejected':
      return `${who} was rejected by ${n.provider}`;
    case 'refresh_failed':
      return `${who} OAuth refresh failed`;
    case 'missing':
      return `${n.provider} has no credential`;
    case 'invalid':
      return `${who} is invalid`;
    case 'store_unreadable':
      return `auth store of agent ${n.agent} cannot be read`;
    case 'probe_failing':
      return `${who} live probes failing (${n.probeReason ?? 'unknown'})`;
    case 'resolved':
      return `RESOLVED ${who}`;
  }
}

/** `[aipro] anthropic:work expires in 3 days on gw1`. */
export function subjectLine(n: Notification, now: number): string {
  const repeat = n.threshold?.startsWith('repeat-') ? ' (still firing)' : '';
  return `[aipro] ${headline(n, now)}${repeat} on ${n.host}`;
}

/** Label/value rows shared by the text and HTML mail and the chat formats. */
export function facts(n: Notification, now: number): [string, string][] {
  const rows: [string, string][] = [];
  if (n.kind === 'test') {
    rows.push(
      ['Host', n.host],
      ['Sent', isoUtc(now)],
      ['What', 'This is a test sent by `aipro alerts test`. No credential is affected.'],
    );
    return rows;
  }
  rows.push(['Profile', n.profile], ['Agent', n.agent], ['Provider', n.provider], ['Host', n.host]);
  rows.push(
    ['Status', n.credentialStatus],
    ['Alert', n.kind === 'resolved' ? `resolved (${n.condition ?? 'alert'})` : n.kind],
  );
  if (n.expiresAt !== undefined) rows.push(['Expires', `${isoUtc(n.expiresAt)} (${formatRelative(n.expiresAt, now)})`]);
  if (n.threshold && !n.threshold.startsWith('repeat-')) rows.push(['Reminder', `${n.threshold} before expiry`]);
  if (n.probeReason) rows.push(['Probe', `${n.failedProbes ?? 0} failed in a row (${n.probeReason})`]);
  rows.push(['Detail', n.detail]);
  const fix = n.kind === 'resolved' ? undefined : fixFor(n);
  if (fix) rows.push(['Fix', fix]);
  const cond = n.kind === 'resolved' ? (n.condition ?? 'expiring') : n.kind;
  rows.push(['Runbook', runbookUrl(pushedDef(cond, n.expiresAt !== undefined ? n.expiresAt - now : undefined))]);
  rows.push(['Since', isoUtc(n.startedAt)]);
  return rows;
}

/** The plain-text mail body. */
export function textBody(n: Notification, now: number): string {
  const rows = facts(n, now);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [headline(n, now), '', ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`)];
  const fix = n.kind === 'resolved' || n.kind === 'test' ? undefined : fixFor(n);
  if (fix) lines.push('', 'To fix it, run on the host:', '', `    ${fix}`);
  lines.push('', `-- aipro on ${n.host} · alert ${n.key}`);
  return `${lines.join('\n')}\n`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The HTML mail body (inline styles only: mail clients drop style sheets). */
export function htmlBody(n: Notification, now: number): string {
  const rows = facts(n, now)
    .map(
      ([k, v]) =>
        `<tr><th style="text-align:left;padding:2px 12px 2px 0;color:#555">${esc(k)}</th><td style="padding:2px ` +
        `0">${k === 'Fix' ? `<code>${esc(v)}</code>` : esc(v)}</td></tr>`,
    )
    .join('');
  const fix = n.kind === 'resolved' || n.kind === 'test' ? undefined : fixFor(n);
  const color =
    n.kind === 'resolved' || n.kind === 'test' ? '#2e7d32' : n.severity === 'critical' ? '#c62828' : '#ef6c00';
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="color:${color}">${esc(headline(n, now))}</h2>`,
    `<table>${rows}</table>`,
    fix ? `<p>To fix it, run on the host:</p><pre style="background:#f4f4f4;padding:8px">${esc(fix)}</pre>` : '',
    `<p style="color:#888;font-size:small">aipro on ${esc(n.host)} · alert ${esc(n.key)}</p>`,
    '</body></html>',
  ].join('');
}
