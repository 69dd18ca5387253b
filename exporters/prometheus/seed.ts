/**
 * Seeding a fresh registry from the last textfile `aipro monitor --once` wrote. Each `--once`
 * run starts with empty metrics; without this, an unreadable store would drop its agent's
 * series from the textfile, and every rule alert on them would resolve silently. With it, the
 * last good series stay (the normal update then replaces those of stores that read fine and
 * drops deleted profiles), dated by `aipro_auth_store_last_read_success_timestamp_seconds`.
 * Pure but for the registry it mutates.
 */
import { METRICS, PROFILE_LABELS } from './metrics.js';
import { profileKey, type AiproMetrics } from './registry.js';

type KeyedFamily =
  | 'profileInfo'
  | 'profileExpiry'
  | 'profileExpiryKnown'
  | 'probeSuccess'
  | 'probeValid'
  | 'probeDuration'
  | 'lastProbe'
  | 'probeHttpStatus'
  | 'refreshExpiry'
  | 'nextRefresh'
  | 'cooldownUntil'
  | 'quotaObserved';

const KEYED: Record<string, KeyedFamily> = {
  [METRICS.profileInfo.name]: 'profileInfo',
  [METRICS.profileExpiry.name]: 'profileExpiry',
  [METRICS.profileExpiryKnown.name]: 'profileExpiryKnown',
  [METRICS.probeSuccess.name]: 'probeSuccess',
  [METRICS.probeValid.name]: 'probeValid',
  [METRICS.probeDuration.name]: 'probeDuration',
  [METRICS.lastProbe.name]: 'lastProbe',
  [METRICS.probeHttpStatus.name]: 'probeHttpStatus',
  [METRICS.refreshExpiry.name]: 'refreshExpiry',
  [METRICS.nextRefresh.name]: 'nextRefresh',
  [METRICS.cooldownUntil.name]: 'cooldownUntil',
  [METRICS.quotaObserved.name]: 'quotaObserved',
};

/** Families with one series per quota window (collected per profile, then set at once). */
const WINDOWED: Record<string, 'quotaUtilization' | 'quotaReset'> = {
  [METRICS.quotaUtilization.name]: 'quotaUtilization',
  [METRICS.quotaReset.name]: 'quotaReset',
};

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Labels of one sample line (the exposition format's escaping undone). */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(LABEL)) out[m[1] as string] = unescapeLabel(m[2] as string);
  return out;
}

/**
 * Load the per-profile series and the store read times found in `text` into `m`, and mark
 * those profiles as known, so the next complete update treats them like series of a previous
 * cycle. Returns how many profiles were seeded. Lines it does not know are ignored.
 */
export function seedFromText(m: AiproMetrics, text: string): number {
  const seeded = new Set<string>();
  type Windows = {
    family: 'quotaUtilization' | 'quotaReset';
    key: string;
    base: Record<string, string>;
    list: { window: string; value: number }[];
  };
  const windows = new Map<string, Windows>();
  for (const line of text.split('\n')) {
    const s = SAMPLE.exec(line);
    if (!s) continue;
    const [, name, rawLabels, rawValue] = s as unknown as [string, string, string, string];
    const value = Number(rawValue);
    if (!Number.isFinite(value)) continue;
    const labels = parseLabels(rawLabels);
    if (name === METRICS.storeLastReadSuccess.name) {
      if (labels.agent) m.storeLastReadSuccess.set({ agent: labels.agent }, value);
      continue;
    }
    const family = KEYED[name];
    const windowed = WINDOWED[name];
    const isStatus = name === METRICS.profileStatus.name;
    if (!family && !isStatus && !windowed) continue;
    if (!PROFILE_LABELS.every((l) => typeof labels[l] === 'string' && labels[l] !== '')) continue;
    const key = profileKey(labels.agent as string, labels.profile as string);
    const base = {
      agent: labels.agent as string,
      provider: labels.provider as string,
      profile: labels.profile as string,
    };
    if (windowed) {
      if (!labels.window) continue;
      const id = `${windowed}\u0000${key}`;
      const entry: Windows = windows.get(id) ?? { family: windowed, key, base, list: [] };
      entry.list.push({ window: labels.window, value });
      windows.set(id, entry);
    } else if (isStatus) {
      if (value === 1 && labels.status) m.profileStatus.setState(key, base, labels.status);
      else continue;
    } else if (family === 'profileInfo') {
      m.profileInfo.set(key, { ...base, type: labels.type ?? '', source: labels.source ?? '' }, value);
    } else if (family) {
      m[family].set(key, base, value);
    }
    seeded.add(key);
  }
  for (const w of windows.values()) m[w.family].setWindows(w.key, w.base, w.list);
  for (const key of seeded) {
    const rec = m.profiles.get(key);
    if (rec) rec.known = true;
  }
  return seeded.size;
}
