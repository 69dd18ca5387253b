/**
 * The rate-limit and `Date` headers every provider answer carries (probes and gateway
 * responses alike), read into quota windows and a clock skew. Pure and defensive: a
 * missing or malformed header is skipped, never an error, and nothing but numbers and
 * window labels from the header names is kept (no header value is ever stored as text).
 *
 *   Anthropic API keys   anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset} (RFC
 * 3339)
 *   Anthropic subscription  anthropic-ratelimit-unified-status (allowed | allowed_warning | rejected),
 *                        -unified-{5h,7d}-utilization (0–1), -unified-{5h,7d}-reset (epoch s),
 *                        -unified-reset, -unified-representative-claim (the window that decides)
 *   OpenAI               x-ratelimit-{limit,remaining,reset}-{requests,tokens} (reset a Go duration, `6m0s`)
 *   Codex                x-codex-{primary,secondary}-{used-percent,window-minutes,reset-after-seconds,reset-at}
 */
import type { QuotaWindow } from '../store/schema.js';
import { windowLabel } from '../store/quota.js';

/** Response headers as node gives them (lower-case names). */
export type HeaderBag = Readonly<Record<string, string | string[] | number | undefined>>;

/** What one answer's headers say about the credential's quota. */
export interface RateLimitObservation {
  /** Windows by label, utilization 0–100 (as stored), reset epoch ms. */
  windows: QuotaWindow[];
  /** Anthropic unified status, only when it is one of the known values. */
  status?: 'allowed' | 'allowed_warning' | 'rejected';
}

const UNIFIED_STATUSES = new Set(['allowed', 'allowed_warning', 'rejected']);
/** Resets beyond this are nonsense (a misread unit), not a window. */
const MAX_RESET_AHEAD_MS = 400 * 86_400_000;

function get(h: HeaderBag, name: string): string | undefined {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined) return undefined;
  const t = String(s).trim();
  return t === '' ? undefined : t;
}

function num(h: HeaderBag, name: string): number | undefined {
  const s = get(h, name);
  if (s === undefined || !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const clampPct = (n: number) => Math.min(100, Math.max(0, n));

function sane(at: number | undefined, now: number): number | undefined {
  return at !== undefined && Number.isFinite(at) && at > 0 && at - now <= MAX_RESET_AHEAD_MS
    ? Math.round(at)
    : undefined;
}

/** A Go-style duration (`1s`, `6m0s`, `20ms`, `1h2m3.5s`) in ms, or undefined. */
export function parseGoDuration(value: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * (m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : m[2] === 's' ? 1000 : 1);
    consumed += m[0].length;
  }
  return consumed > 0 && consumed === value.trim().length ? Math.round(total) : undefined;
}

/** `limit` / `remaining` as a utilization window (both needed, limit > 0). */
function fromLimit(
  label: string,
  limit: number | undefined,
  remaining: number | undefined,
  resetsAt: number | undefined,
): QuotaWindow | undefined {
  if (limit === undefined || remaining === undefined || limit <= 0 || remaining < 0) return undefined;
  const w: QuotaWindow = { window: label, utilization: clampPct(((limit - Math.min(remaining, limit)) / limit) * 100) };
  if (resetsAt !== undefined) w.resetsAt = resetsAt;
  return w;
}

function anthropicKeyWindows(h: HeaderBag, now: number, out: QuotaWindow[]): void {
  for (const kind of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
    const p = `anthropic-ratelimit-${kind}`;
    const reset = get(h, `${p}-reset`);
    const at = reset && /^\d{4}-\d{2}-\d{2}T/.test(reset) ? sane(Date.parse(reset), now) : undefined;
    const w = fromLimit(windowLabel(kind) as string, num(h, `${p}-limit`), num(h, `${p}-remaining`), at);
    if (w) out.push(w);
  }
}

function openaiWindows(h: HeaderBag, now: number, out: QuotaWindow[]): void {
  for (const kind of ['requests', 'tokens']) {
    const reset = get(h, `x-ratelimit-reset-${kind}`);
    const d = reset === undefined ? undefined : parseGoDuration(reset);
    const w = fromLimit(
      kind,
      num(h, `x-ratelimit-limit-${kind}`),
      num(h, `x-ratelimit-remaining-${kind}`),
      d === undefined ? undefined : sane(now + d, now),
    );
    if (w) out.push(w);
  }
}

/** Claims that name a window; anything else (a value we do not know) is not turned into a label. */
const CLAIM_RE = /^(five_hour|seven_day|seven_day_[a-z]{1,12}|\d{1,3}[hd](_[a-z]{1,12})?)$/;
const UNIFIED_RE = /^anthropic-ratelimit-unified-([a-z0-9_]{1,16})-utilization$/;

function unifiedWindows(h: HeaderBag, now: number, out: QuotaWindow[]): RateLimitObservation['status'] {
  for (const name of Object.keys(h)) {
    const m = UNIFIED_RE.exec(name);
    const ratio = m ? num(h, name) : undefined;
    const label = m ? windowLabel(m[1] as string) : undefined;
    if (ratio === undefined || !label) continue;
    const resetS = num(h, `anthropic-ratelimit-unified-${m?.[1]}-reset`);
    const at = resetS === undefined ? undefined : sane(resetS * 1000, now);
    out.push({ window: label, utilization: clampPct(ratio * 100), ...(at !== undefined ? { resetsAt: at } : {}) });
  }
  const s = get(h, 'anthropic-ratelimit-unified-status')?.toLowerCase();
  const status = s && UNIFIED_STATUSES.has(s) ? (s as RateLimitObservation['status']) : undefined;
  if (status === 'rejected') {
    // The provider refuses the credential until the deciding window resets: that window is spent.
    const claim = get(h, 'anthropic-ratelimit-unified-representative-claim');
    const label = (claim && CLAIM_RE.test(claim) && windowLabel(claim)) || 'unified';
    const overallS = num(h, 'anthropic-ratelimit-unified-reset');
    const overall = overallS === undefined ? undefined : sane(overallS * 1000, now);
    const w = out.find((x) => x.window === label);
    if (w) {
      w.utilization = 100;
      if (w.resetsAt === undefined && overall !== undefined) w.resetsAt = overall;
    } else out.push({ window: label, utilization: 100, ...(overall !== undefined ? { resetsAt: overall } : {}) });
  }
  return status;
}

function codexWindows(h: HeaderBag, now: number, out: QuotaWindow[]): void {
  for (const which of ['primary', 'secondary']) {
    const p = `x-codex-${which}`;
    const used = num(h, `${p}-used-percent`);
    if (used === undefined) continue;
    const minutes = num(h, `${p}-window-minutes`);
    const label = windowLabel(
      which,
      minutes !== undefined && Number.isInteger(minutes) ? minutes : undefined,
    ) as string;
    const after = num(h, `${p}-reset-after-seconds`);
    const atS = num(h, `${p}-reset-at`);
    const at =
      atS !== undefined
        ? sane(atS * 1000, now)
        : after !== undefined && after >= 0
          ? sane(now + after * 1000, now)
          : undefined;
    out.push({ window: label, utilization: clampPct(used), ...(at !== undefined ? { resetsAt: at } : {}) });
  }
}

/** Quota windows (and Anthropic's unified status) from one answer's headers; undefined when none. */
export function parseRateLimitHeaders(h: HeaderBag, now: number): RateLimitObservation | undefined {
  // Most answers of most providers carry none of these: one pass over the names decides.
  let any = false;
  for (const name in h) {
    if (name.startsWith('anthropic-ratelimit-') || name.startsWith('x-ratelimit-') || name.startsWith('x-codex-')) {
      any = true;
      break;
    }
  }
  if (!any) return undefined;
  const windows: QuotaWindow[] = [];
  anthropicKeyWindows(h, now, windows);
  openaiWindows(h, now, windows);
  const status = unifiedWindows(h, now, windows);
  codexWindows(h, now, windows);
  const byLabel = new Map(windows.map((w) => [w.window, w]));
  if (byLabel.size === 0 && !status) return undefined;
  return {
    windows: [...byLabel.values()].sort((a, b) => a.window.localeCompare(b.window)),
    ...(status ? { status } : {}),
  };
}

/**
 * Provider clock minus local clock in ms, from the `Date` header of an answer that arrived at
 * `receivedAt`. Date has whole seconds (the provider's time cut down to the second), so the
 * middle of that second is the best guess: good to about half a second plus the latency.
 */
export function clockSkewMs(h: HeaderBag, receivedAt: number): number | undefined {
  const d = get(h, 'date');
  if (!d || !/\d{2}:\d{2}:\d{2}/.test(d)) return undefined;
  const at = Date.parse(d);
  return Number.isFinite(at) ? at + 500 - receivedAt : undefined;
}
