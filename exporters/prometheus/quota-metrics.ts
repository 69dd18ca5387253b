/**
 * Quota and clock-skew series: per profile, one utilization and one reset series per current
 * window, the time of the observation; per provider, the clock skew of its latest probe.
 * Windows whose reset passed are left out: their number describes a window that started over.
 */
import type { QuotaRecord } from '../../src/store/schema.js';
import { currentWindows, labelledWindows, latestClockSkews } from '../../src/store/quota.js';
import { KeyedGauge, escapeLabelValue, flat, formatValue, labelText, type MetricJson } from './family.js';

const BASE = ['agent', 'provider', 'profile'] as const;
const BASE_KEY = BASE.join(',');

interface Sample {
  window: string;
  value: number;
}

/**
 * A gauge with several series per key (one per quota window). The key's lines are cached as
 * one text block and rebuilt only when a value changes, like the other per-profile families.
 */
export class WindowGauge extends KeyedGauge {
  private readonly samples = new Map<string, { labels: Record<string, string>; list: Sample[] }>();

  /** Make `list` the series of `key`; an empty list removes them. */
  setWindows(key: string, labels: Record<string, string>, list: Sample[]): void {
    if (list.length === 0) {
      this.remove(key);
      return;
    }
    const sig = list.map((x) => `${x.window}=${x.value}`).join('|');
    this.samples.set(key, { labels: { ...labels }, list });
    this.put(key, labels, sig, BASE, BASE_KEY, () => {
      const head = `${this.open}${labelText(BASE, BASE_KEY, labels)},window="`;
      return flat(list.map((x) => `${head}${escapeLabelValue(x.window)}"} ${formatValue(x.value)}`).join('\n'));
    });
  }

  protected override lines(e: { text: string }, out: string[]): void {
    out.push('\n', e.text);
  }

  override remove(key: string): void {
    this.samples.delete(key);
    super.remove(key);
  }

  override reset(): void {
    this.samples.clear();
    super.reset();
  }

  override async get(): Promise<MetricJson> {
    const values = this.keys().flatMap((k) => {
      const s = this.samples.get(k);
      return s ? s.list.map((x) => ({ labels: { ...s.labels, window: x.window }, value: x.value })) : [];
    });
    return { name: this.name, help: this.help, type: 'gauge', values, aggregator: 'sum' };
  }
}

/** The quota families of one registry. */
export interface QuotaFamilies {
  quotaUtilization: WindowGauge;
  quotaReset: WindowGauge;
  quotaObserved: KeyedGauge;
}

/** Set (or clear) the quota series of one profile from its latest observation. */
export function setQuota(
  m: QuotaFamilies,
  key: string,
  labels: Record<string, string>,
  rec: QuotaRecord | undefined,
  now: number,
): void {
  const windows = rec ? currentWindows({ ...rec, windows: labelledWindows(rec.windows) }, now) : [];
  if (!rec || windows.length === 0) {
    m.quotaUtilization.remove(key);
    m.quotaReset.remove(key);
    if (rec) m.quotaObserved.set(key, labels, rec.at / 1000);
    else m.quotaObserved.remove(key);
    return;
  }
  m.quotaUtilization.setWindows(
    key,
    labels,
    windows.map((w) => ({ window: w.window, value: Math.round(w.utilization * 100) / 10_000 })),
  );
  m.quotaReset.setWindows(
    key,
    labels,
    windows
      .filter((w) => w.resetsAt !== undefined)
      .map((w) => ({ window: w.window, value: Math.floor((w.resetsAt as number) / 1000) })),
  );
  m.quotaObserved.set(key, labels, rec.at / 1000);
}

/** The latest clock skew per provider among a batch of probes, in seconds (the one rule: `latestClockSkews`). */
export function latestSkews(
  probes: Iterable<{ provider: string; at: number; clockSkewMs?: number }>,
): Map<string, { at: number; seconds: number }> {
  return new Map(
    [...latestClockSkews(probes)].map(([provider, s]) => [provider, { at: s.at, seconds: Math.round(s.ms) / 1000 }]),
  );
}
