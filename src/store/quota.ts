/**
 * Quota headroom of one credential, judged from what was last observed (probe answers and
 * gateway responses): window labels, the worst window, and whether a window is spent until
 * a reset the provider named. Pure: every function takes `now`.
 *
 * Window labels (the `window` label of the quota metrics, the `QUOTA` column):
 *   Anthropic usage endpoint `five_hour` / `seven_day` / `seven_day_opus` / `seven_day_sonnet`
 *     → `5h` / `7d` / `7d_opus` / `7d_sonnet`; unified headers `-5h-…` / `-7d-…` → `5h` / `7d`;
 *   Anthropic API-key headers `requests`, `tokens`, `input-tokens`, `output-tokens`
 *     → `requests`, `tokens`, `input_tokens`, `output_tokens`; OpenAI → `requests`, `tokens`;
 *   Codex `primary` / `secondary` → by their window length (300 min → `5h`, 10080 min → `7d`,
 *     other whole hours/days likewise, else `<n>m`); `primary` / `secondary` when no length is known.
 */
import type { QuotaRecord, QuotaWindow, UsageStats } from './schema.js';

const LABEL_RE = /^[a-z0-9_]{1,40}$/;

/** A window length in minutes as a label: `5h`, `7d`, `90m`. */
export function minutesLabel(minutes: number): string | undefined {
  if (!Number.isInteger(minutes) || minutes <= 0) return undefined;
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** The label of a provider's window name (idempotent: a label maps to itself). Undefined when unusable. */
export function windowLabel(name: string, minutes?: number): string | undefined {
  if (minutes !== undefined) {
    const byLength = minutesLabel(minutes);
    if (byLength) return byLength;
  }
  const n = name
    .trim()
    .toLowerCase()
    .replace(/-/g, '_')
    .replace(/^five_hour/, '5h')
    .replace(/^seven_day/, '7d');
  return LABEL_RE.test(n) ? n : undefined;
}

/**
 * Windows that limit only some models (`7d_opus`, `7d_sonnet`): spending one does not make
 * the credential unusable, so they never block it.
 */
export function isModelScoped(label: string): boolean {
  return /_(opus|sonnet|haiku)$/.test(label);
}

/** Windows with labels (legacy provider names mapped), de-duplicated by label (last wins). Pure. */
export function labelledWindows(windows: readonly QuotaWindow[]): QuotaWindow[] {
  const out = new Map<string, QuotaWindow>();
  for (const w of windows) {
    const minutes = typeof w.minutes === 'number' ? w.minutes : undefined;
    const label = windowLabel(String(w.window), minutes);
    if (!label || typeof w.utilization !== 'number' || !Number.isFinite(w.utilization)) continue;
    const u = Math.min(100, Math.max(0, w.utilization));
    out.set(label, {
      window: label,
      utilization: u,
      ...(typeof w.resetsAt === 'number' && Number.isFinite(w.resetsAt) ? { resetsAt: w.resetsAt } : {}),
    });
  }
  return [...out.values()].sort((a, b) => a.window.localeCompare(b.window));
}

/** The newest quota observation of a profile: the gateway's record or the last probe's. */
export function latestQuota(stats: UsageStats | undefined): QuotaRecord | undefined {
  const fromGateway = stats?.quota;
  const p = stats?.lastProbe;
  const fromProbe: QuotaRecord | undefined =
    p && (p.quota?.length || p.quotaStatus)
      ? { at: p.at, windows: p.quota ?? [], ...(p.quotaStatus ? { status: p.quotaStatus } : {}) }
      : undefined;
  const pick = !fromGateway
    ? fromProbe
    : !fromProbe
      ? fromGateway
      : fromProbe.at > fromGateway.at
        ? fromProbe
        : fromGateway;
  if (!pick || !Array.isArray(pick.windows)) return undefined;
  return {
    at: pick.at,
    windows: labelledWindows(pick.windows),
    ...(typeof pick.status === 'string' ? { status: pick.status } : {}),
  };
}

/** Windows still current at `now`: a window whose reset passed has started over, its number is stale. */
export function currentWindows(rec: QuotaRecord | undefined, now: number): QuotaWindow[] {
  return (rec?.windows ?? []).filter((w) => w.resetsAt === undefined || w.resetsAt > now);
}

/** The most used current window (ties: the one that resets last), or undefined. */
export function worstWindow(rec: QuotaRecord | undefined, now: number): QuotaWindow | undefined {
  let worst: QuotaWindow | undefined;
  for (const w of currentWindows(rec, now)) {
    if (
      !worst ||
      w.utilization > worst.utilization ||
      (w.utilization === worst.utilization && (w.resetsAt ?? 0) > (worst.resetsAt ?? 0))
    )
      worst = w;
  }
  return worst;
}

/** A credential whose quota is spent until the provider's own reset time. */
export interface QuotaBlock {
  window: string;
  until: number;
}

/**
 * Is the profile's quota spent at `now`, and until when? Only a known reset in the future
 * blocks (never a guess). When the provider sent a unified status, it decides: `rejected`
 * blocks, `allowed`/`allowed_warning` never do (overage may still serve requests). Without
 * one, a window at 100 % blocks unless it limits only some models.
 */
export function quotaBlock(stats: UsageStats | undefined, now: number): QuotaBlock | undefined {
  const rec = latestQuota(stats);
  if (!rec) return undefined;
  if (rec.status !== undefined && rec.status !== 'rejected') return undefined;
  let block: QuotaBlock | undefined;
  for (const w of currentWindows(rec, now)) {
    if (w.utilization < 100 || w.resetsAt === undefined || isModelScoped(w.window)) continue;
    if (!block || w.resetsAt > block.until) block = { window: w.window, until: w.resetsAt };
  }
  return block;
}

/** Epoch ms until which the quota blocks the profile, 0 when it does not. */
export function quotaBlockedUntil(stats: UsageStats | undefined, now: number): number {
  return quotaBlock(stats, now)?.until ?? 0;
}

/** Clock skew beyond which expiry judgements (and the operator) are warned. */
export const CLOCK_SKEW_WARN_MS = 60_000;

/** The latest clock skew per provider among probe results (`at` decides). Pure. */
export function latestClockSkews(
  probes: Iterable<{ provider: string; at: number; clockSkewMs?: number }>,
): Map<string, { at: number; ms: number }> {
  const out = new Map<string, { at: number; ms: number }>();
  for (const p of probes) {
    if (typeof p.clockSkewMs !== 'number' || !Number.isFinite(p.clockSkewMs)) continue;
    const prev = out.get(p.provider);
    if (!prev || p.at > prev.at) out.set(p.provider, { at: p.at, ms: p.clockSkewMs });
  }
  return out;
}
