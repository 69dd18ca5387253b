/**
 * Subscription usage as the providers' usage endpoints report it, reduced to one shape
 * (`QuotaWindow`: window label, utilization 0–100, reset time) for the stored probe record
 * and the quota metrics. Window names become labels (`five_hour` → `5h`, a Codex window by
 * its length; see `windowLabel`). Pure; unknown or malformed windows are skipped, never guessed.
 */
import { windowLabel } from '../store/quota.js';
import type { QuotaWindow } from '../store/schema.js';

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function pct(v: unknown): number | undefined {
  const n = num(v);
  return n === undefined ? undefined : Math.min(100, Math.max(0, n));
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * Anthropic `GET /api/oauth/usage`: `{ five_hour: { utilization, resets_at }, seven_day,
 * seven_day_opus, seven_day_sonnet, extra_usage, … }`; absent windows are null.
 */
export function anthropicQuota(json: unknown): QuotaWindow[] {
  const root = obj(json);
  if (!root) return [];
  const out: QuotaWindow[] = [];
  for (const [name, raw] of Object.entries(root)) {
    const w = obj(raw);
    const utilization = pct(w?.utilization);
    const label = /^[a-z0-9_]{1,40}$/.test(name) ? windowLabel(name) : undefined;
    if (!w || utilization === undefined || !label) continue;
    const at = typeof w.resets_at === 'string' ? Date.parse(w.resets_at) : NaN;
    out.push({ window: label, utilization, ...(Number.isFinite(at) ? { resetsAt: at } : {}) });
  }
  return out.sort((a, b) => a.window.localeCompare(b.window));
}

/**
 * Codex `GET /wham/usage`: `{ rate_limit: { primary_window: { used_percent, limit_window_seconds,
 * reset_at (epoch s) | reset_after_seconds }, secondary_window } }`.
 */
export function codexQuota(json: unknown, now: number): QuotaWindow[] {
  const rl = obj(obj(json)?.rate_limit);
  if (!rl) return [];
  const out: QuotaWindow[] = [];
  for (const name of ['primary', 'secondary'] as const) {
    const w = obj(rl[`${name}_window`]);
    const utilization = pct(w?.used_percent);
    if (!w || utilization === undefined) continue;
    const resetAt = num(w.reset_at);
    const after = num(w.reset_after_seconds);
    const resetsAt =
      resetAt !== undefined && resetAt > 0
        ? resetAt * 1000
        : after !== undefined && after >= 0
          ? now + after * 1000
          : undefined;
    const seconds = num(w.limit_window_seconds);
    const minutes = seconds !== undefined && seconds > 0 && seconds % 60 === 0 ? seconds / 60 : undefined;
    out.push({
      window: windowLabel(name, minutes) ?? name,
      utilization,
      ...(resetsAt !== undefined ? { resetsAt } : {}),
    });
  }
  return out;
}
