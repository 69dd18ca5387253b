/** Clock skew and observation age as `models status` and `doctor` print them. */
import { formatDuration, formatRelative } from './duration.js';

/** `5m ahead of` / `2m 30s behind`: whole seconds (the Date header has no more). */
export function skewText(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const text = s >= 60 && s < 3600 && s % 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : formatDuration(s * 1000);
  return `${text} ${ms >= 0 ? 'ahead of' : 'behind'}`;
}

/**
 * `just now` within a second (or when it ran after `now` was read, as a probe of this very command does), else `5m
 * ago`.
 */
export function ago(at: number, now: number): string {
  return now - at < 1000 ? 'just now' : formatRelative(at, now);
}
