/** Durations as operators write them (`365d`, `12h`, `30m`, `1h30m`) and as we print them. */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Parse `365d`, `12h`, `1h30m`, `90s`, `500ms`. Returns null on anything else (or zero/negative). */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(s)) return null;
  let total = 0;
  for (const m of s.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
  }
  return total > 0 && Number.isSafeInteger(total) ? total : null;
}

/** Compact duration: `42m`, `5h 3m`, `3d 4h`, `2y 10d`. Always positive (sign is the caller's). */
export function formatDuration(ms: number): string {
  let s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const y = Math.floor(s / (365 * 86400));
  s -= y * 365 * 86400;
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  if (y > 0) return d > 0 ? `${y}y ${d}d` : `${y}y`;
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}

/** `in 3d 4h` / `5h ago`. */
export function formatRelative(targetMs: number, now: number): string {
  const diff = targetMs - now;
  return diff >= 0 ? `in ${formatDuration(diff)}` : `${formatDuration(diff)} ago`;
}

/** Words for mail subjects: `3 days`, `6 hours`, `45 minutes`. */
export function formatDurationWords(ms: number): string {
  const abs = Math.abs(ms);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (abs >= 2 * 86_400_000) return plural(Math.floor(abs / 86_400_000), 'day');
  if (abs >= 2 * 3_600_000) return plural(Math.floor(abs / 3_600_000), 'hour');
  return plural(Math.max(1, Math.floor(abs / 60_000)), 'minute');
}

/** ISO-8601 in UTC without milliseconds: `2026-11-25T13:00:00Z`. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
