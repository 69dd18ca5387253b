/**
 * Quota headroom and clock skew as `models status` and `doctor` show them: the QUOTA cell
 * (`5h 82% (resets 14:00)`, the worst current window, times in UTC), its `--json` form, and
 * the clock-skew warning. Formatting only; the judgements are in src/store/quota.ts.
 */
import { CLOCK_SKEW_WARN_MS, currentWindows, latestClockSkews, worstWindow } from '../store/quota.js';
import type { QuotaRecord } from '../store/schema.js';
import { ago, skewText } from '../util/skew-text.js';
import { isoUtc } from '../util/duration.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `14:00` within a day, else `12-05 09:00` (UTC, like every time in `models status`). */
export function resetTime(at: number, now: number): string {
  const d = new Date(at);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return at - now < 86_400_000 ? hm : `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hm}`;
}

/** The QUOTA cell: the worst current window, `-` when none is known. */
export function quotaCell(rec: QuotaRecord | undefined, now: number): string {
  const w = worstWindow(rec, now);
  if (!w) return '-';
  const pct = `${Math.floor(w.utilization)}%`;
  return `${w.window} ${pct}${w.resetsAt !== undefined ? ` (resets ${resetTime(w.resetsAt, now)})` : ''}`;
}

/** `profiles[].quota` in `--json`: current windows, utilization 0–1, times ISO and ms. */
export function quotaJson(rec: QuotaRecord | undefined, now: number) {
  if (!rec) return null;
  const worst = worstWindow(rec, now);
  return {
    observedAt: isoUtc(rec.at),
    observedAtMs: rec.at,
    status: rec.status ?? null,
    worst: worst?.window ?? null,
    windows: currentWindows(rec, now).map((w) => ({
      window: w.window,
      utilization: Math.round(w.utilization * 100) / 10_000,
      resetsAt: w.resetsAt === undefined ? null : isoUtc(w.resetsAt),
      resetsAtMs: w.resetsAt ?? null,
    })),
  };
}

/** One probed credential's clock reading (`lastProbe`). */
export interface SkewInput {
  provider: string;
  lastProbe?: { at: number; clockSkewMs?: number | undefined };
}

/** Providers whose clock (latest probe) differs from this host's by more than a minute. */
export function clockSkewWarnings(rows: readonly SkewInput[], now: number): string[] {
  const skews = latestClockSkews(
    rows.flatMap((r) =>
      r.lastProbe
        ? [
            {
              provider: r.provider,
              at: r.lastProbe.at,
              ...(r.lastProbe.clockSkewMs !== undefined ? { clockSkewMs: r.lastProbe.clockSkewMs } : {}),
            },
          ]
        : [],
    ),
  );
  const out: string[] = [];
  for (const [provider, s] of [...skews].sort(([a], [b]) => a.localeCompare(b))) {
    if (Math.abs(s.ms) <= CLOCK_SKEW_WARN_MS) continue;
    out.push(
      `clock skew: ${provider}'s clock is ${skewText(s.ms)} this host (Date header of the probe ${ago(s.at, now)}); ` +
        'expiry times are judged by the local clock, so they are off by as much — sync it (timedatectl status; ' +
        'chrony or systemd-timesyncd)',
    );
  }
  return out;
}

/** `clockSkew` in `--json`: provider → latest skew in seconds and when it was read. */
export function clockSkewJson(rows: readonly SkewInput[]): Record<string, { seconds: number; at: string }> {
  const skews = latestClockSkews(
    rows.flatMap((r) =>
      r.lastProbe?.clockSkewMs !== undefined
        ? [{ provider: r.provider, at: r.lastProbe.at, clockSkewMs: r.lastProbe.clockSkewMs }]
        : [],
    ),
  );
  return Object.fromEntries([...skews].map(([p, s]) => [p, { seconds: Math.round(s.ms) / 1000, at: isoUtc(s.at) }]));
}
