/** Model references: `provider/model`, or an alias from `models.aliases`. */
import type { ReportSettings } from '../store/report.js';
import type { AiproConfig } from './schema.js';

export interface ModelRef {
  provider: string;
  model: string;
  /** The alias it was reached through, if any. */
  alias?: string;
}

/** Resolve `sonnet` or `anthropic/claude-sonnet-4-5`; null when it names no provider. */
export function resolveModelRef(ref: string, config: Pick<AiproConfig, 'models'>): ModelRef | null {
  const trimmed = ref.trim();
  const aliased = Object.hasOwn(config.models.aliases, trimmed) ? config.models.aliases[trimmed] : undefined;
  const target = aliased ?? trimmed;
  const i = target.indexOf('/');
  if (i <= 0 || i === target.length - 1) return null;
  return { provider: target.slice(0, i), model: target.slice(i + 1), ...(aliased ? { alias: trimmed } : {}) };
}

/** Providers the configuration depends on: default model, fallbacks, config order. */
export function configuredProviders(config: Pick<AiproConfig, 'models' | 'auth'>): string[] {
  const out = new Set<string>();
  for (const ref of [config.models.default, ...config.models.fallbacks]) {
    const m = ref ? resolveModelRef(ref, config) : null;
    if (m) out.add(m.provider);
  }
  for (const p of Object.keys(config.auth.order)) out.add(p);
  return [...out];
}

/** What the credential report reads from the config. */
export function reportSettings(config: Pick<AiproConfig, 'models' | 'auth'>): ReportSettings {
  return { providersInUse: configuredProviders(config), profiles: config.auth.profiles };
}
