/**
 * The numbered model picker (`/model list`) and the compact auth state per provider.
 * Pure over (config, store, env, now): the same numbers every time for the same config.
 */
import { resolveModelRef } from '../config/models.js';
import type { AiproConfig } from '../config/schema.js';
import { collectCredentials } from '../store/credentials.js';
import { unavailableUntil } from '../store/order.js';
import type { Store } from '../store/schema.js';
import { FAILING, status } from '../store/status.js';
import type { AgentState } from './agent-state.js';

/** One numbered picker entry. */
export interface MenuEntry {
  /** `provider/model`. */
  ref: string;
  provider: string;
  aliases: string[];
  roles: ('default' | 'fallback')[];
}

/** Default model first, then alias targets (by alias name), then fallbacks; one entry per model. */
export function menuEntries(config: Pick<AiproConfig, 'models'>): MenuEntry[] {
  const out: MenuEntry[] = [];
  const entry = (raw: string): MenuEntry | null => {
    const m = resolveModelRef(raw, config);
    if (!m) return null;
    const ref = `${m.provider}/${m.model}`;
    let e = out.find((x) => x.ref === ref);
    if (!e) out.push((e = { ref, provider: m.provider, aliases: [], roles: [] }));
    return e;
  };
  entry(config.models.default)?.roles.push('default');
  for (const alias of Object.keys(config.models.aliases).sort()) entry(alias)?.aliases.push(alias);
  for (const f of config.models.fallbacks) {
    const e = entry(f);
    if (e && !e.roles.includes('fallback')) e.roles.push('fallback');
  }
  return out;
}

/** `ok ×2, cooldown ×1`, or `missing` when the provider has no credential. */
export function providerAuthState(
  agent: AgentState,
  store: Store,
  provider: string,
  now: number,
  warnMs: number,
): string {
  const views = collectCredentials(agent.id, store, agent.env, { provider }).filter((v) => v.type !== 'none');
  if (views.length === 0) return 'missing';
  const counts = new Map<string, number>();
  for (const v of views) {
    const s = status(v, now, warnMs).status;
    const until = unavailableUntil(store.usageStats?.[v.id], now);
    const word = FAILING.has(s)
      ? s
      : until > 0
        ? (store.usageStats?.[v.id]?.disabledUntil ?? 0) > now
          ? 'disabled'
          : 'cooldown'
        : s === 'static'
          ? 'ok'
          : s;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts.entries()].map(([w, n]) => `${w} ×${n}`).join(', ');
}

/** One picker line. */
export function menuLine(i: number, e: MenuEntry, auth: string, current: boolean): string {
  const bits = [
    ...(e.aliases.length ? [`alias ${e.aliases.join(', ')}`] : []),
    ...e.roles,
    `provider ${e.provider}`,
    `auth: ${auth}`,
  ];
  return `${String(i + 1).padStart(2)}. ${e.ref} — ${bits.join(' · ')}${current ? '  ← current' : ''}`;
}
